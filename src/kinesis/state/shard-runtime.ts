// Per-shard state kept in this process: the write gate that makes closing a shard race-free, and
// the token buckets of the throughput limits. The metadata store stays the truth for what is open
// or closed; a gate only makes this process's own appends drain before a close is recorded.
//
// Close protocol (StreamStore.#completeReshard):
//   1. closeWhile() marks the parents' gates CLOSING: new appends in this process wait instead of
//      starting, then re-read the stream and re-route (to the children once the close commits);
//   2. it waits until appends already started on those shards have resolved (drained);
//   3. the caller seals each parent log (LogStore.seal: no append commits after it, from any
//      process) and writes the final end offset it returns as closedEndOffset with a
//      compare-and-set on the stream entry;
//   4. sealed → SEALED (a writer still holding an older routing view sees SEALED and re-routes),
//      also when the compare-and-set lost and the caller commits again (sealing is idempotent);
//      a failure before the seal → OPEN again.
// So every record acknowledged on a parent lies below its closedEndOffset: the log's seal decides
// the race, and the gate only makes this process's own writers wait and re-route instead of
// meeting LogSealedError (see docs/resharding.md).

import type { Config } from '../../core/config.js';
import { TokenBucket } from '../domain/token-bucket.js';
import { limits } from '../limits.js';

const GateState = { OPEN: 0, CLOSING: 1, SEALED: 2 } as const;
type GateState = (typeof GateState)[keyof typeof GateState];

export interface Throughput {
  readonly writeBytesPerSec: number;
  readonly writeRecordsPerSec: number;
  readonly readBytesPerSec: number;
  readonly readCallsPerSec: number;
  readonly iteratorCallsPerSec: number;
  readonly burstSec: number;
}

/** The per-shard capacities in force, or undefined under `--limits off`. */
export function throughputOf(config: Config): Throughput | undefined {
  if (config.limits === 'off') return undefined;
  return {
    writeBytesPerSec: config.shardWriteBytesPerSec ?? limits.shardWriteBytesPerSecDefault,
    writeRecordsPerSec: config.shardWriteRecordsPerSec ?? limits.shardWriteRecordsPerSecDefault,
    readBytesPerSec: config.shardReadBytesPerSec ?? limits.shardReadBytesPerSecDefault,
    readCallsPerSec: limits.getRecordsCallsPerSecPerShard,
    iteratorCallsPerSec: limits.getShardIteratorCallsPerSecPerShard,
    burstSec: limits.throughputBurstSec,
  };
}

const bucket = (ratePerSec: number, burstSec: number, nowMs: number) =>
  new TokenBucket(ratePerSec, Math.max(1, ratePerSec * burstSec), nowMs);

/** Offered write load of a shard, in one-second windows (on-demand scaling reads it). */
export interface WriteMeter {
  windowStartMs: number;
  bytes: number;
  records: number;
  /** Start of the current run of windows in which the offered load exceeded capacity. */
  hotSinceMs: number | undefined;
}

export class ShardRuntime {
  readonly logId: string;
  #state: GateState = GateState.OPEN;
  #inflight = 0;
  #closing: Promise<void> | undefined;
  #drained: (() => void) | undefined;
  sealedAtMs = 0;
  writeBytes: TokenBucket | undefined;
  writeRecords: TokenBucket | undefined;
  readBytes: TokenBucket | undefined;
  readCalls: TokenBucket | undefined;
  iteratorCalls: TokenBucket | undefined;
  meter: WriteMeter | undefined;

  constructor(logId: string) {
    this.logId = logId;
  }

  /** Undefined when appends may start now; otherwise resolves when the pending close is decided. */
  blocked(): Promise<void> | undefined {
    if (this.#state === GateState.OPEN) return undefined;
    return this.#closing ?? Promise.resolve();
  }

  get sealed(): boolean {
    return this.#state === GateState.SEALED;
  }

  /** Call synchronously after blocked() returned undefined; pair with leave(). */
  enter(): void {
    this.#inflight++;
  }

  leave(): void {
    this.#inflight--;
    if (this.#inflight === 0 && this.#drained !== undefined) {
      const drained = this.#drained;
      this.#drained = undefined;
      drained();
    }
  }

  /** Marks the gate CLOSING and resolves once no append is in flight. */
  beginClose(closing: Promise<void>): Promise<void> {
    this.#state = GateState.CLOSING;
    this.#closing = closing;
    if (this.#inflight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#drained = resolve;
    });
  }

  endClose(committed: boolean, nowMs: number): void {
    this.#state = committed ? GateState.SEALED : GateState.OPEN;
    this.#closing = undefined;
    if (committed) this.sealedAtMs = nowMs;
  }

  writeBuckets(t: Throughput, nowMs: number): { bytes: TokenBucket; records: TokenBucket } {
    this.writeBytes ??= bucket(t.writeBytesPerSec, t.burstSec, nowMs);
    this.writeRecords ??= bucket(t.writeRecordsPerSec, t.burstSec, nowMs);
    return { bytes: this.writeBytes, records: this.writeRecords };
  }

  readBuckets(t: Throughput, nowMs: number): { bytes: TokenBucket; calls: TokenBucket } {
    this.readBytes ??= bucket(t.readBytesPerSec, t.burstSec, nowMs);
    this.readCalls ??= bucket(t.readCallsPerSec, t.burstSec, nowMs);
    return { bytes: this.readBytes, calls: this.readCalls };
  }

  iteratorBucket(t: Throughput, nowMs: number): TokenBucket {
    this.iteratorCalls ??= bucket(t.iteratorCallsPerSec, t.burstSec, nowMs);
    return this.iteratorCalls;
  }
}

/** Every shard runtime of this process, by log id. */
export class ShardRuntimes {
  readonly #byLog = new Map<string, ShardRuntime>();
  #sealed = 0;

  of(logId: string): ShardRuntime {
    let rt = this.#byLog.get(logId);
    if (rt === undefined) {
      rt = new ShardRuntime(logId);
      this.#byLog.set(logId, rt);
    }
    return rt;
  }

  /** Forgets the shards of a deleted stream. */
  forget(logIds: readonly string[]): void {
    for (const id of logIds) this.#byLog.delete(id);
  }

  /**
   * Runs `commit` while the gates of `logIds` are closing and drained (see the file comment).
   * `commit` resolves to whether the shards are now closed in the metadata.
   */
  async closeWhile<T>(
    logIds: readonly string[],
    commit: () => Promise<{ committed: boolean; value: T }>,
  ): Promise<T> {
    const runtimes = logIds.map((id) => this.of(id));
    let decide: () => void = () => undefined;
    const closing = new Promise<void>((resolve) => {
      decide = resolve;
    });
    let committed = false;
    try {
      await Promise.all(runtimes.map((rt) => rt.beginClose(closing)));
      const result = await commit();
      committed = result.committed;
      return result.value;
    } finally {
      const now = Date.now();
      for (const rt of runtimes) rt.endClose(committed, now);
      if (committed) this.#noteSealed(runtimes.length);
      decide();
    }
  }

  /** Sealed gates are kept for writers with stale views; beyond the bound the oldest go. */
  #noteSealed(n: number): void {
    this.#sealed += n;
    if (this.#sealed <= limits.sealedShardGatesMax) return;
    const cutoff = Date.now() - limits.iteratorLifetimeMs;
    for (const [id, rt] of this.#byLog) {
      if (this.#sealed <= limits.sealedShardGatesMax / 2) break;
      if (rt.sealed && rt.sealedAtMs < cutoff) {
        this.#byLog.delete(id);
        this.#sealed--;
      }
    }
  }
}
