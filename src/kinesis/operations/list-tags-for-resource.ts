import { tagList } from '../domain/tag-rules.js';
import { resourceOf } from '../state/resource-arn.js';
import type { Handler } from '../state/services.js';

export const listTagsForResource: Handler<'ListTagsForResource'> = async (services, input, ctx) => {
  const resource = await resourceOf(services, input, ctx);
  return { Tags: tagList(resource.kind === 'consumer' ? resource.consumer.tags : resource.stream.tags) };
};
