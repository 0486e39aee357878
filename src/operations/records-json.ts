// A direct JSON 1.1 encoder for GetRecords responses. The generic codec walks every value through
// a JSON.stringify replacer; for 10,000 records that dominates the call, so the Records array is
// written here as text with no intermediate objects. Output is byte-for-byte what the generic
// encoder produces for the same response (test: src/operations/records-json.test.ts).
import type { StoredRecord } from '../storage/engine.js';

/** Partition keys made only of these characters need no JSON escaping. */
const PLAIN_JSON_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

export interface GetRecordsTail {
  readonly NextShardIterator?: string;
  readonly MillisBehindLatest: number;
  readonly ChildShards?: readonly unknown[];
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
  const parts: string[] = new Array(records.length + 2);
  const encryption =
    encryptionType === undefined ? '' : `,"EncryptionType":${JSON.stringify(encryptionType)}`;
  let lastMs = Number.NaN;
  let lastSeconds = '';
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.timestampMs !== lastMs) {
      lastMs = r.timestampMs;
      lastSeconds = String(r.timestampMs / 1000);
    }
    const data = r.data;
    const b64 = Buffer.isBuffer(data)
      ? data.toString('base64')
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
    const key = PLAIN_JSON_STRING.test(r.partitionKey)
      ? `"${r.partitionKey}"`
      : JSON.stringify(r.partitionKey);
    parts[i + 1] =
      `${i === 0 ? '' : ','}{"SequenceNumber":"${sequenceNumbers[i]}","ApproximateArrivalTimestamp":${lastSeconds},` +
      `"Data":"${b64}","PartitionKey":${key}${encryption}}`;
  }
  parts[0] = '{"Records":[';
  const rest = JSON.stringify(tail);
  parts[records.length + 1] = rest === '{}' ? ']}' : `],${rest.slice(1)}`;
  return Buffer.from(parts.join(''), 'utf8');
}
