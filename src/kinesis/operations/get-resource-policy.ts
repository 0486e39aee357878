import { resourceOf } from '../state/resource-arn.js';
import type { Handler } from '../state/services.js';
import { policyKeyOfStream } from '../state/stream-store.js';

/** Without a policy AWS answers an empty JSON object, not an error. */
const NO_POLICY = '{}';

export const getResourcePolicy: Handler<'GetResourcePolicy'> = async (services, input, ctx) => {
  const resource = await resourceOf(services, input, ctx);
  if (resource.kind === 'consumer') return { Policy: resource.consumer.policy ?? NO_POLICY };
  const entry = await services.engine.meta.get(policyKeyOfStream(resource.stream.uid));
  return { Policy: entry?.value ?? NO_POLICY };
};
