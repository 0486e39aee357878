// Per-account, per-region settings (MinimumThroughputBillingCommitment) in the MetaStore.
import type { StorageEngine } from '../../storage/engine.js';
import type { MinimumThroughputBillingCommitmentOutput } from '../model-types.js';

export interface AccountSettings {
  readonly commitment: 'ENABLED' | 'DISABLED';
  readonly startedAtMs?: number;
  readonly endedAtMs?: number;
}

export const accountSettingsKey = (account: string, region: string): string =>
  `account/${account}/${region}/settings`;

export async function readAccountSettings(
  engine: StorageEngine,
  account: string,
  region: string,
): Promise<AccountSettings> {
  const entry = await engine.meta.get(accountSettingsKey(account, region));
  return entry ? (JSON.parse(entry.value) as AccountSettings) : { commitment: 'DISABLED' };
}

export async function writeAccountSettings(
  engine: StorageEngine,
  account: string,
  region: string,
  settings: AccountSettings,
): Promise<void> {
  await engine.meta.put(accountSettingsKey(account, region), JSON.stringify(settings));
}

export function commitmentOutput(settings: AccountSettings): MinimumThroughputBillingCommitmentOutput {
  return {
    Status: settings.commitment,
    ...(settings.startedAtMs !== undefined ? { StartedAt: new Date(settings.startedAtMs) } : {}),
    ...(settings.endedAtMs !== undefined ? { EndedAt: new Date(settings.endedAtMs) } : {}),
  };
}
