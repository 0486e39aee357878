// AWS allows 25 StartStreamEncryption and 25 StopStreamEncryption applications per stream in any
// rolling 24 hours (Kinesis reference: quotas). AWS's message for the 26th is not recorded; ours
// follows its wording for the other rolling-window quotas (see docs/control-plane.md).
import { LimitExceededException } from '../errors.js';
import { limits } from '../limits.js';
import type { StreamMeta } from './stream-model.js';

const DAY_MS = 24 * 3_600_000;

/** The stream's changes of this kind in the last 24 hours, this one included; throws past the quota. */
export function nextEncryptionChanges(meta: StreamMeta, kind: 'start' | 'stop', nowMs: number): number[] {
  const history = (kind === 'start' ? meta.encryptionStartsMs : meta.encryptionStopsMs) ?? [];
  const recent = history.filter((t) => t > nowMs - DAY_MS);
  if (recent.length >= limits.encryptionChangesPer24hMax)
    throw new LimitExceededException(
      `Stream ${meta.name} under account ${meta.account} has already had encryption ` +
        `${kind === 'start' ? 'started' : 'stopped'} ${recent.length} times in the last 24 hours. ` +
        `Limit: ${limits.encryptionChangesPer24hMax}.`,
    );
  return [...recent, nowMs];
}
