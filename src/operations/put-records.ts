// PutRecords: up to 500 entries routed to shards, one append per shard (the storage engine
// group-commits those across concurrent requests), results in request order.
import { encodeSequenceNumber, encodeSequenceRange } from '../domain/sequence-number.js';
import { logIdOf, shardIdOf } from '../domain/stream-model.js';
import { DryRunOperationException, InvalidArgumentException, ValidationException } from '../errors.js';
import { limits } from '../limits.js';
import type { AppendRecord } from '../storage/engine.js';
import type { Handler, Services } from './context.js';
import { loadWritableStream, type StreamView } from './record-path.js';

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

export const putRecords: Handler = async (services, input, ctx) => {
  const view = await loadWritableStream(services, input, ctx);
  const entries = input.Records as readonly PutEntry[];
  const slots = routeEntries(view, entries, 'records');
  if (input.DryRun === true) throw new DryRunOperationException(DRY_RUN_MESSAGE);
  const results = await appendBySlot(services, view, entries, slots);
  let failed = 0;
  for (const r of results) if (r.ErrorCode !== undefined) failed++;
  const out: Record<string, unknown> = { FailedRecordCount: failed, Records: results };
  if (view.encrypted) out.EncryptionType = 'KMS';
  return out;
};

/**
 * Checks sizes and keys and picks each entry's shard slot (index into view.router.shards).
 * Any violation fails the whole request, as Kinesis does.
 */
export function routeEntries(
  view: StreamView,
  entries: readonly PutEntry[],
  memberPath: 'records' | 'data',
): Uint32Array {
  const { router, maxRecordBytes } = view;
  const auto = view.meta.recordDistribution === 'AUTO';
  const slots = new Uint32Array(entries.length);
  let total = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const size = e.Data.length + Buffer.byteLength(e.PartitionKey, 'utf8');
    total += size;
    if (size > maxRecordBytes) throw recordTooLarge(e, i, size, maxRecordBytes, memberPath);
    if (auto) slots[i] = router.nextRoundRobinSlot();
    else if (e.ExplicitHashKey !== undefined) slots[i] = router.slotForExplicitHashKey(e.ExplicitHashKey);
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

/** One append per shard, concurrently; a failed shard marks its entries InternalFailure. */
async function appendBySlot(
  services: Services,
  view: StreamView,
  entries: readonly PutEntry[],
  slots: Uint32Array,
): Promise<ResultEntry[]> {
  const shards = view.router.shards;
  const counts = new Uint32Array(shards.length);
  for (let i = 0; i < slots.length; i++) counts[slots[i]!]!++;
  const batches: AppendRecord[][] = [];
  const positions: Uint32Array[] = [];
  for (let s = 0; s < shards.length; s++) {
    batches.push(new Array(counts[s]));
    positions.push(new Uint32Array(counts[s]!));
  }
  const fill = new Uint32Array(shards.length);
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i]!;
    const k = fill[s]!++;
    const e = entries[i]!;
    batches[s]![k] = { partitionKey: e.PartitionKey, data: e.Data };
    positions[s]![k] = i;
  }
  const results: ResultEntry[] = new Array(entries.length);
  const appends: Promise<void>[] = [];
  for (let s = 0; s < shards.length; s++) {
    if (counts[s] === 0) continue;
    const shard = shards[s]!;
    const pos = positions[s]!;
    appends.push(
      services.engine.logs.append(logIdOf(view.meta, shard.index), batches[s]!).then(
        ({ firstOffset }) => {
          const seqs = encodeSequenceRange(view.tag, shard.index, firstOffset, pos.length);
          const shardId = shardIdOf(shard.index);
          for (let k = 0; k < pos.length; k++)
            results[pos[k]!] = { SequenceNumber: seqs[k]!, ShardId: shardId };
        },
        () => {
          for (let k = 0; k < pos.length; k++)
            results[pos[k]!] = { ErrorCode: 'InternalFailure', ErrorMessage: INTERNAL_FAILURE_MESSAGE };
        },
      ),
    );
  }
  await Promise.all(appends);
  return results;
}

/** Shared with PutRecord: appends one routed record, throwing on failure. */
export async function appendOne(
  services: Services,
  view: StreamView,
  entry: PutEntry,
  slot: number,
): Promise<{ shardIndex: number; sequenceNumber: string }> {
  const shard = view.router.shards[slot]!;
  const { firstOffset } = await services.engine.logs.append(logIdOf(view.meta, shard.index), [
    { partitionKey: entry.PartitionKey, data: entry.Data },
  ]);
  return {
    shardIndex: shard.index,
    sequenceNumber: encodeSequenceNumber(view.tag, shard.index, firstOffset),
  };
}
