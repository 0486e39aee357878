import { ResourceNotFoundException } from '../errors.js';
import { ConsumerStatus, consumerNotActive, updateConsumer } from '../state/consumer-store.js';
import { resourceOf } from '../state/resource-arn.js';
import type { Handler } from '../state/services.js';
import { assertActive, policyKeyOfStream } from '../state/stream-store.js';

/**
 * Deleting a policy that is not there is an error (AWS raises one; LocalStack, whose snapshots are
 * validated against AWS, reports ResourceNotFoundException). AWS's wording is not recorded: the
 * message is LocalStack's (docs/control-plane.md).
 */
const noPolicy = (arn: string): Error =>
  new ResourceNotFoundException(`No resource policy found for resource ARN ${arn}`);

export const deleteResourcePolicy: Handler<'DeleteResourcePolicy'> = async (services, input, ctx) => {
  const resource = await resourceOf(services, input, ctx);
  if (resource.kind === 'consumer') {
    if (resource.consumer.status !== ConsumerStatus.ACTIVE) throw consumerNotActive(resource.consumer);
    if (resource.consumer.policy === undefined) throw noPolicy(input.ResourceARN);
    await updateConsumer(services.engine, resource, ctx.nowMs, ({ policy: _dropped, ...c }) => c);
    return undefined;
  }
  assertActive(resource.stream);
  const key = policyKeyOfStream(resource.stream.uid);
  if (!(await services.engine.meta.get(key))) throw noPolicy(input.ResourceARN);
  await services.engine.meta.delete(key);
  return undefined;
};
