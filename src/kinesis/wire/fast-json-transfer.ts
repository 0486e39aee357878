// The PutRecords input as the decode workers hand it back: the decoded data blobs stay in the one
// buffer the fast path decoded them into (transferred, not copied), and the per-record fields
// travel as flat arrays, so the event-loop thread rebuilds the input without a structured clone
// of 500 objects.
import { md5Words } from '../domain/md5.js';

/** Transferable form of a fast-path input whose only list is `Records` of {Data, PartitionKey, ExplicitHashKey}. */
export interface PackedInput {
  /** Members other than Records (strings and booleans), as read. */
  readonly scalars: Record<string, unknown>;
  /** The buffer every Data is a view of. */
  readonly blobs: ArrayBuffer;
  /** Per record: [Data offset in blobs, Data length]. */
  readonly spans: Int32Array;
  /** Partition keys joined by NUL (the fast path never reads a key containing a control character). */
  readonly keys: string;
  /** ExplicitHashKey per record, or null when no record has one. */
  readonly hashKeys: (string | undefined)[] | null;
  /**
   * MD5 of each partition key as 4 big-endian words per record (zeros where an ExplicitHashKey
   * routes instead): routing work done on the worker too. Null when it could not be computed.
   */
  readonly digests: Uint32Array | null;
}

/** Digests computed by a worker for a Records list, by the list's identity. */
const precomputed = new WeakMap<readonly unknown[], Uint32Array>();

/** The partition keys' MD5 words a worker computed for `records`, if any (see PackedInput.digests). */
export function digestsOf(records: readonly unknown[]): Uint32Array | undefined {
  return precomputed.get(records);
}

interface RecordIn {
  readonly Data: Buffer;
  readonly PartitionKey: string;
  readonly ExplicitHashKey?: string;
}

const SEPARATOR = '\u0000';

/** Packs `input`, or returns undefined when its shape is not the PutRecords one (caller keeps the object). */
export function packInput(input: Record<string, unknown>): PackedInput | undefined {
  const records = input.Records as readonly RecordIn[] | undefined;
  if (!Array.isArray(records) || records.length === 0) return undefined;
  const blobs = records[0]!.Data.buffer;
  const spans = new Int32Array(records.length * 2);
  const keys: string[] = new Array(records.length);
  let hashKeys: (string | undefined)[] | null = null;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.Data.buffer !== blobs) return undefined;
    spans[i * 2] = r.Data.byteOffset;
    spans[i * 2 + 1] = r.Data.length;
    keys[i] = r.PartitionKey;
    if (r.ExplicitHashKey !== undefined) {
      hashKeys ??= new Array(records.length);
      hashKeys[i] = r.ExplicitHashKey;
    }
  }
  const scalars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) if (k !== 'Records') scalars[k] = v;
  return {
    scalars,
    blobs: blobs as ArrayBuffer,
    spans,
    keys: keys.join(SEPARATOR),
    hashKeys,
    digests: digestsFor(records),
  };
}

function digestsFor(records: readonly RecordIn[]): Uint32Array | null {
  const out = new Uint32Array(records.length * 4);
  try {
    for (let i = 0; i < records.length; i++)
      if (records[i]!.ExplicitHashKey === undefined) out.set(md5Words(records[i]!.PartitionKey), i * 4);
  } catch {
    return null; // a key md5Words refuses: the event-loop thread routes (and answers) as usual
  }
  return out;
}

/** The input `packInput` packed, members in model order as the fast path builds them (Records first). */
export function unpackInput(packed: PackedInput): Record<string, unknown> {
  const { spans, hashKeys } = packed;
  const keys = packed.keys.split(SEPARATOR);
  const n = spans.length / 2;
  const records: RecordIn[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const data = Buffer.from(packed.blobs, spans[i * 2]!, spans[i * 2 + 1]!);
    const hashKey = hashKeys?.[i];
    records[i] =
      hashKey === undefined
        ? { Data: data, PartitionKey: keys[i]! }
        : { Data: data, ExplicitHashKey: hashKey, PartitionKey: keys[i]! };
  }
  if (packed.digests !== null) precomputed.set(records, packed.digests);
  return { Records: records, ...packed.scalars };
}
