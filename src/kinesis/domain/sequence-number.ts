// Sequence numbers in AWS's layout (version 2): 56-digit decimals whose 47 hex digits are
//
//   hex  0       '2'
//   hex  1..9    shard creation time, epoch seconds (9 hex digits)
//   hex 10       the shard index's low hex digit
//   hex 11..26   the per-shard counter (16 hex digits, top digit ≤ 7): log offset + 1 (consecutive
//                records of a shard have consecutive counters, as AWS's do)
//   hex 27..28   '00' for a record; '01' marks a position between two records (a continuation)
//   hex 29..37   a time field: the record's arrival second (AWS's numbers carry it; the shard's
//                creation second for positions that name no record)
//   hex 38..45   shard index (8 hex digits)
//   hex 46       '2' (the version)
//
// The counter ranks above the time field, so a number maps to a log offset without a lookup and
// numbers of one shard increase with the offset whatever their time fields say. Counter 0 is the shard's StartingSequenceNumber, strictly below every
// record. See docs/sequence-numbers.md, which also describes the earlier Shardline layout that
// `parseSequenceNumber` still reads.

const VERSION = 2n;
const COUNTER_SHIFT = 80n;
const CREATED_SHIFT = 148n;
const LOW_INDEX_SHIFT = 144n;
const TIME_SHIFT = 36n;
const BETWEEN_SHIFT = 72n;
const INDEX_SHIFT = 4n;
const COUNTER_STEP = 1n << COUNTER_SHIFT;
const BETWEEN = 1n << BETWEEN_SHIFT;

/** What a sequence number is encoded from: a shard's index and creation time. */
export interface ShardStamp {
  readonly index: number;
  readonly createdAtMs: number;
  /** Overrides the creation seconds of `createdAtMs` (a child created in its parent's second). */
  readonly sequenceSecs?: number;
}

/** The creation seconds a shard's numbers carry. */
export function sequenceSecsOf(shard: ShardStamp): number {
  return shard.sequenceSecs ?? Math.floor(shard.createdAtMs / 1000);
}

function createdSecs(shard: ShardStamp): bigint {
  return BigInt(sequenceSecsOf(shard));
}

/** The time field's seconds: the given time's, else the shard's creation second. */
function timeSecsOf(shard: ShardStamp, timeMs: number | undefined): bigint {
  return timeMs === undefined ? createdSecs(shard) : BigInt(Math.max(0, Math.floor(timeMs / 1000)));
}

function base(shard: ShardStamp, timeSecs: bigint): bigint {
  const index = BigInt(shard.index >>> 0);
  return (
    (VERSION << 184n) |
    (createdSecs(shard) << CREATED_SHIFT) |
    ((index & 15n) << LOW_INDEX_SHIFT) |
    ((timeSecs & 0xfffffffffn) << TIME_SHIFT) |
    (index << INDEX_SHIFT) |
    VERSION
  );
}

/**
 * The sequence number of the record at `offset` that arrived at `timeMs` (-1: the shard's
 * StartingSequenceNumber). Without a time the field carries the shard's creation second.
 */
export function encodeSequenceNumber(shard: ShardStamp, offset: number, timeMs?: number): string {
  return (base(shard, timeSecsOf(shard, timeMs)) + BigInt(offset + 1) * COUNTER_STEP).toString();
}

/** The shard's StartingSequenceNumber: below all its records. */
export function shardStartSequenceNumber(shard: ShardStamp): string {
  return base(shard, createdSecs(shard)).toString();
}

/**
 * A position strictly after the record at `offset` and strictly before the next one (a fan-out
 * ContinuationSequenceNumber): AT and AFTER it both start at `offset + 1`.
 */
export function positionAfter(shard: ShardStamp, offset: number, timeMs?: number): string {
  return (base(shard, timeSecsOf(shard, timeMs)) + BigInt(offset + 1) * COUNTER_STEP + BETWEEN).toString();
}

/**
 * Sequence numbers of `count` consecutive offsets of one shard appended together at `timeMs` (the
 * hot path of PutRecords).
 */
export function encodeSequenceRange(
  shard: ShardStamp,
  firstOffset: number,
  count: number,
  timeMs?: number,
): string[] {
  const out: string[] = new Array(count);
  let current = base(shard, timeSecsOf(shard, timeMs)) + BigInt(firstOffset + 1) * COUNTER_STEP;
  for (let i = 0; i < count; i++) {
    out[i] = current.toString();
    current += COUNTER_STEP;
  }
  return out;
}

/**
 * Sequence numbers of records read back: each run of consecutive offsets that arrived in the same
 * second steps one BigInt (no per-record encode), as a PutRecords batch does.
 */
export function sequenceNumbersOf(
  shard: ShardStamp,
  records: readonly { readonly offset: number; readonly timestampMs: number }[],
): string[] {
  const out: string[] = new Array(records.length);
  let current = 0n;
  let lastOffset = Number.NaN;
  let lastSecond = Number.NaN;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const second = Math.floor(r.timestampMs / 1000);
    if (r.offset === lastOffset + 1 && second === lastSecond) current += COUNTER_STEP;
    else current = base(shard, timeSecsOf(shard, r.timestampMs)) + BigInt(r.offset + 1) * COUNTER_STEP;
    out[i] = current.toString();
    lastOffset = r.offset;
    lastSecond = second;
  }
  return out;
}

// ---- Reading numbers back ------------------------------------------------------------------

/** Seconds past which AWS calls a number's creation time invalid (recorded: 0x3bb2cc3d8). */
const DATE_LIMIT_SECS = 16025175000;
const POW_124 = 1n << 124n;
const POW_129 = 1n << 129n;
const POW_184 = 1n << 184n;
const POW_185 = 1n << 185n;
const POW_185_NEXT = 3n << 184n;

/** A number in one of AWS's layouts (versions 0, 1, 2), as far as AWS reads one. */
export interface AwsPosition {
  readonly kind: 'aws';
  readonly version: 0 | 1 | 2;
  /** Signed: AWS reads an index field with the top bit set as negative. */
  readonly shardIndex: number;
  readonly createdSecs: number;
  /** The time field (versions 1 and 2). */
  readonly timeSecs?: number;
  /** The counter (version 2): offset + 1. */
  readonly counter?: bigint;
  /** Version 2 with a time field past the creation time: a position between two records. */
  readonly between?: boolean;
}

/** A number in Shardline's layout before 0.2 (2^184 + tag·2^160 + shardIndex·2^128 + offset + 1). */
export interface LegacyPosition {
  readonly kind: 'legacy';
  readonly streamTag: number;
  readonly shardIndex: number;
  readonly offset: number;
}

export type ParsedSequenceNumber = AwsPosition | LegacyPosition;

const DIGITS = /^\d{1,129}$/;

/** Undefined for a number AWS calls invalid (malformed, unknown version, date too large, …). */
export function parseSequenceNumber(seq: string): ParsedSequenceNumber | undefined {
  if (!DIGITS.test(seq)) return undefined;
  let value = BigInt(seq);
  if (value >= POW_184 && value < POW_185) return parseLegacy(value);
  if (value < POW_124) value += POW_124;
  const hex = value.toString(16);
  const field = (from: number, to: number) => Number.parseInt(hex.slice(from, to), 16);
  if (value < POW_129) {
    const created = field(1, 10);
    if (created >= DATE_LIMIT_SECS) return undefined;
    return { kind: 'aws', version: 0, shardIndex: field(28, 32), createdSecs: created };
  }
  if (value <= POW_185 || value >= POW_185_NEXT) return undefined;
  const version = field(46, 47);
  const created = field(1, 10);
  if (version === 1) {
    return {
      kind: 'aws',
      version: 1,
      shardIndex: field(38, 46),
      createdSecs: created,
      timeSecs: field(13, 22),
    };
  }
  if (version !== 2) return undefined;
  if (field(11, 12) > 7 || created >= DATE_LIMIT_SECS) return undefined;
  const timeSecs = field(29, 38);
  return {
    kind: 'aws',
    version: 2,
    shardIndex: signedIndex(hex.slice(38, 46)),
    createdSecs: created,
    timeSecs,
    counter: BigInt(`0x${hex.slice(11, 27)}`),
    between: field(27, 29) !== 0,
  };
}

/** AWS reads an index field whose top hex digit is above 7 as the negative of its value. */
function signedIndex(hex: string): number {
  const n = Number.parseInt(hex, 16);
  return Number.parseInt(hex[0] ?? '0', 16) > 7 ? -n : n;
}

const TAG_MASK = (1n << 24n) - 1n;
const SHARD_MASK = (1n << 32n) - 1n;
const POSITION_MASK = (1n << 128n) - 1n;

function parseLegacy(value: bigint): LegacyPosition | undefined {
  const rest = value - POW_184;
  const position = rest & POSITION_MASK;
  if (position > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return {
    kind: 'legacy',
    streamTag: Number((rest >> 160n) & TAG_MASK),
    shardIndex: Number((rest >> 128n) & SHARD_MASK),
    offset: Number(position) - 1,
  };
}

/** The 24-bit stream tag of the earlier layout, derived from the stream's uid (hex digits of a UUID). */
export function streamTagOf(uid: string): number {
  const hex = uid.replace(/[^0-9a-f]/gi, '').slice(0, 6);
  return Number.parseInt(hex.padEnd(6, '0'), 16);
}

/** How AWS names the shard a number encodes (`shardId--02147483648` for a negative index). */
export function encodedShardId(index: number): string {
  const digits = String(Math.abs(index)).padStart(12, '0');
  return index < 0 ? `shardId--${digits.slice(-11)}` : `shardId-${digits.slice(-12)}`;
}

/**
 * Where a number of this shard (`shard`, in a stream of `uid`) starts a read: the offset that AT
 * reads first, and whether AFTER skips it. Undefined when the number was not issued for this shard
 * of this stream (another stream, another version, another shard creation time).
 */
export function shardPosition(
  parsed: ParsedSequenceNumber,
  shard: ShardStamp,
  uid: string,
): { readonly offset: number; readonly between: boolean } | undefined {
  if (parsed.kind === 'legacy') {
    if (parsed.streamTag !== streamTagOf(uid) || parsed.shardIndex !== shard.index) return undefined;
    return { offset: parsed.offset, between: false };
  }
  if (parsed.version !== 2 || parsed.shardIndex !== shard.index) return undefined;
  if (BigInt(parsed.createdSecs) !== createdSecs(shard) || parsed.counter === undefined) return undefined;
  if (parsed.counter > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return { offset: Number(parsed.counter) - 1, between: parsed.between === true };
}
