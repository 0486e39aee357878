// Reads every shard of a stream in lineage order: a child shard is started once its parents have
// been read to their end (GetRecords answers ChildShards there), so records of one partition key
// come out in order across splits and merges. Used by `tail` (follow) and `replay` (stop when
// caught up).

import { KinesisApiError, type KinesisClient, streamRef } from '../client/kinesis.js';
import { cliLimits } from './limits.js';

export interface WireRecord {
  readonly SequenceNumber: string;
  readonly PartitionKey: string;
  /** base64 */
  readonly Data: string;
  /** epoch seconds (JSON 1.1) */
  readonly ApproximateArrivalTimestamp: number;
}

export type StartAt =
  | { readonly type: 'LATEST' }
  | { readonly type: 'TRIM_HORIZON' }
  | { readonly type: 'AT_TIMESTAMP'; readonly timestampMs: number };

export interface ReadOptions {
  readonly client: KinesisClient;
  readonly stream: string;
  readonly start: StartAt;
  /** false: each shard stops once caught up (and its children are read if it was closed). */
  readonly follow: boolean;
  readonly signal: AbortSignal;
  /** Called in order per shard; answer 'stop' to stop reading that shard (and its children). */
  onRecords(
    shardId: string,
    records: readonly WireRecord[],
  ): Promise<'stop' | undefined> | 'stop' | undefined;
}

interface ShardInfo {
  readonly ShardId: string;
  readonly ParentShardId?: string;
  readonly AdjacentParentShardId?: string;
  readonly SequenceNumberRange?: { EndingSequenceNumber?: string };
}

interface ChildShard {
  readonly ShardId: string;
  readonly ParentShards?: readonly string[];
}

/** GetRecords calls per shard per second stay under AWS's 5. */
const MIN_CALL_SPACING_MS = 210;
const SHARD_PAGES_MAX = 1_000;

export async function listAllShards(client: KinesisClient, stream: string): Promise<ShardInfo[]> {
  const shards: ShardInfo[] = [];
  let token: string | undefined;
  for (let page = 0; page < SHARD_PAGES_MAX; page++) {
    const out = await client.call<{ Shards?: ShardInfo[]; NextToken?: string }>(
      'ListShards',
      token === undefined ? streamRef(stream) : { NextToken: token },
    );
    shards.push(...(out.Shards ?? []));
    token = out.NextToken;
    if (token === undefined) break;
  }
  return shards;
}

export async function readStream(o: ReadOptions): Promise<void> {
  const shards = await listAllShards(o.client, o.stream);
  const known = new Set(shards.map((s) => s.ShardId));
  const started = new Set<string>();
  const finished = new Set<string>();
  // At LATEST only open shards are read: closed ones hold nothing newer.
  const roots =
    o.start.type === 'LATEST'
      ? shards.filter((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined)
      : shards.filter(
          (s) =>
            (s.ParentShardId === undefined || !known.has(s.ParentShardId)) &&
            (s.AdjacentParentShardId === undefined || !known.has(s.AdjacentParentShardId)),
        );
  // A parent is done when read to its end, or when this reader will never read it.
  const parentDone = (p: string) =>
    finished.has(p) || (!started.has(p) && (o.start.type === 'LATEST' || !known.has(p)));
  let running = 0;
  let failure: unknown;
  let settle: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const launch = (shardId: string, start: StartAt) => {
    if (started.has(shardId)) return;
    started.add(shardId);
    running++;
    readShard(o, shardId, start)
      .then((children) => {
        finished.add(shardId);
        for (const child of children)
          if ((child.ParentShards ?? []).every(parentDone))
            // Children start at their beginning (or the same timestamp).
            launch(child.ShardId, o.start.type === 'AT_TIMESTAMP' ? o.start : { type: 'TRIM_HORIZON' });
      })
      .catch((err: unknown) => {
        failure ??= err;
      })
      .finally(() => {
        running--;
        if (running === 0) settle();
      });
  };
  for (const s of roots) launch(s.ShardId, o.start);
  if (running === 0) return;
  await allDone;
  if (failure !== undefined) throw failure;
}

async function shardIterator(
  o: ReadOptions,
  shardId: string,
  start: StartAt,
  afterSeq?: string,
): Promise<string> {
  const input: Record<string, unknown> = { ...streamRef(o.stream), ShardId: shardId };
  if (afterSeq !== undefined) {
    input.ShardIteratorType = 'AFTER_SEQUENCE_NUMBER';
    input.StartingSequenceNumber = afterSeq;
  } else {
    input.ShardIteratorType = start.type;
    if (start.type === 'AT_TIMESTAMP') input.Timestamp = start.timestampMs / 1000;
  }
  for (;;) {
    try {
      const out = await o.client.call<{ ShardIterator: string }>('GetShardIterator', input);
      return out.ShardIterator;
    } catch (err) {
      if (!isThrottle(err)) throw err;
      await pause(1000, o.signal);
    }
  }
}

/** Reads one shard; answers the child shards when it was read to its end. */
async function readShard(o: ReadOptions, shardId: string, start: StartAt): Promise<readonly ChildShard[]> {
  let iterator = await shardIterator(o, shardId, start);
  let lastSeq: string | undefined;
  while (!o.signal.aborted) {
    let out: {
      Records?: WireRecord[];
      NextShardIterator?: string;
      MillisBehindLatest?: number;
      ChildShards?: ChildShard[];
    };
    const callAt = Date.now();
    try {
      out = await o.client.call('GetRecords', {
        ShardIterator: iterator,
        Limit: cliLimits.cliReadPageRecordsMax,
      });
    } catch (err) {
      if (isThrottle(err)) {
        await pause(1000, o.signal);
        continue;
      }
      if (err instanceof KinesisApiError && err.type === 'ExpiredIteratorException') {
        iterator = await shardIterator(o, shardId, start, lastSeq);
        continue;
      }
      throw err;
    }
    const records = out.Records ?? [];
    if (records.length > 0) {
      lastSeq = records[records.length - 1]!.SequenceNumber;
      if ((await o.onRecords(shardId, records)) === 'stop') return [];
    }
    if (out.NextShardIterator === undefined || out.NextShardIterator === null) return out.ChildShards ?? [];
    iterator = out.NextShardIterator;
    const caughtUp = records.length === 0 && (out.MillisBehindLatest ?? 0) === 0;
    if (caughtUp && !o.follow) return [];
    const spacing = caughtUp ? cliLimits.cliTailPollMs : MIN_CALL_SPACING_MS;
    await pause(spacing - (Date.now() - callAt), o.signal);
  }
  return [];
}

function isThrottle(err: unknown): boolean {
  return (
    err instanceof KinesisApiError &&
    (err.type === 'ProvisionedThroughputExceededException' || err.type === 'LimitExceededException')
  );
}

/** Sleeps, waking early when the read is aborted. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
