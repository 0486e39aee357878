import { checkRetentionBounds } from '../domain/retention-rules.js';
import { InvalidArgumentException } from '../errors.js';
import type { Handler } from '../state/services.js';

export const decreaseStreamRetentionPeriod: Handler<'DecreaseStreamRetentionPeriod'> = async (
  { streams },
  input,
  ctx,
) => {
  const hours = input.RetentionPeriodHours;
  checkRetentionBounds(hours);
  await streams.updateActive(input, ctx, (meta) => {
    if (hours > meta.retentionHours)
      throw new InvalidArgumentException(
        `Requested retention period (${hours} hours) for stream ${meta.name} can not be longer than ` +
          `existing retention period (${meta.retentionHours} hours). Use IncreaseRetentionPeriod API.`,
      );
    return { ...meta, retentionHours: hours };
  });
  return undefined;
};
