import type { Handler } from './context.js';
import { streamOfResource } from './resource-arn.js';
import { assertActive, policyKeyOfStream } from './stream-store.js';

/** Deleting a policy that is not there is a no-op (AWS's behaviour here is unrecorded). */
export const deleteResourcePolicy: Handler = async (services, input, ctx) => {
  const meta = await streamOfResource(services, input, ctx);
  assertActive(meta);
  const key = policyKeyOfStream(meta.uid);
  if (await services.engine.meta.get(key)) await services.engine.meta.delete(key);
  return undefined;
};
