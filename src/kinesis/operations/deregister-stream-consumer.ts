// DeregisterStreamConsumer: the consumer goes DELETING and disappears after the state delay; its
// subscriptions end at their next check (see src/kinesis/fanout/subscription.ts).
import {
  ConsumerStatus,
  consumerByInput,
  consumerNotActive,
  updateConsumer,
} from '../state/consumer-store.js';
import type { Handler } from '../state/services.js';

export const deregisterStreamConsumer: Handler<'DeregisterStreamConsumer'> = async (services, input, ctx) => {
  const ref = await consumerByInput(services, input, ctx);
  await updateConsumer(services.engine, ref, ctx.nowMs, (c) => {
    if (c.status !== ConsumerStatus.ACTIVE) throw consumerNotActive(c);
    return { ...c, status: ConsumerStatus.DELETING, statusUntilMs: ctx.nowMs + services.config.stateDelayMs };
  });
  return undefined;
};
