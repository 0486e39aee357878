// Sequence numbers: 56-digit decimal strings that encode the stream, the shard and the position,
// so a sequence number maps to a log offset without a lookup (see docs/sequence-numbers.md).
//
//   value = 2^184 + streamTag * 2^160 + shardIndex * 2^128 + position
//
//   streamTag  24 bits from the stream's uid: a number from another stream (or an earlier
//              stream of the same name) is recognised as foreign
//   shardIndex 32 bits: children have higher indexes, so they sort above their parents
//   position   the record's log offset + 1; position 0 is the shard's StartingSequenceNumber,
//              which is strictly below every record of the shard, as on AWS
//
// 2^184 ≤ value < 2^185 keeps every number at exactly 56 digits.

const BASE = 1n << 184n;
const TAG_SHIFT = 160n;
const SHARD_SHIFT = 128n;
const TAG_MASK = (1n << 24n) - 1n;
const SHARD_MASK = (1n << 32n) - 1n;
const POSITION_MASK = (1n << 128n) - 1n;
const DIGITS = /^\d{1,129}$/;

export interface Position {
  readonly streamTag: number;
  readonly shardIndex: number;
  /** Log offset of the record; -1 for the shard's StartingSequenceNumber (before any record). */
  readonly offset: number;
}

/** The 24-bit tag of a stream, derived from its uid (hex digits of a UUID). */
export function streamTagOf(uid: string): number {
  const hex = uid.replace(/[^0-9a-f]/gi, '').slice(0, 6);
  return Number.parseInt(hex.padEnd(6, '0'), 16);
}

function encode(streamTag: number, shardIndex: number, position: number): string {
  return (
    BASE +
    (BigInt(streamTag) << TAG_SHIFT) +
    (BigInt(shardIndex) << SHARD_SHIFT) +
    BigInt(position)
  ).toString();
}

/** The sequence number of the record at `offset`. */
export function encodeSequenceNumber(streamTag: number, shardIndex: number, offset: number): string {
  return encode(streamTag, shardIndex, offset + 1);
}

/** The shard's StartingSequenceNumber: below all its records. */
export function shardStartSequenceNumber(streamTag: number, shardIndex: number): string {
  return encode(streamTag, shardIndex, 0);
}

/** Returns undefined for a string that is not one of ours (wrong layout). */
export function decodeSequenceNumber(seq: string): Position | undefined {
  if (!DIGITS.test(seq)) return undefined;
  const value = BigInt(seq);
  if (value < BASE || value >= BASE * 2n) return undefined;
  const rest = value - BASE;
  const position = rest & POSITION_MASK;
  if (position > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return {
    streamTag: Number((rest >> TAG_SHIFT) & TAG_MASK),
    shardIndex: Number((rest >> SHARD_SHIFT) & SHARD_MASK),
    offset: Number(position) - 1,
  };
}

/**
 * Encodes consecutive offsets of one shard cheaply: one BigInt conversion for the first, then
 * decimal increments on the string (the hot path of PutRecords).
 */
export function encodeSequenceRange(
  streamTag: number,
  shardIndex: number,
  firstOffset: number,
  count: number,
): string[] {
  const out: string[] = new Array(count);
  let current = encodeSequenceNumber(streamTag, shardIndex, firstOffset);
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

/** Sequence numbers of records read back (consecutive offsets take the cheap path). */
export function sequenceNumbersOf(
  streamTag: number,
  shardIndex: number,
  records: readonly { readonly offset: number }[],
): string[] {
  const first = records[0];
  const last = records[records.length - 1];
  if (first === undefined || last === undefined) return [];
  if (last.offset - first.offset === records.length - 1)
    return encodeSequenceRange(streamTag, shardIndex, first.offset, records.length);
  return records.map((r) => encodeSequenceNumber(streamTag, shardIndex, r.offset));
}
