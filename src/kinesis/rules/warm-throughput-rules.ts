// Warm throughput exists only for on-demand streams in accounts with a throughput commitment.

import type { StorageEngine } from '../../storage/engine.js';
import type { StreamMode } from '../domain/stream-model.js';
import { InvalidArgumentException } from '../errors.js';
import { limits } from '../limits.js';
import { readAccountSettings } from '../state/account-settings.js';

export async function checkWarmThroughput(
  engine: StorageEngine,
  account: string,
  region: string,
  mode: StreamMode,
  mibps: number,
): Promise<void> {
  if (mode !== 'ON_DEMAND')
    throw new InvalidArgumentException(
      'Warm throughput can only be configured for streams in ON_DEMAND mode.',
    );
  if (mibps > limits.warmThroughputMiBpsMax)
    throw new InvalidArgumentException(
      `Requested warm throughput (${mibps} MiBps) exceeds the maximum of ${limits.warmThroughputMiBpsMax} MiBps.`,
    );
  const settings = await readAccountSettings(engine, account, region);
  if (settings.commitment !== 'ENABLED')
    throw new InvalidArgumentException(
      `Account ${account} must have MinimumThroughputBillingCommitment ENABLED to configure warm throughput.`,
    );
}
