// A direct JSON 1.1 encoder for GetRecords responses. The generic codec walks every value through
// a JSON.stringify replacer; for 10,000 records that dominates the call, so the Records array is
// written here as text with no intermediate objects. Output is byte-for-byte what the generic
// encoder produces for the same response (test: src/kinesis/wire/records-json.test.ts).

import type { StoredRecord } from '../../storage/engine.js';
import type { ChildShard } from '../model-types.js';

/** Partition keys made only of these characters need no JSON escaping. */
const PLAIN_JSON_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

export interface GetRecordsTail {
  readonly NextShardIterator?: string;
  readonly MillisBehindLatest: number;
  readonly ChildShards?: ChildShard[];
}

/**
 * `{"Records":[...],"NextShardIterator":...,"MillisBehindLatest":...,"ChildShards":...}` where each
 * record is `{"SequenceNumber","ApproximateArrivalTimestamp","Data","PartitionKey"[,"EncryptionType"]}`.
 */
export function encodeGetRecordsJson(
  records: readonly StoredRecord[],
  sequenceNumbers: readonly string[],
  encryptionType: string | undefined,
  tail: GetRecordsTail,
): Buffer {
  const n = records.length;
  const encryption =
    encryptionType === undefined ? EMPTY : ascii(`,"EncryptionType":${JSON.stringify(encryptionType)}`);
  const rest = JSON.stringify(tail);
  const close = Buffer.from(rest === '{}' ? ']}' : `],${rest.slice(1)}`, 'utf8');
  // Partition keys that need escaping (rare) are encoded up front; the rest are copied as ASCII.
  const escapedKeys: (Buffer | undefined)[] = new Array(n);
  const seconds: string[] = new Array(n);
  let total = OPEN.length + close.length;
  let lastMs = Number.NaN;
  let lastSeconds = '';
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    if (r.timestampMs !== lastMs) {
      lastMs = r.timestampMs;
      lastSeconds = String(r.timestampMs / 1000);
    }
    seconds[i] = lastSeconds;
    const key = r.partitionKey;
    let keyBytes = key.length + 2;
    if (!PLAIN_JSON_STRING.test(key)) {
      const escaped = Buffer.from(JSON.stringify(key), 'utf8');
      escapedKeys[i] = escaped;
      keyBytes = escaped.length;
    }
    total +=
      RECORD_FIXED_BYTES +
      (i === 0 ? 0 : 1) +
      sequenceNumbers[i]!.length +
      lastSeconds.length +
      base64Length(r.data.length) +
      keyBytes +
      encryption.length;
  }
  const out = Buffer.allocUnsafe(total);
  out.set(OPEN, 0);
  let at = OPEN.length;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    if (i > 0) out[at++] = COMMA;
    out.set(SEQ_OPEN, at);
    at = writeAscii(out, at + SEQ_OPEN.length, sequenceNumbers[i]!);
    out.set(TS_OPEN, at);
    at = writeAscii(out, at + TS_OPEN.length, seconds[i]!);
    out.set(DATA_OPEN, at);
    at = writeBase64(out, at + DATA_OPEN.length, r.data);
    out.set(KEY_OPEN, at);
    at += KEY_OPEN.length;
    const escaped = escapedKeys[i];
    if (escaped === undefined) {
      out[at++] = QUOTE;
      at = writeAscii(out, at, r.partitionKey);
      out[at++] = QUOTE;
    } else {
      out.set(escaped, at);
      at += escaped.length;
    }
    out.set(encryption, at);
    at += encryption.length;
    out[at++] = CLOSE_BRACE;
  }
  out.set(close, at);
  at += close.length;
  if (at !== total) throw new Error(`GetRecords encoding size mismatch: ${at} != ${total}`);
  return out;
}

const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');
const EMPTY = Buffer.alloc(0);
const OPEN = ascii('{"Records":[');
const SEQ_OPEN = ascii('{"SequenceNumber":"');
const TS_OPEN = ascii('","ApproximateArrivalTimestamp":');
const DATA_OPEN = ascii(',"Data":"');
const KEY_OPEN = ascii('","PartitionKey":');
const COMMA = 0x2c;
const QUOTE = 0x22;
const CLOSE_BRACE = 0x7d;
const RECORD_FIXED_BYTES = SEQ_OPEN.length + TS_OPEN.length + DATA_OPEN.length + KEY_OPEN.length + 1;

const base64Length = (bytes: number): number => Math.ceil(bytes / 3) * 4;

function writeAscii(out: Buffer, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
  return at + s.length;
}

/** Standard base64 with padding. Node's native encoder beats a JS table loop here by about 2x. */
function writeBase64(out: Buffer, at: number, data: Uint8Array): number {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return at + out.write(buf.toString('base64'), at, 'latin1');
}

/** One PutRecords result entry: success or failure, as the handler builds them. */
export interface PutResultEntry {
  readonly SequenceNumber?: string;
  readonly ShardId?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}

/**
 * `{"FailedRecordCount":n,"Records":[...][,"EncryptionType":...]}`, byte-for-byte what the generic
 * encoder writes for the same object (records-json.test.ts), at ~40 % of its cost for 500 entries:
 * sequence numbers, shard ids and error codes never need escaping.
 */
export function encodePutRecordsJson(
  failedRecordCount: number,
  results: readonly PutResultEntry[],
  encryptionType: string | undefined,
): Buffer {
  let s = `{"FailedRecordCount":${failedRecordCount},"Records":[`;
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    if (i > 0) s += ',';
    s +=
      r.SequenceNumber !== undefined
        ? `{"SequenceNumber":"${r.SequenceNumber}","ShardId":"${r.ShardId}"}`
        : `{"ErrorCode":${JSON.stringify(r.ErrorCode)},"ErrorMessage":${JSON.stringify(r.ErrorMessage)}}`;
  }
  s += encryptionType === undefined ? ']}' : `],"EncryptionType":${JSON.stringify(encryptionType)}}`;
  return Buffer.from(s, 'utf8');
}
