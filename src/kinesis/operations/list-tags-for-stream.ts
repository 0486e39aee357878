import { tagList } from '../domain/tag-rules.js';
import { limits } from '../limits.js';
import type { Handler } from '../state/services.js';

export const listTagsForStream: Handler<'ListTagsForStream'> = async ({ streams }, input, ctx) => {
  const meta = await streams.get(input, ctx);
  const limit: number = input.Limit ?? limits.listTagsDefault;
  const after = input.ExclusiveStartTagKey;
  const all = tagList(meta.tags).filter((t) => after === undefined || t.Key > after);
  return { Tags: all.slice(0, limit), HasMoreTags: all.length > limit };
};
