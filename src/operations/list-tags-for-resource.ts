import type { Handler } from './context.js';
import { streamOfResource } from './resource-arn.js';
import { tagList } from './tag-rules.js';

export const listTagsForResource: Handler = async (services, input, ctx) => {
  const meta = await streamOfResource(services, input, ctx);
  return { Tags: tagList(meta.tags) };
};
