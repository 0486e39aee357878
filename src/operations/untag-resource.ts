import type { Handler } from './context.js';
import { streamOfResource } from './resource-arn.js';
import { removeTags } from './tag-rules.js';

export const untagResource: Handler = async (services, input, ctx) => {
  const stream = await streamOfResource(services, input, ctx);
  await services.streams.updateActive(
    { StreamName: stream.name, StreamARN: input.ResourceARN },
    ctx,
    (meta) => ({
      ...meta,
      tags: removeTags(meta.tags, input.TagKeys, {
        verb: 'remove tags from',
        what: `resource ${input.ResourceARN}`,
      }),
    }),
  );
  return undefined;
};
