import type { ReadLimits, StoredRecord } from '../engine.js';
import { type BatchHeader, batchHeaderBytes } from './batch-codec.js';
import { StorageCorruptionError } from './storage-corruption-error.js';

/**
 * Gathers records for one read under its limits. Record data are views into the batch buffer
 * (no copy); the partition key is decoded to a string.
 */
export class RecordCollector {
  readonly records: StoredRecord[] = [];
  readonly #maxRecords: number;
  readonly #maxBytes: number;
  #bytes = 0;
  #full = false;

  constructor(limits: ReadLimits) {
    this.#maxRecords = Math.max(1, limits.maxRecords);
    this.#maxBytes = limits.maxBytes;
  }

  get full(): boolean {
    return this.#full;
  }

  /** Offset after the last record collected, or undefined when none was. */
  get nextOffset(): number | undefined {
    const last = this.records.at(-1);
    return last === undefined ? undefined : last.offset + 1;
  }

  /** Adds the records of the batch at `buf[pos..]` whose offset is at least `fromOffset`. */
  addBatch(buf: Buffer, pos: number, header: BatchHeader, fromOffset: number): void {
    const end = pos + header.batchBytes;
    const { baseOffset, timestampMs, recordCount } = header;
    let p = pos + batchHeaderBytes;
    for (let i = 0; i < recordCount; i++) {
      if (p + 2 > end) throw corrupt(header);
      const keyBytes = buf[p]! | (buf[p + 1]! << 8);
      const keyAt = p + 2;
      const lengthAt = keyAt + keyBytes;
      if (lengthAt + 4 > end) throw corrupt(header);
      const dataBytes = buf.readUInt32LE(lengthAt);
      const dataAt = lengthAt + 4;
      p = dataAt + dataBytes;
      if (p > end) throw corrupt(header);
      const offset = baseOffset + i;
      if (offset < fromOffset) continue;
      const size = keyBytes + dataBytes;
      if (this.records.length > 0 && this.#bytes + size > this.#maxBytes) {
        this.#full = true;
        return;
      }
      this.#bytes += size;
      this.records.push({
        offset,
        timestampMs,
        partitionKey: buf.toString('utf8', keyAt, lengthAt),
        data: buf.subarray(dataAt, p),
      });
      if (this.records.length >= this.#maxRecords) {
        this.#full = true;
        return;
      }
    }
  }
}

function corrupt(header: BatchHeader): StorageCorruptionError {
  return new StorageCorruptionError(`batch at offset ${header.baseOffset} has malformed records`);
}
