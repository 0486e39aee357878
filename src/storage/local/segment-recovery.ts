import type { FileHandle } from 'node:fs/promises';
import { batchHeaderBytes, readBatchHeader } from './batch-codec.js';
import { scanBatches } from './batch-scanner.js';
import { readAt } from './segment-files.js';
import type { SparseIndex } from './sparse-index.js';

/** Index tail entries checked one by one before giving up on the index and rescanning the segment. */
const indexEntriesCheckedMax = 8;

export interface SegmentState {
  /** Bytes of whole, valid batches from the start of the segment. */
  readonly validBytes: number;
  /** Offset after the last valid record (the segment's base offset when empty). */
  readonly nextOffset: number;
  readonly lastTimestampMs: number | undefined;
  /** Set when bytes after `validBytes` are damaged. */
  readonly problem?: string;
}

export interface SegmentScanOptions {
  readonly baseOffset: number;
  readonly fileBytes: number;
  readonly indexIntervalBytes: number;
  readonly chunkBytes: number;
}

/**
 * Finds where a segment's valid data ends: trusts the index up to its last entry that points at a
 * real batch, then scans forward from there verifying every CRC, extending `index` as the writer
 * would have. The caller truncates a damaged tail.
 */
export async function scanSegmentTail(
  handle: FileHandle,
  index: SparseIndex,
  opts: SegmentScanOptions,
): Promise<SegmentState> {
  for (;;) {
    const start = await trustedIndexTail(handle, index, opts.baseOffset);
    const state = await scanFrom(handle, index, opts, start);
    index.truncate(index.floorByRelOffset(state.nextOffset - opts.baseOffset - 1) + 1);
    // Damage right at the last indexed batch: rescan from the entry before, to learn the timestamp
    // of the last good batch.
    if (state.problem !== undefined && state.validBytes === start && index.count > 0) continue;
    return state;
  }
}

async function trustedIndexTail(handle: FileHandle, index: SparseIndex, baseOffset: number): Promise<number> {
  const buf = Buffer.allocUnsafe(batchHeaderBytes);
  for (let checked = 0; index.count > 0; checked++) {
    const last = index.count - 1;
    const pos = index.positionAt(last);
    const got = await readAt(handle, buf, batchHeaderBytes, pos);
    const header = readBatchHeader(buf.subarray(0, got), 0);
    const matches =
      typeof header !== 'string' &&
      header.baseOffset === baseOffset + index.relOffsetAt(last) &&
      header.timestampMs === index.timestampAt(last);
    if (matches) return pos;
    index.truncate(checked >= indexEntriesCheckedMax ? 0 : last);
  }
  return 0;
}

async function scanFrom(
  handle: FileHandle,
  index: SparseIndex,
  opts: SegmentScanOptions,
  start: number,
): Promise<SegmentState> {
  const startEntry = index.count - 1;
  let expected = opts.baseOffset + (startEntry >= 0 ? index.relOffsetAt(startEntry) : 0);
  let lastTimestampMs: number | undefined;
  const result = await scanBatches(handle, start, opts.fileBytes, opts.chunkBytes, true, (_b, _a, h, pos) => {
    if (h.baseOffset !== expected) return 'offset out of sequence';
    if (h.recordCount === 0) return 'empty batch';
    if (lastTimestampMs !== undefined && h.timestampMs < lastTimestampMs) return 'timestamp went back';
    const last = index.count - 1;
    if (last < 0 || pos - index.positionAt(last) >= opts.indexIntervalBytes) {
      index.push(h.baseOffset - opts.baseOffset, pos, h.timestampMs);
    }
    expected += h.recordCount;
    lastTimestampMs = h.timestampMs;
    return true;
  });
  const state = { validBytes: result.position, nextOffset: expected, lastTimestampMs };
  return result.problem === undefined ? state : { ...state, problem: result.problem };
}
