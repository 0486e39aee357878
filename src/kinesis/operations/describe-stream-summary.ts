import { consumerCount } from '../state/consumer-hooks.js';
import { streamDescriptionSummary } from '../state/describe.js';
import type { Handler } from './context.js';

export const describeStreamSummary: Handler = async ({ streams, engine }, input, ctx) => {
  const meta = await streams.get(input, ctx);
  return { StreamDescriptionSummary: streamDescriptionSummary(meta, await consumerCount(engine, meta)) };
};
