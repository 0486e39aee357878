// GetRecords: opens the iterator, reads one bounded batch from the shard log (skipping records
// past retention) and hands out the next iterator, or the child shards at the end of a closed shard.

import { EncodedBody } from '../../aws/operation.js';
import {
  LogNotFoundError,
  type LogStore,
  type ReadLimits,
  type ReadResult,
  type StoredRecord,
} from '../../storage/engine.js';
import { sequenceNumbersOf } from '../domain/sequence-number.js';
import {
  amzUtcString,
  decodeIterator,
  encodeIterator,
  type IteratorPosition,
  unquoteIterator,
} from '../domain/shard-iterator.js';
import {
  isExpiredShard,
  logIdOf,
  parseStreamArn,
  type ShardMeta,
  type StreamMeta,
  shardIdOf,
} from '../domain/stream-model.js';
import {
  DryRunOperationException,
  ExpiredIteratorException,
  InvalidArgumentException,
  ProvisionedThroughputExceededException,
} from '../errors.js';
import { limits } from '../limits.js';
import { metricsOf } from '../metrics/metrics.js';
import type { GetRecordsOutput } from '../model-types.js';
import {
  iteratorKey,
  loadStream,
  retentionCutoffMs,
  type StreamView,
  shardNotFound,
} from '../records/record-path.js';
import type { Handler, OpContext, Services, StreamRef } from '../state/services.js';
import { type ShardRuntime, throughputOf } from '../state/shard-runtime.js';
import { encodeGetRecordsJson, type GetRecordsTail } from '../wire/records-json.js';
import { DRY_RUN_MESSAGE, rateExceededMessage } from './put-records.js';

export const getRecords: Handler<'GetRecords'> = async (services, input, ctx) => {
  const key = await iteratorKey(services);
  const pos = openIterator(key, input.ShardIterator, ctx.nowMs);
  checkStreamArn(input, pos);
  const view = await loadStream(
    services,
    { account: pos.account, region: pos.region, name: pos.streamName },
    ctx,
  );
  const shard = view?.shardsByIndex.get(pos.shardIndex);
  if (view === undefined || shard === undefined)
    throw shardNotFound(pos.shardIndex, pos.streamName, pos.account);
  if (input.DryRun === true) throw new DryRunOperationException(DRY_RUN_MESSAGE);
  const next = (offset: number) =>
    encodeIterator(key, { ...pos, streamUid: view.meta.uid, offset, issuedAtMs: ctx.nowMs });

  const cutoffMs = retentionCutoffMs(services, view.meta, ctx.nowMs);
  // A closed shard whose data all passed retention has nothing left to read (its log may be gone).
  if (isExpiredShard(shard, cutoffMs)) return respond(ctx, view, [], shard, endOfShard(view.meta, shard));

  // An iterator from an earlier stream of the same name reads nothing; its successor starts at
  // the new stream's beginning (AWS answers such iterators with an empty page too).
  if (view.meta.uid !== pos.streamUid) {
    const { startOffset } = await services.engine.logs.bounds(logIdOf(view.meta, shard.index));
    return respond(ctx, view, [], shard, {
      NextShardIterator: next(startOffset),
      MillisBehindLatest: 0,
    });
  }

  const closedEnd = shard.closedEndOffset;
  const limit = Math.min(input.Limit ?? limits.getRecordsRecordsMax, remaining(pos.offset, closedEnd));
  if (limit === 0) return respond(ctx, view, [], shard, endOfShard(view.meta, shard));

  const logId = logIdOf(view.meta, shard.index);
  const rt = admitRead(services, view, shard.index, logId, ctx.nowMs);
  let result: ReadResult;
  try {
    result = await readToEnd(
      services.engine.logs,
      logId,
      pos.offset,
      { maxRecords: limit, maxBytes: limits.getRecordsBytesMax, minTimestampMs: cutoffMs },
      services.config.getRecordsCommitWaitMs ?? limits.getRecordsCommitWaitMsDefault,
    );
  } catch (err) {
    // The retention sweeper dropped a closed shard's log after this call loaded the stream.
    if (err instanceof LogNotFoundError && closedEnd !== undefined)
      return respond(ctx, view, [], shard, endOfShard(view.meta, shard));
    throw err;
  }
  const { records, nextOffset, endOffset } = result;
  if (rt !== undefined) rt.readBytes?.charge(recordBytes(records), ctx.nowMs);
  const last = records.at(-1);
  const caughtUp = nextOffset >= endOffset;
  const tail: GetRecordsTail =
    closedEnd !== undefined && nextOffset >= closedEnd
      ? endOfShard(view.meta, shard)
      : {
          NextShardIterator: next(nextOffset),
          MillisBehindLatest: caughtUp || last === undefined ? 0 : Math.max(0, ctx.nowMs - last.timestampMs),
        };
  metricsOf(services)?.getRecords(view.meta, shard.index, records, ctx.nowMs);
  return respond(ctx, view, records, shard, tail);
};

/**
 * Reads one page. When the page reaches the end of the log with room to spare and appends are
 * being committed, waits for those commits (at most `waitMs`) and adds what they
 * made visible: a polling consumer gets a record on the poll that finds it being written rather
 * than on the next one. Only appends already queued are waited for, so a busy shard cannot hold a
 * reader. Closed shards take no appends, so nothing is ever pending there.
 */
export async function readToEnd(
  logs: LogStore,
  logId: string,
  fromOffset: number,
  readLimits: ReadLimits,
  waitMs: number,
): Promise<ReadResult> {
  const first = await logs.read(logId, fromOffset, readLimits);
  if (first.nextOffset < first.endOffset || first.records.length >= readLimits.maxRecords) return first;
  const bytes = recordBytes(first.records);
  if (bytes >= readLimits.maxBytes) return first;
  const settling = logs.settled(logId);
  if (settling === undefined || waitMs <= 0 || !(await settledWithin(settling, waitMs))) return first;
  const more = await logs.read(logId, first.nextOffset, {
    ...readLimits,
    maxRecords: readLimits.maxRecords - first.records.length,
    maxBytes: readLimits.maxBytes - bytes,
  });
  if (more.records.length === 0) return { ...more, records: first.records };
  // A read returns at least one record even past maxBytes; this page already has its records.
  const records =
    first.records.length === 0 ? more.records : fitting(first.records, more, readLimits.maxBytes - bytes);
  const last = records.at(-1);
  return { ...more, records, nextOffset: last === undefined ? first.nextOffset : last.offset + 1 };
}

/** `first` followed by as many of `more`'s records as fit in `roomBytes`. */
function fitting(first: StoredRecord[], more: ReadResult, roomBytes: number): StoredRecord[] {
  const records = first.slice();
  let room = roomBytes;
  for (const r of more.records) {
    room -= r.data.length + r.partitionKey.length;
    if (room < 0) break;
    records.push(r);
  }
  return records;
}

/** True when `p` settled within `ms`. */
async function settledWithin(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, ms, false);
  });
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GetRecords limits per shard (under --limits aws): 5 calls/s, and reads are refused while the
 * byte bucket is in debt. Bytes are charged after the read, so a 10 MiB answer on a 2 MiB/s shard
 * blocks the next reads for about 4-5 s (AWS's documented penalty) and a throttled call returns
 * no data. Returns the runtime to charge, or undefined when limits are off.
 */
function admitRead(
  services: Services,
  view: StreamView,
  shardIndex: number,
  logId: string,
  nowMs: number,
): ShardRuntime | undefined {
  const t = throughputOf(services.config);
  if (t === undefined) return undefined;
  const rt = services.streams.runtimes.of(logId);
  const { bytes, calls } = rt.readBuckets(t, nowMs);
  if (!bytes.hasCredit(nowMs) || !calls.tryTake(1, nowMs)) {
    metricsOf(services)?.readThrottled(view.meta, shardIndex);
    throw new ProvisionedThroughputExceededException(rateExceededMessage(view, shardIndex));
  }
  return rt;
}

function recordBytes(records: readonly StoredRecord[]): number {
  let n = 0;
  for (const r of records) n += r.data.length + r.partitionKey.length;
  return n;
}

function openIterator(key: Buffer, token: string, nowMs: number): IteratorPosition {
  const pos = decodeIterator(key, unquoteIterator(token));
  if (pos === undefined) throw new InvalidArgumentException('Invalid ShardIterator.');
  if (nowMs - pos.issuedAtMs > limits.iteratorLifetimeMs)
    throw new ExpiredIteratorException(
      `Iterator expired. The iterator was created at time ${amzUtcString(pos.issuedAtMs)} while right now it is ` +
        `${amzUtcString(nowMs)} which is further in the future than the tolerated delay of ${limits.iteratorLifetimeMs} milliseconds.`,
    );
  return pos;
}

/** GetRecords may name the stream too (newer SDKs send StreamARN); it must be the iterator's. */
function checkStreamArn(input: StreamRef, pos: IteratorPosition): void {
  const arn = input.StreamARN;
  if (arn === undefined) return;
  const a = parseStreamArn(arn);
  if (a === undefined || a.name !== pos.streamName || a.account !== pos.account || a.region !== pos.region)
    throw new InvalidArgumentException(
      `Invalid StreamARN ${arn}. It does not match the stream of the ShardIterator.`,
    );
}

function remaining(offset: number, closedEnd: number | undefined): number {
  return closedEnd === undefined ? Number.MAX_SAFE_INTEGER : Math.max(0, closedEnd - offset);
}

/** At the end of a closed shard: no next iterator, and the shards that continue its hash range. (SubscribeToShard reuses it.) */
export function endOfShard(meta: StreamMeta, shard: ShardMeta): GetRecordsTail {
  const children = meta.shards
    .filter((s) => s.parent === shard.index || s.adjacentParent === shard.index)
    .map((s) => ({
      ShardId: shardIdOf(s.index),
      ParentShards: [s.parent, s.adjacentParent].filter((p) => p !== undefined).map((p) => shardIdOf(p)),
      HashKeyRange: { StartingHashKey: s.start, EndingHashKey: s.end },
    }));
  return { MillisBehindLatest: 0, ChildShards: children };
}

/** JSON answers are written by the direct encoder; CBOR goes through the generic codec. */
function respond(
  ctx: OpContext,
  view: StreamView,
  records: readonly StoredRecord[],
  shard: ShardMeta,
  tail: GetRecordsTail,
): EncodedBody | GetRecordsOutput {
  const seqs = sequenceNumbersOf(shard, records);
  const encryption = view.encrypted ? 'KMS' : undefined;
  if (ctx.wire === 'json') return new EncodedBody(encodeGetRecordsJson(records, seqs, encryption, tail));
  return {
    Records: records.map((r, i) => ({
      SequenceNumber: seqs[i]!,
      ApproximateArrivalTimestamp: new Date(r.timestampMs),
      Data: r.data,
      PartitionKey: r.partitionKey,
      ...(encryption ? { EncryptionType: encryption } : {}),
    })),
    ...tail,
  };
}
