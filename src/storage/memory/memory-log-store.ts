import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppendListeners } from '../append-listeners.js';
import {
  type AppendRecord,
  type AppendResult,
  type LogBounds,
  LogNotFoundError,
  LogSealedError,
  type LogStore,
  type ReadLimits,
  type ReadResult,
  type StoredRecord,
} from '../engine.js';

interface MemoryLog {
  /** Records from `startOffset` on; records[i] has offset startOffset + i. */
  records: StoredRecord[];
  startOffset: number;
  lastTimestampMs: number | undefined;
  /** Serializes appends so that delayed appends still commit in call order. */
  chain: Promise<unknown>;
  /** Appends not yet committed or failed. */
  pending: number;
  /** Set by the first `seal`: resolves to the final end offset once the appends before it are done. */
  sealed: Promise<number> | undefined;
}

/** LogStore in arrays, with fault injection. Each append is its own "segment" for retention. */
export class MemoryLogStore implements LogStore {
  readonly #logs = new Map<string, MemoryLog>();
  readonly #listeners = new AppendListeners();
  readonly #now: () => number;
  #failNextAppend: Error | undefined;
  delayAppendMs = 0;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** The next `append` (to any log) rejects with `error` and stores nothing. */
  failNextAppend(error: Error): void {
    this.#failNextAppend = error;
  }

  async create(logId: string): Promise<void> {
    if (this.#logs.has(logId)) return;
    this.#logs.set(logId, {
      records: [],
      startOffset: 0,
      lastTimestampMs: undefined,
      chain: Promise.resolve(),
      pending: 0,
      sealed: undefined,
    });
  }

  async drop(logId: string): Promise<void> {
    this.#logs.delete(logId);
  }

  append(logId: string, records: readonly AppendRecord[]): Promise<AppendResult> {
    assert.ok(records.length > 0, 'append needs at least one record');
    const log = this.#logs.get(logId);
    if (log === undefined) return Promise.reject(new LogNotFoundError(logId));
    if (log.sealed !== undefined) return Promise.reject(new LogSealedError(logId));
    const fault = this.#failNextAppend;
    this.#failNextAppend = undefined;
    const copies = records.map((r) => ({ partitionKey: r.partitionKey, data: Uint8Array.from(r.data) }));
    const run = async (): Promise<AppendResult> => {
      if (this.delayAppendMs > 0) await sleep(this.delayAppendMs);
      if (fault !== undefined) throw fault;
      if (this.#logs.get(logId) !== log) throw new LogNotFoundError(logId);
      return this.#commit(logId, log, copies);
    };
    const result = log.chain.then(run, run);
    log.pending++;
    log.chain = result.then(
      () => void log.pending--,
      () => void log.pending--,
    );
    return result;
  }

  seal(logId: string): Promise<number> {
    const log = this.#logs.get(logId);
    if (log === undefined) return Promise.reject(new LogNotFoundError(logId));
    // Appends run one after the other on the chain: the seal takes effect after those queued so far.
    log.sealed ??= log.chain.then(() => {
      if (this.#logs.get(logId) !== log) throw new LogNotFoundError(logId);
      return log.startOffset + log.records.length;
    });
    return log.sealed;
  }

  settled(logId: string): Promise<void> | undefined {
    const log = this.#logs.get(logId);
    return log === undefined || log.pending === 0 ? undefined : log.chain.then(() => undefined);
  }

  #commit(logId: string, log: MemoryLog, records: readonly AppendRecord[]): AppendResult {
    const timestampMs = Math.max(this.#now(), log.lastTimestampMs ?? 0);
    const firstOffset = log.startOffset + log.records.length;
    records.forEach((r, i) => {
      log.records.push({ offset: firstOffset + i, timestampMs, partitionKey: r.partitionKey, data: r.data });
    });
    log.lastTimestampMs = timestampMs;
    this.#listeners.notify(logId, firstOffset + records.length);
    return { firstOffset, timestampMs };
  }

  async read(logId: string, fromOffset: number, limits: ReadLimits): Promise<ReadResult> {
    const log = this.#get(logId);
    let index = Math.max(0, fromOffset - log.startOffset);
    if (limits.minTimestampMs !== undefined) {
      index = Math.max(index, firstIndexAtOrAfter(log.records, limits.minTimestampMs));
    }
    const records: StoredRecord[] = [];
    let bytes = 0;
    for (; index < log.records.length && records.length < limits.maxRecords; index++) {
      const record = log.records[index]!;
      const size = record.data.length + Buffer.byteLength(record.partitionKey);
      if (records.length > 0 && bytes + size > limits.maxBytes) break;
      records.push(record);
      bytes += size;
    }
    const last = records.at(-1);
    return {
      records,
      nextOffset: last === undefined ? fromOffset : last.offset + 1,
      endOffset: log.startOffset + log.records.length,
      lastTimestampMs: log.lastTimestampMs,
    };
  }

  async bounds(logId: string): Promise<LogBounds> {
    const log = this.#get(logId);
    return { startOffset: log.startOffset, endOffset: log.startOffset + log.records.length };
  }

  async offsetForTimestamp(logId: string, timestampMs: number): Promise<number> {
    const log = this.#get(logId);
    return log.startOffset + firstIndexAtOrAfter(log.records, timestampMs);
  }

  async trimBefore(logId: string, cutoffMs: number): Promise<number> {
    const log = this.#get(logId);
    const dropped = firstIndexAtOrAfter(log.records, cutoffMs);
    log.records = log.records.slice(dropped);
    log.startOffset += dropped;
    return dropped;
  }

  onAppend(logId: string, listener: (endOffset: number) => void): () => void {
    return this.#listeners.add(logId, listener);
  }

  #get(logId: string): MemoryLog {
    const log = this.#logs.get(logId);
    if (log === undefined) throw new LogNotFoundError(logId);
    return log;
  }
}

/** Index of the first record whose timestamp is at or after `timestampMs` (timestamps never decrease). */
function firstIndexAtOrAfter(records: readonly StoredRecord[], timestampMs: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (records[mid]!.timestampMs < timestampMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
