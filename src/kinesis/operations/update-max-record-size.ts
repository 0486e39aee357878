import type { Handler } from '../state/services.js';

/** Takes effect at once; the stream stays ACTIVE (the bounds are checked by the model). */
export const updateMaxRecordSize: Handler<'UpdateMaxRecordSize'> = async ({ streams }, input, ctx) => {
  await streams.updateActive(input, ctx, (meta) => ({ ...meta, maxRecordSizeKiB: input.MaxRecordSizeInKiB }));
  return undefined;
};
