// Sequence numbers: 56-digit decimal strings that encode the shard and the log offset, so a
// sequence number maps to a position without a lookup (see docs/sequence-numbers.md).
//
//   value = 2^184 + shardIndex * 2^128 + offset      (offset < 2^64, shardIndex < 2^56)
//
// Strictly increasing per shard (offsets increase), and a child shard (higher index) always
// sorts above its parents, as Kinesis promises.

const BASE = 1n << 184n;
const SHARD_SHIFT = 128n;
const OFFSET_MASK = (1n << 64n) - 1n;
const SHARD_MASK = (1n << 56n) - 1n;
const DIGITS = /^\d{1,129}$/;

export interface Position {
  readonly shardIndex: number;
  readonly offset: number;
}

export function encodeSequenceNumber(shardIndex: number, offset: number): string {
  return (BASE + (BigInt(shardIndex) << SHARD_SHIFT) + BigInt(offset)).toString();
}

/** Returns undefined for a string that is not one of ours (wrong layout). */
export function decodeSequenceNumber(seq: string): Position | undefined {
  if (!DIGITS.test(seq)) return undefined;
  const value = BigInt(seq);
  if (value < BASE || value >= BASE * 2n) return undefined;
  const rest = value - BASE;
  const shardIndex = Number((rest >> SHARD_SHIFT) & SHARD_MASK);
  const offset = rest & OFFSET_MASK;
  if ((rest >> SHARD_SHIFT) > SHARD_MASK || offset > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return { shardIndex, offset: Number(offset) };
}

/**
 * Encodes consecutive offsets of one shard cheaply: one BigInt conversion for the first, then
 * decimal increments on the string (the hot path of PutRecords).
 */
export function encodeSequenceRange(shardIndex: number, firstOffset: number, count: number): string[] {
  const out: string[] = new Array(count);
  let current = encodeSequenceNumber(shardIndex, firstOffset);
  for (let i = 0; i < count; i++) {
    out[i] = current;
    current = incrementDecimal(current);
  }
  return out;
}

function incrementDecimal(s: string): string {
  let i = s.length - 1;
  while (i >= 0 && s.charCodeAt(i) === 57) i--;
  if (i < 0) return `1${'0'.repeat(s.length)}`;
  return s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) + 1) + '0'.repeat(s.length - i - 1);
}
