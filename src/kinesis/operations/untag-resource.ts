import { removeTags } from '../domain/tag-rules.js';
import { updateConsumer } from '../state/consumer-store.js';
import { resourceOf } from '../state/resource-arn.js';
import type { Handler } from '../state/services.js';

export const untagResource: Handler<'UntagResource'> = async (services, input, ctx) => {
  const resource = await resourceOf(services, input, ctx);
  const target = { verb: 'remove tags from', what: `resource ${input.ResourceARN}` } as const;
  if (resource.kind === 'consumer') {
    await updateConsumer(services.engine, resource, ctx.nowMs, (c) => ({
      ...c,
      tags: removeTags(c.tags, input.TagKeys, target),
    }));
    return undefined;
  }
  await services.streams.updateActive(
    { StreamName: resource.stream.name, StreamARN: input.ResourceARN },
    ctx,
    (meta) => ({ ...meta, tags: removeTags(meta.tags, input.TagKeys, target) }),
  );
  return undefined;
};
