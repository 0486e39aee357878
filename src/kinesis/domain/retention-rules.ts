// The bounds both retention operations enforce, with AWS's wording.
import { InvalidArgumentException } from '../errors.js';
import { limits } from '../limits.js';

export function checkRetentionBounds(hours: number): void {
  if (hours < limits.retentionHoursMin)
    throw new InvalidArgumentException(
      `Minimum allowed retention period is ${limits.retentionHoursMin} hours. ` +
        `Requested retention period (${hours} hours) is too short.`,
    );
  if (hours > limits.retentionHoursMax)
    throw new InvalidArgumentException(
      `Maximum allowed retention period is ${limits.retentionHoursMax} hours. ` +
        `Requested retention period (${hours} hours) is too long.`,
    );
}
