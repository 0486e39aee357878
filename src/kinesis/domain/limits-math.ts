import { isOpen, type StreamMeta } from './stream-model.js';

/** Open shards across streams, as counted against the account shard limit. */
export function openShardCount(streams: readonly StreamMeta[]): number {
  let n = 0;
  for (const s of streams) for (const shard of s.shards) if (isOpen(shard)) n++;
  return n;
}
