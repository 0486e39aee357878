// PutRecords: up to 500 entries routed to shards, one append per shard (the storage engine
// group-commits those across concurrent requests), results in request order.
//
// Each shard's append passes its write gate (shard-runtime.ts): a shard being closed by a
// resharding makes the request wait, re-read the stream and re-route, so nothing is appended to a
// parent after its EndingSequenceNumber was fixed. Throughput limits are checked once per shard
// per request (token buckets); entries beyond a shard's budget fail individually.

import { EncodedBody } from '../../aws/operation.js';
import type { AppendRecord } from '../../storage/engine.js';
import { encodeSequenceNumber, encodeSequenceRange } from '../domain/sequence-number.js';
import { logIdOf, shardIdOf } from '../domain/stream-model.js';
import {
  DryRunOperationException,
  InvalidArgumentException,
  ProvisionedThroughputExceededException,
  ServiceUnavailableException,
  ValidationException,
} from '../errors.js';
import { limits } from '../limits.js';
import { metricsOf } from '../metrics/metrics.js';
import type { PutRecordInput, PutRecordsOutput } from '../model-types.js';
import { noteOnDemandWrites } from '../records/on-demand-scaling.js';
import { loadWritableStream, type StreamView } from '../records/record-path.js';
import type { Handler, OpContext, Services } from '../state/services.js';
import { type ShardRuntime, type Throughput, throughputOf } from '../state/shard-runtime.js';
import { digestsOf } from '../wire/fast-json-transfer.js';
import { encodePutRecordsJson } from '../wire/records-json.js';

export const DRY_RUN_MESSAGE = 'Request would have succeeded, but DryRun flag is set.';
const INTERNAL_FAILURE_MESSAGE = 'Internal service failure.';

export interface PutEntry {
  readonly Data: Buffer;
  readonly PartitionKey: string;
  readonly ExplicitHashKey?: string;
}

interface ResultEntry {
  SequenceNumber?: string;
  ShardId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

export const putRecords: Handler<'PutRecords'> = async (services, input, ctx) => {
  const entries: readonly PutEntry[] = input.Records;
  const sizes = new Float64Array(entries.length);
  let injected: Uint8Array | undefined;
  for (let attempt = 0; ; attempt++) {
    const view = await loadWritableStream(services, input, ctx);
    const slots = routeEntries(view, entries, 'records', sizes);
    if (input.DryRun === true) throw new DryRunOperationException(DRY_RUN_MESSAGE);
    // Fault rules (src/aws/faults.ts) pick, once, entries that fail as throttled and are not written.
    if (attempt === 0 && ctx.faults !== undefined)
      injected = ctx.faults.recordFaults('kinesis', 'PutRecords', input, ctx.region, entries.length);
    const groups = groupBySlot(view, entries, slots);
    if (injected !== undefined) leaveOut(groups, injected, slots);
    const wait = firstBlocked(view, groups.counts);
    if (wait !== undefined) {
      await waitForClose(wait, attempt);
      continue;
    }
    const results = await appendGroups(services, view, entries, sizes, groups, ctx.nowMs);
    let failed = 0;
    for (const r of results) if (r.ErrorCode !== undefined) failed++;
    metricsOf(services)?.putRecords(view.meta, view.router, entries, slots, sizes, results, ctx.nowMs);
    if (ctx.wire === 'json')
      return new EncodedBody(encodePutRecordsJson(failed, results, view.encrypted ? 'KMS' : undefined));
    const out: PutRecordsOutput = { FailedRecordCount: failed, Records: results };
    if (view.encrypted) out.EncryptionType = 'KMS';
    return out;
  }
};

/** AWS's throttling message, which names the shard, the stream and the account. */
export function rateExceededMessage(view: StreamView, shardIndex: number): string {
  return `Rate exceeded for shard ${shardIdOf(shardIndex)} in stream ${view.meta.name} under account ${view.meta.account}.`;
}

/** The gate of a shard this request would write to that is being closed, if any. */
function firstBlocked(view: StreamView, counts: Uint32Array): Promise<void> | undefined {
  for (let s = 0; s < counts.length; s++) {
    if (counts[s] === 0) continue;
    const wait = view.runtimes[s]!.blocked();
    if (wait !== undefined) return wait;
  }
  return undefined;
}

/** Waits for a close to be decided; re-routing is bounded (each round means a real resharding). */
export async function waitForClose(wait: Promise<void>, attempt: number): Promise<void> {
  if (attempt >= limits.writeRerouteAttemptsMax)
    throw new ServiceUnavailableException('The stream is being resharded; retry the request.');
  await wait;
}

/**
 * Checks sizes and keys and picks each entry's shard slot (index into view.router.shards).
 * Any violation fails the whole request, as Kinesis does.
 */
export function routeEntries(
  view: StreamView,
  entries: readonly PutEntry[],
  memberPath: 'records' | 'data',
  sizes?: Float64Array,
): Uint32Array {
  const { router, maxRecordBytes } = view;
  const auto = view.meta.recordDistribution === 'AUTO';
  const digests = digestsOf(entries);
  const slots = new Uint32Array(entries.length);
  let total = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const size = e.Data.length + Buffer.byteLength(e.PartitionKey, 'utf8');
    total += size;
    if (sizes !== undefined) sizes[i] = size;
    if (size > maxRecordBytes) throw recordTooLarge(e, i, size, maxRecordBytes, memberPath);
    if (auto) slots[i] = router.nextRoundRobinSlot();
    else if (e.ExplicitHashKey !== undefined) slots[i] = router.slotForExplicitHashKey(e.ExplicitHashKey);
    else if (digests !== undefined) slots[i] = router.slotForDigest(digests, i * 4);
    else slots[i] = router.slotForPartitionKey(e.PartitionKey);
  }
  if (total > limits.putRecordsRequestBytesMax)
    throw new InvalidArgumentException(
      `Records size exceeds ${limits.putRecordsRequestBytesMax / (1024 * 1024)} MB limit`,
    );
  return slots;
}

/**
 * A data blob above the stream's maximum fails like the front end's length check used to (the
 * model's own limit is now 10 MiB, so the check moved here); a blob that fits but does not with
 * its partition key is an InvalidArgumentException.
 */
function recordTooLarge(
  e: PutEntry,
  i: number,
  size: number,
  max: number,
  memberPath: 'records' | 'data',
): Error {
  if (e.Data.length > max) {
    const path = memberPath === 'records' ? `records.${i + 1}.member.data` : 'data';
    const n = e.Data.length;
    return new ValidationException(
      `1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=${n} cap=${n}]' at '${path}' ` +
        `failed to satisfy constraint: Member must have length less than or equal to ${max}`,
    );
  }
  return new InvalidArgumentException(
    `Record size ${size} bytes (data plus partition key) exceeds the maximum record size of ${max} bytes.`,
  );
}

interface Groups {
  readonly counts: Uint32Array;
  readonly batches: AppendRecord[][];
  /** Request positions of each slot's entries, in request order. */
  readonly positions: Uint32Array[];
  /** Entries a fault rule throttles (1), left out of the batches, and every entry's slot. */
  injected?: { readonly mask: Uint8Array; readonly slots: Uint32Array };
}

function groupBySlot(view: StreamView, entries: readonly PutEntry[], slots: Uint32Array): Groups {
  const n = view.router.shards.length;
  const counts = new Uint32Array(n);
  for (let i = 0; i < slots.length; i++) counts[slots[i]!]!++;
  const batches: AppendRecord[][] = [];
  const positions: Uint32Array[] = [];
  for (let s = 0; s < n; s++) {
    batches.push(new Array(counts[s]));
    positions.push(new Uint32Array(counts[s]!));
  }
  const fill = new Uint32Array(n);
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i]!;
    const k = fill[s]!++;
    const e = entries[i]!;
    batches[s]![k] = { partitionKey: e.PartitionKey, data: e.Data };
    positions[s]![k] = i;
  }
  return { counts, batches, positions };
}

/** Takes the entries a fault rule throttles (mask 1) out of the groups (src/aws/faults.ts). */
function leaveOut(groups: Groups, mask: Uint8Array, slots: Uint32Array): void {
  for (let s = 0; s < groups.counts.length; s++) {
    const kept = groups.positions[s]!.filter((i) => mask[i] === 0);
    groups.batches[s] = groups.batches[s]!.filter((_, k) => mask[groups.positions[s]![k]!] === 0);
    groups.positions[s] = kept;
    groups.counts[s] = kept.length;
  }
  groups.injected = { mask, slots };
}

/**
 * How many of a shard's entries (a prefix, in request order) its write buckets admit now; the
 * buckets are charged for those. One bucket check per shard when everything fits.
 */
export function admitWrites(
  rt: ShardRuntime,
  t: Throughput,
  sizes: Float64Array,
  positions: Uint32Array,
  nowMs: number,
): number {
  const { bytes, records } = rt.writeBuckets(t, nowMs);
  const availBytes = bytes.available(nowMs);
  const availRecords = records.available(nowMs);
  let total = 0;
  for (let k = 0; k < positions.length; k++) total += sizes[positions[k]!]!;
  let admitted = positions.length;
  if (total > availBytes || admitted > availRecords) {
    // A record larger than the whole burst passes only as the first from a full bucket.
    const bigFromFull = availBytes >= bytes.capacity;
    total = 0;
    admitted = 0;
    for (let k = 0; k < positions.length && k + 1 <= availRecords; k++) {
      const size = sizes[positions[k]!]!;
      const fits = total + size <= availBytes || (k === 0 && bigFromFull && size > bytes.capacity);
      if (!fits) break;
      total += size;
      admitted++;
    }
  }
  bytes.charge(total, nowMs);
  records.charge(admitted, nowMs);
  return admitted;
}

/** One append per shard, concurrently; a failed shard marks its entries InternalFailure. */
async function appendGroups(
  services: Services,
  view: StreamView,
  entries: readonly PutEntry[],
  sizes: Float64Array,
  groups: Groups,
  nowMs: number,
): Promise<ResultEntry[]> {
  const shards = view.router.shards;
  const { counts, batches, positions } = groups;
  const throughput = throughputOf(services.config);
  const onDemand = view.meta.mode === 'ON_DEMAND';
  const results: ResultEntry[] = new Array(entries.length);
  if (groups.injected !== undefined) {
    const { mask, slots } = groups.injected;
    for (let i = 0; i < mask.length; i++)
      if (mask[i] === 1)
        results[i] = {
          ErrorCode: 'ProvisionedThroughputExceededException',
          ErrorMessage: rateExceededMessage(view, shards[slots[i]!]!.index),
        };
  }
  const appends: Promise<void>[] = [];
  for (let s = 0; s < shards.length; s++) {
    if (counts[s] === 0) continue;
    const shard = shards[s]!;
    const rt = view.runtimes[s]!;
    let pos = positions[s]!;
    let batch = batches[s]!;
    if (onDemand) noteOnDemandWrites(services, view, s, sizes, pos, nowMs);
    if (throughput !== undefined) {
      const admitted = admitWrites(rt, throughput, sizes, pos, nowMs);
      if (admitted < pos.length) {
        const message = rateExceededMessage(view, shard.index);
        for (let k = admitted; k < pos.length; k++)
          results[pos[k]!] = { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: message };
        pos = pos.subarray(0, admitted);
        batch = batch.slice(0, admitted);
        if (admitted === 0) continue;
      }
    }
    const written = pos;
    rt.enter();
    appends.push(
      services.engine.logs.append(logIdOf(view.meta, shard.index), batch).then(
        ({ firstOffset, timestampMs }) => {
          rt.leave();
          const seqs = encodeSequenceRange(shard, firstOffset, written.length, timestampMs);
          const shardId = shardIdOf(shard.index);
          for (let k = 0; k < written.length; k++)
            results[written[k]!] = { SequenceNumber: seqs[k]!, ShardId: shardId };
        },
        () => {
          rt.leave();
          for (let k = 0; k < written.length; k++)
            results[written[k]!] = { ErrorCode: 'InternalFailure', ErrorMessage: INTERNAL_FAILURE_MESSAGE };
        },
      ),
    );
  }
  await Promise.all(appends);
  return results;
}

/**
 * PutRecord's write: routes one record, passes the gate (re-routing when its shard is being
 * closed) and the throughput check, appends, and returns where it landed.
 */
export async function putOne(
  services: Services,
  input: PutRecordInput,
  ctx: OpContext,
  check: (view: StreamView) => void,
): Promise<{ view: StreamView; shardIndex: number; sequenceNumber: string }> {
  const entry: PutEntry = input;
  const sizes = new Float64Array(1);
  for (let attempt = 0; ; attempt++) {
    const view = await loadWritableStream(services, input, ctx);
    const slot = routeEntries(view, [entry], 'data', sizes)[0]!;
    check(view);
    if (input.DryRun === true) throw new DryRunOperationException(DRY_RUN_MESSAGE);
    const rt = view.runtimes[slot]!;
    const wait = rt.blocked();
    if (wait !== undefined) {
      await waitForClose(wait, attempt);
      continue;
    }
    const shard = view.router.shards[slot]!;
    const only = new Uint32Array(1);
    if (view.meta.mode === 'ON_DEMAND') noteOnDemandWrites(services, view, slot, sizes, only, ctx.nowMs);
    const throughput = throughputOf(services.config);
    if (throughput !== undefined && admitWrites(rt, throughput, sizes, only, ctx.nowMs) === 0) {
      metricsOf(services)?.writeThrottled(view.meta, shard.index, 1);
      throw new ProvisionedThroughputExceededException(rateExceededMessage(view, shard.index));
    }
    rt.enter();
    try {
      const { firstOffset, timestampMs } = await services.engine.logs.append(
        logIdOf(view.meta, shard.index),
        [{ partitionKey: entry.PartitionKey, data: entry.Data }],
      );
      metricsOf(services)?.putRecord(view.meta, shard.index, entry.PartitionKey, sizes[0]!, ctx.nowMs);
      return {
        view,
        shardIndex: shard.index,
        sequenceNumber: encodeSequenceNumber(shard, firstOffset, timestampMs),
      };
    } finally {
      rt.leave();
    }
  }
}
