import { mergeTags } from '../domain/tag-rules.js';
import { updateConsumer } from '../state/consumer-store.js';
import { resourceOf } from '../state/resource-arn.js';
import type { Handler } from '../state/services.js';

export const tagResource: Handler<'TagResource'> = async (services, input, ctx) => {
  const resource = await resourceOf(services, input, ctx);
  const target = { verb: 'add tags to', what: `resource ${input.ResourceARN}` } as const;
  if (resource.kind === 'consumer') {
    await updateConsumer(services.engine, resource, ctx.nowMs, (c) => ({
      ...c,
      tags: mergeTags(c.tags, input.Tags, target),
    }));
    return undefined;
  }
  await services.streams.updateActive(
    { StreamName: resource.stream.name, StreamARN: input.ResourceARN },
    ctx,
    (meta) => ({ ...meta, tags: mergeTags(meta.tags, input.Tags, target) }),
  );
  return undefined;
};
