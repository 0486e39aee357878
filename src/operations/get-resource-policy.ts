import type { Handler } from './context.js';
import { streamOfResource } from './resource-arn.js';
import { policyKeyOfStream } from './stream-store.js';

/** Without a policy AWS answers an empty JSON object, not an error. */
const NO_POLICY = '{}';

export const getResourcePolicy: Handler = async (services, input, ctx) => {
  const meta = await streamOfResource(services, input, ctx);
  const entry = await services.engine.meta.get(policyKeyOfStream(meta.uid));
  return { Policy: entry?.value ?? NO_POLICY };
};
