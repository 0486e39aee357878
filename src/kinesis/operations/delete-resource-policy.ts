import { ConsumerStatus, consumerNotActive, updateConsumer } from '../state/consumer-store.js';
import { resourceOf } from '../state/resource-arn.js';
import type { Handler } from '../state/services.js';
import { assertActive, policyKeyOfStream } from '../state/stream-store.js';

/** Deleting a policy that is not there is a no-op (AWS's behaviour here is unrecorded). */
export const deleteResourcePolicy: Handler<'DeleteResourcePolicy'> = async (services, input, ctx) => {
  const resource = await resourceOf(services, input, ctx);
  if (resource.kind === 'consumer') {
    if (resource.consumer.status !== ConsumerStatus.ACTIVE) throw consumerNotActive(resource.consumer);
    await updateConsumer(services.engine, resource, ctx.nowMs, ({ policy: _dropped, ...c }) => c);
    return undefined;
  }
  assertActive(resource.stream);
  const key = policyKeyOfStream(resource.stream.uid);
  if (await services.engine.meta.get(key)) await services.engine.meta.delete(key);
  return undefined;
};
