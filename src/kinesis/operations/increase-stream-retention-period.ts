import { checkRetentionBounds } from '../domain/retention-rules.js';
import { InvalidArgumentException } from '../errors.js';
import type { Handler } from '../state/services.js';

export const increaseStreamRetentionPeriod: Handler<'IncreaseStreamRetentionPeriod'> = async (
  { streams },
  input,
  ctx,
) => {
  const hours = input.RetentionPeriodHours;
  checkRetentionBounds(hours);
  await streams.updateActive(input, ctx, (meta) => {
    // Equal is accepted as a no-op, like AWS; only a shorter period is refused.
    if (hours < meta.retentionHours)
      throw new InvalidArgumentException(
        `Requested retention period (${hours} hours) for stream ${meta.name} can not be shorter than ` +
          `existing retention period (${meta.retentionHours} hours). Use DecreaseRetentionPeriod API.`,
      );
    return { ...meta, retentionHours: hours };
  });
  return undefined;
};
