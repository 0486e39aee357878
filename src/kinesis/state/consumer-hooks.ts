// The seam between stream control operations and enhanced fan-out consumers. Consumers live under
// `consumer/<streamUid>/<consumerName>` in the MetaStore (see consumer-store.ts).

import type { StorageEngine } from '../../storage/engine.js';
import { metaEntries } from '../../storage/meta-pages.js';
import type { StreamMeta } from '../domain/stream-model.js';
import { listConsumers } from './consumer-store.js';

export const consumerPrefixOf = (meta: StreamMeta): string => `consumer/${meta.uid}/`;

/** Registered consumers (CREATING, ACTIVE, or DELETING not yet over), as DescribeStreamSummary counts them. */
export async function consumerCount(
  engine: StorageEngine,
  meta: StreamMeta,
  nowMs = Date.now(),
): Promise<number> {
  return (await listConsumers(engine, meta, nowMs)).length;
}

/** Removes every consumer record of a stream (DeleteStream with EnforceConsumerDeletion). */
export async function dropConsumers(engine: StorageEngine, meta: StreamMeta): Promise<void> {
  // Deleting behind the cursor is safe: the next page starts after the last key seen.
  for await (const entry of metaEntries(engine.meta, consumerPrefixOf(meta)))
    await engine.meta.delete(entry.key);
}
