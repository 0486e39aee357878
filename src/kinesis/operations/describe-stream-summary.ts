import { consumerCount } from '../state/consumer-hooks.js';
import { streamDescriptionSummary } from '../state/describe.js';
import type { Handler } from '../state/services.js';

export const describeStreamSummary: Handler<'DescribeStreamSummary'> = async (
  { streams, engine },
  input,
  ctx,
) => {
  const meta = await streams.get(input, ctx);
  return { StreamDescriptionSummary: streamDescriptionSummary(meta, await consumerCount(engine, meta)) };
};
