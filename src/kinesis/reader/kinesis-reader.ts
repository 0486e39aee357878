// The public in-process consumer: how the platform's other services (event source mappings,
// delivery streams, streaming SQL) read Kinesis streams — never over HTTP to themselves and never
// from raw storage. It runs the same ListShards, GetShardIterator and GetRecords operations a
// client would, in-process, so retention, resharding (closed shards, children), expired
// iterators, throughput limits and every error answer exactly as they do on the wire.
import { randomUUID } from 'node:crypto';
import type { OpContext } from '../../aws/operation.js';
import type { ShardIteratorType } from '../model-types.js';
import { getRecords } from '../operations/get-records.js';
import { getShardIterator } from '../operations/get-shard-iterator.js';
import { listShards } from '../operations/list-shards.js';
import type { Services } from '../state/services.js';

/** A stream as the reader names it: by ARN, or by name in an account and region. */
export interface StreamName {
  readonly account: string;
  readonly region: string;
  readonly name: string;
}

export interface ShardInfo {
  readonly shardId: string;
  readonly parentShardId?: string;
  readonly adjacentParentShardId?: string;
  readonly startingHashKey: string;
  readonly endingHashKey: string;
  /** Set once the shard is closed (resharded). */
  readonly endingSequenceNumber?: string;
}

export interface StartPosition {
  readonly type: ShardIteratorType;
  readonly sequenceNumber?: string;
  readonly timestampMs?: number;
}

export interface ReadRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  readonly approximateArrivalTimestampMs: number;
  readonly encrypted: boolean;
}

export interface ReadBatch {
  readonly records: readonly ReadRecord[];
  readonly millisBehindLatest: number;
  /** Where to read next; undefined when the shard is closed and fully read. */
  readonly next: string | undefined;
  /** At the end of a closed shard: the shards that continue its hash range. */
  readonly childShards: readonly string[];
}

/** Bound on ListShards pages followed for one listing (1,000 shards a page). */
const LIST_PAGES_MAX = 64;

export class KinesisReader {
  readonly #services: Services;

  constructor(services: Services) {
    this.#services = services;
  }

  #ctx(stream: StreamName): OpContext {
    return {
      account: stream.account,
      region: stream.region,
      requestId: `reader-${randomUUID()}`,
      nowMs: Date.now(),
      signal: new AbortController().signal,
      // Plain objects back (the JSON wire would get pre-encoded bytes).
      wire: 'cbor',
    };
  }

  /** Every shard the stream shows (open and closed within retention), in shard order. */
  async listShards(stream: StreamName): Promise<ShardInfo[]> {
    const out: ShardInfo[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < LIST_PAGES_MAX; page++) {
      const input = nextToken === undefined ? { StreamName: stream.name } : { NextToken: nextToken };
      const result = await listShards(this.#services, input, this.#ctx(stream));
      if (result === undefined || !('Shards' in result)) break;
      for (const s of result.Shards ?? [])
        out.push({
          shardId: s.ShardId,
          ...(s.ParentShardId !== undefined ? { parentShardId: s.ParentShardId } : {}),
          ...(s.AdjacentParentShardId !== undefined
            ? { adjacentParentShardId: s.AdjacentParentShardId }
            : {}),
          startingHashKey: s.HashKeyRange.StartingHashKey,
          endingHashKey: s.HashKeyRange.EndingHashKey,
          ...(s.SequenceNumberRange.EndingSequenceNumber !== undefined
            ? { endingSequenceNumber: s.SequenceNumberRange.EndingSequenceNumber }
            : {}),
        });
      nextToken = result.NextToken;
      if (nextToken === undefined) break;
    }
    return out;
  }

  /** A position to read from (a shard iterator: valid for 5 minutes, renewed by every read). */
  async open(stream: StreamName, shardId: string, from: StartPosition): Promise<string> {
    const result = await getShardIterator(
      this.#services,
      {
        StreamName: stream.name,
        ShardId: shardId,
        ShardIteratorType: from.type,
        ...(from.sequenceNumber !== undefined ? { StartingSequenceNumber: from.sequenceNumber } : {}),
        ...(from.timestampMs !== undefined ? { Timestamp: from.timestampMs } : {}),
      },
      this.#ctx(stream),
    );
    if (result === undefined || !('ShardIterator' in result) || result.ShardIterator === undefined)
      throw new Error(`no iterator for ${stream.name}/${shardId}`);
    return result.ShardIterator;
  }

  /** Reads up to `maxRecords` (at most GetRecords' 10,000) from a position. */
  async read(stream: StreamName, position: string, maxRecords: number): Promise<ReadBatch> {
    const result = await getRecords(
      this.#services,
      { ShardIterator: position, Limit: maxRecords },
      this.#ctx(stream),
    );
    if (result === undefined || !('Records' in result)) throw new Error('GetRecords answered no records');
    return {
      records: result.Records.map((r) => ({
        sequenceNumber: r.SequenceNumber,
        partitionKey: r.PartitionKey,
        data: r.Data,
        approximateArrivalTimestampMs: r.ApproximateArrivalTimestamp?.getTime() ?? 0,
        encrypted: r.EncryptionType === 'KMS',
      })),
      millisBehindLatest: result.MillisBehindLatest ?? 0,
      next: result.NextShardIterator,
      childShards: (result.ChildShards ?? []).map((c) => c.ShardId),
    };
  }
}
