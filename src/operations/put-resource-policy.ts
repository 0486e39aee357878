import type { Handler } from './context.js';
import { streamOfResource } from './resource-arn.js';
import { checkPolicyDocument } from './resource-policy-rules.js';
import { assertActive, policyKeyOfStream } from './stream-store.js';

export const putResourcePolicy: Handler = async (services, input, ctx) => {
  const meta = await streamOfResource(services, input, ctx);
  assertActive(meta);
  checkPolicyDocument(input.Policy);
  await services.engine.meta.put(policyKeyOfStream(meta.uid), input.Policy);
  return undefined;
};
