import { tagList } from '../domain/tag-rules.js';
import { resourceOf } from '../state/resource-arn.js';
import type { Handler } from './context.js';

export const listTagsForResource: Handler = async (services, input, ctx) => {
  const resource = await resourceOf(services, input, ctx);
  return { Tags: tagList(resource.kind === 'consumer' ? resource.consumer.tags : resource.stream.tags) };
};
