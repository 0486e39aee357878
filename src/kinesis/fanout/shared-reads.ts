// Reads shared by the sessions of one shard. Consumers of a shard are usually at the same position
// (all caught up with the tip, or all replaying from TRIM_HORIZON), so each new batch would be read
// and rendered once per consumer. The first session to read (log, offset, limits) keeps the records
// and their JSON rendering here; the next ones at the same position reuse both and only add their
// own tail (ContinuationSequenceNumber, MillisBehindLatest).
//
// A cached batch may be shorter than a fresh read at the same position (records appended since);
// delivering it is still correct, the session simply reads the rest next. Bounded by total bytes
// and entries, least recently used first out.

import type { MessageHead } from '../../aws/protocols/event-stream.js';
import { slotKey } from '../../core/slots.js';
import type { ReadResult, StoredRecord } from '../../storage/engine.js';
import { limits } from '../limits.js';
import type { Services } from '../state/services.js';

const SHARED_READS = slotKey<SharedReads>('fanout/shared-reads');

export interface SharedBatch {
  readonly records: readonly StoredRecord[];
  readonly nextOffset: number;
  readonly endOffset: number;
  readonly sequenceNumbers: readonly string[];
  /** Message heads (prelude, headers, `{"Records":[…]`) by encryption rendering and tail length. */
  readonly heads: Map<string, MessageHead>;
  readonly bytes: number;
}

export class SharedReads {
  readonly #entries = new Map<string, SharedBatch>();
  #bytes = 0;

  static key(logId: string, fromOffset: number, maxRecords: number, maxBytes: number): string {
    return `${logId}|${fromOffset}|${maxRecords}|${maxBytes}`;
  }

  get(key: string): SharedBatch | undefined {
    const hit = this.#entries.get(key);
    if (hit === undefined) return undefined;
    // Most recently used last.
    this.#entries.delete(key);
    this.#entries.set(key, hit);
    return hit;
  }

  /** Keeps a non-empty read for the other sessions at the same position. */
  put(key: string, result: ReadResult, sequenceNumbers: readonly string[]): SharedBatch {
    let bytes = 0;
    for (const r of result.records) bytes += r.data.byteLength + r.partitionKey.length + 64;
    const batch: SharedBatch = {
      records: result.records,
      nextOffset: result.nextOffset,
      endOffset: result.endOffset,
      sequenceNumbers,
      heads: new Map(),
      bytes,
    };
    if (bytes > limits.fanoutSharedReadBytesMax / 4) return batch; // too big to be worth holding
    this.#drop(key);
    this.#entries.set(key, batch);
    this.#bytes += bytes;
    this.#evict();
    return batch;
  }

  /** Accounts for a JSON rendering added to a held batch. */
  grew(key: string, bytes: number): void {
    if (!this.#entries.has(key)) return;
    this.#bytes += bytes;
    this.#evict();
  }

  #drop(key: string): void {
    const old = this.#entries.get(key);
    if (old === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= batchBytes(old);
  }

  #evict(): void {
    for (const key of this.#entries.keys()) {
      if (
        this.#bytes <= limits.fanoutSharedReadBytesMax &&
        this.#entries.size <= limits.fanoutSharedReadEntriesMax
      )
        return;
      this.#drop(key);
    }
  }

  get sizeBytes(): number {
    return this.#bytes;
  }
}

function batchBytes(b: SharedBatch): number {
  let n = b.bytes;
  for (const h of b.heads.values()) n += h.head.length;
  return n;
}

export function sharedReadsOf(services: Services): SharedReads {
  return services.slots.getOrCreate(SHARED_READS, () => new SharedReads());
}
