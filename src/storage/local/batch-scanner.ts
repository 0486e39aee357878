import type { FileHandle } from 'node:fs/promises';
import { type BatchHeader, batchCrcMatches, batchHeaderBytes, readBatchHeader } from './batch-codec.js';
import { readAt } from './segment-files.js';

/**
 * Called for each whole batch: `buf[at..]` holds it, `position` is its place in the file. Returns
 * true to go on, false to stop, or a reason string to stop because the batch is not acceptable.
 */
export type BatchVisitor = (
  buf: Buffer,
  at: number,
  header: BatchHeader,
  position: number,
) => boolean | string;

export interface ScanResult {
  /** File position of the first batch not consumed (the end of the last accepted batch). */
  readonly position: number;
  /** Why the scan stopped early, when bytes at `position` are damaged or were refused. */
  readonly problem?: string;
  /** True when the visitor asked to stop. */
  readonly stopped: boolean;
}

/**
 * Walks the batches in [start, end) of a segment with large contiguous reads (at least
 * `chunkBytes`, or one whole batch). Stops at the first damaged batch: truncated, bad framing, or
 * (when `verifyCrc`) a CRC mismatch.
 */
export async function scanBatches(
  handle: FileHandle,
  start: number,
  end: number,
  chunkBytes: number,
  verifyCrc: boolean,
  visit: BatchVisitor,
): Promise<ScanResult> {
  let chunk: Buffer = Buffer.alloc(0);
  let chunkAt = start;
  let pos = start;
  while (pos < end) {
    let at = pos - chunkAt;
    if (at + batchHeaderBytes > chunk.length) {
      chunk = await readChunk(handle, pos, Math.min(chunkBytes, end - pos));
      chunkAt = pos;
      at = 0;
    }
    const header = readBatchHeader(chunk, at);
    if (typeof header === 'string') return { position: pos, problem: header, stopped: false };
    if (pos + header.batchBytes > end) return { position: pos, problem: 'batch truncated', stopped: false };
    if (at + header.batchBytes > chunk.length) {
      chunk = await readChunk(handle, pos, Math.min(Math.max(chunkBytes, header.batchBytes), end - pos));
      chunkAt = pos;
      at = 0;
      if (header.batchBytes > chunk.length)
        return { position: pos, problem: 'batch truncated', stopped: false };
    }
    if (verifyCrc && !batchCrcMatches(chunk, at, header)) {
      return { position: pos, problem: 'crc mismatch', stopped: false };
    }
    const verdict = visit(chunk, at, header, pos);
    if (verdict !== true) {
      return verdict === false
        ? { position: pos, stopped: true }
        : { position: pos, problem: verdict, stopped: false };
    }
    pos += header.batchBytes;
  }
  return { position: pos, stopped: false };
}

async function readChunk(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  const got = await readAt(handle, buf, length, position);
  return got === length ? buf : buf.subarray(0, got);
}
