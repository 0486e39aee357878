import type { BatchHeader } from './batch-codec.js';
import type { RecordCollector } from './record-collector.js';

/** A committed batch kept in memory so that consumers polling the tip do not touch the disk. */
export interface TailBatch {
  readonly header: BatchHeader;
  readonly buffer: Buffer;
}

/** The cached newest batches of one log, oldest first, contiguous up to the log's end. */
export class LogTail {
  #batches: TailBatch[] = [];
  #head = 0;

  get firstOffset(): number | undefined {
    return this.#batches[this.#head]?.header.baseOffset;
  }

  /** Batches with newer records than `offset` (the first one may contain older records too). */
  *from(offset: number): Generator<TailBatch> {
    let lo = this.#head;
    let hi = this.#batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const h = this.#batches[mid]!.header;
      if (h.baseOffset + h.recordCount <= offset) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.#batches.length; i++) yield this.#batches[i]!;
  }

  collect(offset: number, collector: RecordCollector): void {
    for (const batch of this.from(offset)) {
      collector.addBatch(batch.buffer, 0, batch.header, offset);
      if (collector.full) return;
    }
  }

  push(batch: TailBatch): void {
    this.#batches.push(batch);
  }

  /** Drops the oldest batch; returns its size (0 when empty). */
  evictOldest(): number {
    const batch = this.#batches[this.#head];
    if (batch === undefined) return 0;
    this.#batches[this.#head++] = undefined as unknown as TailBatch;
    if (this.#head === this.#batches.length) this.#reset();
    else if (this.#head >= 1024 && this.#head * 2 >= this.#batches.length) this.#compact();
    return batch.buffer.length;
  }

  /** Drops everything; returns the bytes released. */
  clear(): number {
    let bytes = 0;
    for (let i = this.#head; i < this.#batches.length; i++) bytes += this.#batches[i]!.buffer.length;
    this.#reset();
    return bytes;
  }

  #reset(): void {
    this.#batches = [];
    this.#head = 0;
  }

  #compact(): void {
    this.#batches = this.#batches.slice(this.#head);
    this.#head = 0;
  }
}

/**
 * One byte budget for all logs' tails: the oldest cached batch anywhere is evicted first. The queue
 * holds one ticket per cached batch naming its log; a log's tail is always evicted from its front.
 */
export class TailCache {
  readonly #maxBytes: number;
  readonly #maxBatches: number;
  #tickets: LogTail[] = [];
  #head = 0;
  #bytes = 0;

  constructor(maxBytes: number, maxBatches: number) {
    this.#maxBytes = maxBytes;
    this.#maxBatches = maxBatches;
  }

  get bytes(): number {
    return this.#bytes;
  }

  add(tail: LogTail, batch: TailBatch): void {
    if (batch.buffer.length > this.#maxBytes / 4) {
      // A huge batch would flush everyone else's tail; readers get it from the page cache.
      this.#bytes -= tail.clear();
      return;
    }
    tail.push(batch);
    this.#tickets.push(tail);
    this.#bytes += batch.buffer.length;
    while (this.#bytes > this.#maxBytes || this.#tickets.length - this.#head > this.#maxBatches) {
      if (!this.#evictOne()) break;
    }
  }

  clear(tail: LogTail): void {
    this.#bytes -= tail.clear();
  }

  #evictOne(): boolean {
    const tail = this.#tickets[this.#head];
    if (tail === undefined) return false;
    this.#tickets[this.#head++] = undefined as unknown as LogTail;
    this.#bytes -= tail.evictOldest();
    if (this.#head >= 1024 && this.#head * 2 >= this.#tickets.length) {
      this.#tickets = this.#tickets.slice(this.#head);
      this.#head = 0;
    }
    return true;
  }
}
