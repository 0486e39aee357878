import { InvalidArgumentException } from '../errors.js';
import type { Handler } from '../state/services.js';

/** Takes effect immediately (no UPDATING); AUTO is for on-demand streams only. */
export const updateStreamRecordDistributionStrategy: Handler<
  'UpdateStreamRecordDistributionStrategy'
> = async ({ streams }, input, ctx) => {
  const strategy = input.RecordDistributionStrategy;
  await streams.updateActive({ StreamARN: input.StreamARN }, ctx, (meta) => {
    if (strategy === 'AUTO' && meta.mode !== 'ON_DEMAND')
      throw new InvalidArgumentException(
        `Record distribution strategy AUTO is only supported for streams in ON_DEMAND mode. ` +
          `Stream ${meta.name} under account ${meta.account} is in ${meta.mode} mode.`,
      );
    return { ...meta, recordDistribution: strategy };
  });
  return undefined;
};
