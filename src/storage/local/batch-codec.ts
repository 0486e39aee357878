import type { AppendRecord } from '../engine.js';
import { crc32 } from './crc32.js';

// One record batch = one append call. Layout (little-endian), see docs/storage.md:
//   0  u32 crc        CRC-32 of the records section followed by header bytes 4..31
//   4  u32 batchBytes total length including this header
//   8  u16 magic      0x4c53 ("SL")
//  10  u8  version    1
//  11  u8  flags      0
//  12  u32 recordCount
//  16  u64 baseOffset offset of the first record
//  24  u64 timestampMs arrival time shared by all records
//  32  records: u16 keyBytes, key (UTF-8), u32 dataBytes, data
// The CRC covers the records first so that it can be computed when the batch is encoded (off the
// commit path) and finished over the 28 header bytes once offset and timestamp are assigned.

export const batchHeaderBytes = 32;
export const batchMagic = 0x4c53;
export const batchVersion = 1;
/** Largest batch accepted on append and trusted on read; a larger length field means corruption. */
export const batchBytesMax = 64 * 1024 * 1024;
export const recordOverheadBytes = 6;

const crcAt = 0;
const lengthAt = 4;
const magicAt = 8;
const versionAt = 10;
const countAt = 12;
const baseOffsetAt = 16;
const timestampAt = 24;
const twoPow32 = 0x1_0000_0000;

export interface EncodedBatch {
  readonly buffer: Buffer;
  readonly recordCount: number;
  /** CRC of the records section, finished by `sealBatch`. */
  readonly recordsCrc: number;
}

export interface BatchHeader {
  readonly crc: number;
  readonly batchBytes: number;
  readonly recordCount: number;
  readonly baseOffset: number;
  readonly timestampMs: number;
}

export function encodedBatchBytes(records: readonly AppendRecord[]): number {
  let bytes = batchHeaderBytes;
  for (const r of records) bytes += recordOverheadBytes + Buffer.byteLength(r.partitionKey) + r.data.length;
  return bytes;
}

/** Encodes records into one buffer; offset, timestamp and CRC are filled in by `sealBatch`. */
export function encodeBatch(
  records: readonly AppendRecord[],
  bytes = encodedBatchBytes(records),
  allocate: (bytes: number) => Buffer = Buffer.allocUnsafe,
): EncodedBatch {
  const buf = allocate(bytes);
  buf.writeUInt32LE(bytes, lengthAt);
  buf.writeUInt16LE(batchMagic, magicAt);
  buf[versionAt] = batchVersion;
  buf[versionAt + 1] = 0;
  buf.writeUInt32LE(records.length, countAt);
  let p = batchHeaderBytes;
  for (const r of records) {
    const keyBytes = buf.write(r.partitionKey, p + 2, 'utf8');
    buf.writeUInt16LE(keyBytes, p);
    p += 2 + keyBytes;
    buf.writeUInt32LE(r.data.length, p);
    buf.set(r.data, p + 4);
    p += 4 + r.data.length;
  }
  if (p !== bytes) throw new Error(`batch size mismatch: computed ${bytes}, wrote ${p}`);
  return { buffer: buf, recordCount: records.length, recordsCrc: crc32(buf.subarray(batchHeaderBytes)) };
}

export function sealBatch(batch: EncodedBatch, baseOffset: number, timestampMs: number): void {
  const buf = batch.buffer;
  writeU64(buf, baseOffsetAt, baseOffset);
  writeU64(buf, timestampAt, timestampMs);
  buf.writeUInt32LE(crc32(buf.subarray(lengthAt, batchHeaderBytes), batch.recordsCrc), crcAt);
}

/** Parses the header at `pos`; returns a reason string when it cannot be a batch we wrote. */
export function readBatchHeader(buf: Buffer, pos: number): BatchHeader | string {
  if (pos + batchHeaderBytes > buf.length) return 'header truncated';
  if (buf.readUInt16LE(pos + magicAt) !== batchMagic) return 'bad magic';
  if (buf[pos + versionAt] !== batchVersion) return 'unknown version';
  const batchBytes = buf.readUInt32LE(pos + lengthAt);
  if (batchBytes < batchHeaderBytes || batchBytes > batchBytesMax) return 'bad length';
  return {
    crc: buf.readUInt32LE(pos + crcAt),
    batchBytes,
    recordCount: buf.readUInt32LE(pos + countAt),
    baseOffset: readU64(buf, pos + baseOffsetAt),
    timestampMs: readU64(buf, pos + timestampAt),
  };
}

/** True when the whole batch at `pos` (header.batchBytes long, already in `buf`) has a valid CRC. */
export function batchCrcMatches(buf: Buffer, pos: number, header: BatchHeader): boolean {
  const end = pos + header.batchBytes;
  const recordsCrc = crc32(buf.subarray(pos + batchHeaderBytes, end));
  return crc32(buf.subarray(pos + lengthAt, pos + batchHeaderBytes), recordsCrc) === header.crc;
}

function writeU64(buf: Buffer, at: number, value: number): void {
  buf.writeUInt32LE(value % twoPow32, at);
  buf.writeUInt32LE(Math.floor(value / twoPow32), at + 4);
}

function readU64(buf: Buffer, at: number): number {
  return buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * twoPow32;
}
