import { checkPolicyDocument } from '../domain/resource-policy-rules.js';
import { ConsumerStatus, consumerNotActive, updateConsumer } from '../state/consumer-store.js';
import { resourceOf } from '../state/resource-arn.js';
import type { Handler } from '../state/services.js';
import { assertActive, policyKeyOfStream } from '../state/stream-store.js';

export const putResourcePolicy: Handler<'PutResourcePolicy'> = async (services, input, ctx) => {
  const resource = await resourceOf(services, input, ctx);
  if (resource.kind === 'consumer') {
    // AWS refuses policies on consumers that are not ACTIVE yet (seen with CloudFormation).
    if (resource.consumer.status !== ConsumerStatus.ACTIVE) throw consumerNotActive(resource.consumer);
    checkPolicyDocument(input.Policy);
    await updateConsumer(services.engine, resource, ctx.nowMs, (c) => ({ ...c, policy: input.Policy }));
    return undefined;
  }
  assertActive(resource.stream);
  checkPolicyDocument(input.Policy);
  await services.engine.meta.put(policyKeyOfStream(resource.stream.uid), input.Policy);
  return undefined;
};
