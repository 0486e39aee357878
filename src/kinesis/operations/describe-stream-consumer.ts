// DescribeStreamConsumer: by ConsumerARN, or by StreamARN + ConsumerName.
import { consumerByInput, consumerOutput } from '../state/consumer-store.js';
import type { Handler } from '../state/services.js';
import { arnOf } from '../state/stream-store.js';

export const describeStreamConsumer: Handler<'DescribeStreamConsumer'> = async (services, input, ctx) => {
  const { stream, consumer } = await consumerByInput(services, input, ctx);
  return { ConsumerDescription: { ...consumerOutput(consumer), StreamARN: arnOf(stream) } };
};
