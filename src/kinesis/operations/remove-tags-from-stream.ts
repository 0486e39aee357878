import { removeTags } from '../domain/tag-rules.js';
import type { Handler } from '../state/services.js';

export const removeTagsFromStream: Handler<'RemoveTagsFromStream'> = async ({ streams }, input, ctx) => {
  await streams.updateActive(input, ctx, (meta) => ({
    ...meta,
    tags: removeTags(meta.tags, input.TagKeys, {
      verb: 'remove tags from',
      what: `stream ${meta.name} under account ${meta.account}`,
    }),
  }));
  return undefined;
};
