// The 128-bit hash key space and routing: MD5(partition key) read as a big-endian integer.
import { createHash } from 'node:crypto';
import { HASH_KEY_MAX } from '../limits.js';

export const HASH_SPACE = HASH_KEY_MAX + 1n;

export interface HashRange {
  readonly start: bigint;
  readonly end: bigint;
}

/** Splits the whole space evenly into `count` ranges; the last one ends at 2^128-1. */
export function evenRanges(count: number): HashRange[] {
  const step = HASH_SPACE / BigInt(count);
  const ranges: HashRange[] = [];
  for (let i = 0; i < count; i++) {
    const start = step * BigInt(i);
    const end = i === count - 1 ? HASH_KEY_MAX : step * BigInt(i + 1) - 1n;
    ranges.push({ start, end });
  }
  return ranges;
}

export function hashKeyOf(partitionKey: string): bigint {
  const digest = createHash('md5').update(partitionKey, 'utf8').digest();
  return (digest.readBigUInt64BE(0) << 64n) | digest.readBigUInt64BE(8);
}

export function inRange(key: bigint, range: HashRange): boolean {
  return key >= range.start && key <= range.end;
}
