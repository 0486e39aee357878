// The seam between stream control operations and enhanced fan-out consumers (a later issue).
// Consumers are expected under `consumer/<streamUid>/<consumerName>` in the MetaStore; until the
// consumer operations exist this prefix is simply empty.
import type { StreamMeta } from '../domain/stream-model.js';
import type { StorageEngine } from '../storage/engine.js';

export const consumerPrefixOf = (meta: StreamMeta): string => `consumer/${meta.uid}/`;

export async function consumerCount(engine: StorageEngine, meta: StreamMeta): Promise<number> {
  return (await engine.meta.list(consumerPrefixOf(meta))).length;
}

/** Removes every consumer record of a stream (DeleteStream with EnforceConsumerDeletion). */
export async function dropConsumers(engine: StorageEngine, meta: StreamMeta): Promise<void> {
  for (const entry of await engine.meta.list(consumerPrefixOf(meta))) await engine.meta.delete(entry.key);
}
