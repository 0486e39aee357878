import { mergeTags } from '../domain/tag-rules.js';
import type { Handler } from '../state/services.js';

export const addTagsToStream: Handler<'AddTagsToStream'> = async ({ streams }, input, ctx) => {
  await streams.updateActive(input, ctx, (meta) => ({
    ...meta,
    tags: mergeTags(meta.tags, input.Tags, {
      verb: 'add tags to',
      what: `stream ${meta.name} under account ${meta.account}`,
    }),
  }));
  return undefined;
};
