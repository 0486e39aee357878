import type { Handler } from './context.js';

/** Takes effect at once; the stream stays ACTIVE (the bounds are checked by the model). */
export const updateMaxRecordSize: Handler = async ({ streams }, input, ctx) => {
  await streams.updateActive(input, ctx, (meta) => ({ ...meta, maxRecordSizeKiB: input.MaxRecordSizeInKiB }));
  return undefined;
};
