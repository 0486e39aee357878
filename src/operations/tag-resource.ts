import type { Handler } from './context.js';
import { streamOfResource } from './resource-arn.js';
import { mergeTags } from './tag-rules.js';

export const tagResource: Handler = async (services, input, ctx) => {
  const stream = await streamOfResource(services, input, ctx);
  await services.streams.updateActive(
    { StreamName: stream.name, StreamARN: input.ResourceARN },
    ctx,
    (meta) => ({
      ...meta,
      tags: mergeTags(meta.tags, input.Tags, { verb: 'add tags to', what: `resource ${input.ResourceARN}` }),
    }),
  );
  return undefined;
};
