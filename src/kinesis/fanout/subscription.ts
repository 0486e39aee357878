// One SubscribeToShard session: pushes a shard's records to one consumer as they are committed.
//
// The session holds a log position, not records: it reads one bounded batch from the log, writes
// it as one event, and reads the next only once the response has drained. A stalled client
// therefore costs at most one event plus the transport's buffer; it simply falls behind
// (MillisBehindLatest grows). New records wake the session through LogStore.onAppend; the only
// timers are the idle heartbeat (an empty event so consumers can checkpoint), the lifetime and
// the throughput budget.
import type http from 'node:http';
import type { Res } from '../../aws/operation.js';
import type { WireFormat } from '../../aws/protocols/codec.js';
import { EVENT_STREAM_CONTENT_TYPE } from '../../aws/protocols/event-stream.js';
import { LogNotFoundError, type ReadResult, type StoredRecord } from '../../storage/engine.js';
import { positionAfter, sequenceNumbersOf } from '../domain/sequence-number.js';
import { logIdOf, type ShardMeta, type StreamMeta } from '../domain/stream-model.js';
import { InternalFailureException, KinesisError, ResourceInUseException } from '../errors.js';
import { limits } from '../limits.js';
import { metricsOf } from '../metrics/metrics.js';
import type { ChildShard } from '../model-types.js';
import type { Services } from '../state/services.js';
import type { Claim, StopReason } from './fanout-hub.js';
import { SharedReads, sharedReadsOf } from './shared-reads.js';
import {
  type EventTail,
  exceptionEvent,
  initialResponse,
  recordsEvent,
  sharedRecordsEvent,
} from './subscribe-events.js';
import { ThroughputBudget } from './throughput-budget.js';

/**
 * What a subscription needs of the rest of the service, given by the operation that starts it
 * (so fan-out does not reach into the record path, the consumer store or other operations).
 */
export interface SubscriptionPorts {
  /** Records that arrived before this are past the stream's retention. */
  retentionCutoffMs(stream: StreamMeta, nowMs: number): number;
  /** The shards that continue a closed shard's hash range (the last event's ChildShards). */
  childShards(stream: StreamMeta, shard: ShardMeta): readonly ChildShard[];
  /**
   * Re-reads the consumer and the stream: the stream and shard as they are now, or throws the
   * error that ends the session (consumer deregistered, stream deleted or recreated).
   */
  refresh(): Promise<{ readonly stream: StreamMeta; readonly shard: ShardMeta }>;
  /** The error sent when the shard's log is gone (e.g. dropped after retention). */
  shardGone(): KinesisError;
}

export interface SubscriptionOptions {
  readonly services: Services;
  readonly ports: SubscriptionPorts;
  readonly claim: Claim;
  readonly consumerArn: string;
  readonly stream: StreamMeta;
  readonly shard: ShardMeta;
  readonly offset: number;
  readonly wire: WireFormat;
  readonly lifetimeMs: number;
  readonly heartbeatMs: number;
  /** Undefined: unlimited (`--limits off`). */
  readonly bytesPerSecond: number | undefined;
  /** Observer for tests and metrics: called with every event's record count. */
  readonly onEvent?: (records: number) => void;
}

type EndReason = StopReason | 'lifetime' | 'closed' | 'shard-end' | 'error';

export class Subscription {
  readonly #o: SubscriptionOptions;
  readonly #logId: string;
  #stream: StreamMeta;
  #shard: ShardMeta;
  #offset: number;
  #continuation: string;
  #budget: ThroughputBudget | undefined;
  /** Typed as the HTTP/1.1 response; the HTTP/2 compat response has the same write/end/events. */
  #res: http.ServerResponse | undefined;
  #end: EndReason | undefined;
  /** Exception to send as the last message. */
  #finalError: KinesisError | undefined;
  #dirty = false;
  #wakeUp: (() => void) | undefined;
  /** Releases a write that waits for 'drain' (only a stop does; new records must not). */
  #unblockWrite: (() => void) | undefined;
  #lastEventMs = 0;
  #lastRefreshMs = 0;
  /** Arrival time of the newest record read so far: log timestamps never decrease, so once it is
   * inside retention every later record is too and reads can skip the retention lookup. */
  #lastReadTimestampMs = Number.NEGATIVE_INFINITY;
  /** The log's end as last announced by onAppend (a shared batch's endOffset may be older). */
  #knownEndOffset = 0;

  constructor(options: SubscriptionOptions) {
    this.#o = options;
    this.#stream = options.stream;
    this.#shard = options.shard;
    this.#offset = options.offset;
    this.#logId = logIdOf(options.stream, options.shard.index);
    // Before any record is delivered, the position between the record before the start and the
    // start: AT and AFTER it both resume at the start.
    this.#continuation = positionAfter(options.shard, options.offset - 1);
    this.#budget =
      options.bytesPerSecond === undefined
        ? undefined
        : new ThroughputBudget(options.bytesPerSecond, Date.now());
  }

  async run(res: Res): Promise<void> {
    this.#res = res as http.ServerResponse;
    const { claim, services, lifetimeMs } = this.#o;
    res.on('close', () => this.#stop('closed'));
    claim.onStop = (reason) => this.#stop(reason);
    if (claim.stopped) this.#stop(claim.stopped);
    const unsubscribe = services.engine.logs.onAppend(this.#logId, (endOffset) => {
      if (endOffset > this.#knownEndOffset) this.#knownEndOffset = endOffset;
      this.#wake();
    });
    const lifetime = setTimeout(() => this.#stop('lifetime'), lifetimeMs);
    this.#lastRefreshMs = Date.now();
    try {
      res.statusCode = 200;
      res.setHeader('Content-Type', EVENT_STREAM_CONTENT_TYPE);
      await this.#write(initialResponse(this.#o.wire));
      await this.#loop();
    } catch (err) {
      this.#fail(err);
    } finally {
      clearTimeout(lifetime);
      unsubscribe();
      claim.release();
      this.#close();
    }
  }

  async #loop(): Promise<void> {
    this.#lastEventMs = Date.now();
    while (this.#end === undefined) {
      const outcome = await this.#pump();
      if (outcome !== 'idle') continue;
      const dueMs = this.#lastEventMs + this.#o.heartbeatMs - Date.now();
      if (dueMs > 0 && (await this.#sleep(dueMs)) === 'woken') continue;
      if (this.#end !== undefined) break;
      if (Date.now() - this.#lastEventMs < this.#o.heartbeatMs) continue;
      await this.#refresh();
      if (this.#end === undefined && !(await this.#atShardEnd()))
        await this.#sendEvent([], [], this.#tail(0));
    }
  }

  /** Reads and sends one batch. 'sent' when records went out, 'idle' when caught up. */
  async #pump(): Promise<'sent' | 'idle' | 'end'> {
    const now = Date.now();
    if (now - this.#lastRefreshMs >= this.#o.heartbeatMs) await this.#refresh();
    if (this.#end !== undefined) return 'end';
    if (await this.#atShardEnd()) return 'end';
    let maxBytes = limits.subscriptionEventBytesMax;
    if (this.#budget) {
      const available = this.#budget.available(now);
      if (available <= 0) {
        await this.#sleep(this.#budget.waitMs(1, now));
        return 'sent';
      }
      maxBytes = Math.min(maxBytes, available);
    }
    this.#dirty = false;
    const closedEnd = this.#shard.closedEndOffset;
    const maxRecords = Math.min(
      limits.subscriptionEventRecordsMax,
      closedEnd === undefined ? Number.MAX_SAFE_INTEGER : Math.max(1, closedEnd - this.#offset),
    );
    const retention = this.#retentionFilter(now);
    // Shared only when no retention filter applies (then the read depends on nothing but position).
    const key =
      retention.minTimestampMs === undefined
        ? SharedReads.key(this.#logId, this.#offset, maxRecords, maxBytes)
        : undefined;
    const shared = sharedReadsOf(this.#o.services);
    let batch = key === undefined ? undefined : shared.get(key);
    if (batch === undefined) {
      let result: ReadResult;
      try {
        result = await this.#o.services.engine.logs.read(this.#logId, this.#offset, {
          maxRecords,
          maxBytes,
          ...retention,
        });
      } catch (err) {
        if (!(err instanceof LogNotFoundError) || closedEnd === undefined) throw err;
        // The retention sweeper dropped this closed shard's log: everything in it had expired, so
        // the shard has nothing left but its end (the next turn sends ChildShards).
        this.#offset = closedEnd;
        return 'sent';
      }
      if (result.records.length === 0) {
        // Records past retention are skipped silently, as GetRecords does.
        this.#offset = Math.max(this.#offset, result.nextOffset);
        return 'idle';
      }
      const seqs = sequenceNumbersOf(this.#shard, result.records);
      batch =
        key === undefined
          ? { ...result, sequenceNumbers: seqs, heads: new Map(), bytes: 0 }
          : shared.put(key, result, seqs);
    }
    const { records, nextOffset } = batch;
    const last = records.at(-1) as StoredRecord;
    const endOffset = Math.max(batch.endOffset, this.#knownEndOffset);
    this.#lastReadTimestampMs = last.timestampMs;
    this.#budget?.spend(recordBytes(records), Date.now());
    this.#offset = nextOffset;
    // AWS's continuation is a distinct position after the last record, not its number.
    this.#continuation = positionAfter(this.#shard, last.offset, last.timestampMs);
    const behind = nextOffset >= endOffset ? 0 : Math.max(0, Date.now() - last.timestampMs);
    const ended = closedEnd !== undefined && nextOffset >= closedEnd;
    const tail = ended ? { ...this.#tail(0), ChildShards: this.#childShards() } : this.#tail(behind);
    const encrypted = this.#stream.encryptionType === 'KMS';
    const { parts, grewBytes } = sharedRecordsEvent(this.#o.wire, batch, encrypted, tail);
    if (key !== undefined && grewBytes > 0) shared.grew(key, grewBytes);
    await this.#writeEvent(parts, records, tail);
    if (ended) this.#stop('shard-end');
    return 'sent';
  }

  /**
   * The retention cutoff for a read, or nothing when the last record read is already inside it. The
   * cutoff makes the local engine look up the first retained offset (a disk read when the retained
   * range starts before its in-memory tail), which would otherwise happen on every wake-up.
   */
  #retentionFilter(nowMs: number): { minTimestampMs?: number } {
    const cutoff = this.#o.ports.retentionCutoffMs(this.#stream, nowMs);
    return this.#lastReadTimestampMs >= cutoff ? {} : { minTimestampMs: cutoff };
  }

  /** At the end of a closed, fully read shard: the last event carries ChildShards, then the stream ends. */
  async #atShardEnd(): Promise<boolean> {
    const closedEnd = this.#shard.closedEndOffset;
    if (closedEnd === undefined || this.#offset < closedEnd) return false;
    await this.#sendEvent([], [], { ...this.#tail(0), ChildShards: this.#childShards() });
    this.#stop('shard-end');
    return true;
  }

  #childShards(): readonly ChildShard[] {
    return this.#o.ports.childShards(this.#stream, this.#shard);
  }

  #tail(millisBehind: number): EventTail {
    return { ContinuationSequenceNumber: this.#continuation, MillisBehindLatest: millisBehind };
  }

  async #sendEvent(
    records: readonly StoredRecord[],
    seqs: readonly string[],
    tail: EventTail,
  ): Promise<void> {
    const encrypted = this.#stream.encryptionType === 'KMS';
    await this.#writeEvent(recordsEvent(this.#o.wire, records, seqs, encrypted, tail), records, tail);
  }

  async #writeEvent(
    message: Buffer | readonly Buffer[],
    records: readonly StoredRecord[],
    tail: EventTail,
  ): Promise<void> {
    await this.#write(message);
    this.#lastEventMs = Date.now();
    metricsOf(this.#o.services)?.subscribeEvent(
      this.#stream,
      this.#o.consumerArn,
      records,
      tail.MillisBehindLatest,
    );
    this.#o.onEvent?.(records.length);
  }

  /** Re-reads the consumer and the stream: deregistration, deletion and resharding end or change the session. */
  async #refresh(): Promise<void> {
    this.#lastRefreshMs = Date.now();
    try {
      const now = await this.#o.ports.refresh();
      // A stream deleted and created again under the same name is another stream.
      if (now.stream.uid !== this.#stream.uid) throw this.#o.ports.shardGone();
      this.#stream = now.stream;
      this.#shard = now.shard;
    } catch (err) {
      this.#fail(err);
    }
  }

  /** Records the error to send as the final message and ends the loop. */
  #fail(err: unknown): void {
    if (err instanceof Closed) {
      this.#stop('closed');
      return;
    }
    if (this.#finalError === undefined) {
      if (err instanceof LogNotFoundError) this.#finalError = this.#o.ports.shardGone();
      else if (err instanceof KinesisError) this.#finalError = err;
      else this.#finalError = new InternalFailureException('Internal service failure.');
    }
    this.#stop('error');
  }

  #stop(reason: EndReason): void {
    if (this.#end !== undefined) return;
    this.#end = reason;
    if (reason === 'takeover')
      this.#finalError = new ResourceInUseException(
        `Another subscription took over consumer ${this.#o.consumerArn} on shard ${this.#o.shard.index}.`,
      );
    this.#wake();
    const unblock = this.#unblockWrite;
    this.#unblockWrite = undefined;
    unblock?.();
  }

  #close(): void {
    const res = this.#res;
    if (!res || res.writableEnded || this.#end === 'closed') return;
    if (this.#finalError) res.write(exceptionEvent(this.#o.wire, this.#finalError));
    res.end();
    // A client that never reads its last bytes must not hold the stream open for ever.
    const cut = setTimeout(() => res.destroy(), limits.subscriptionEndGraceMs);
    cut.unref();
    res.once('close', () => clearTimeout(cut));
  }

  #wake(): void {
    this.#dirty = true;
    const wake = this.#wakeUp;
    this.#wakeUp = undefined;
    wake?.();
  }

  /** Waits for new records, a stop, or the timeout. */
  #sleep(ms: number): Promise<'woken' | 'timeout'> {
    if (this.#dirty || this.#end !== undefined) {
      this.#dirty = false;
      return Promise.resolve('woken');
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wakeUp = undefined;
        resolve('timeout');
      }, ms);
      this.#wakeUp = () => {
        clearTimeout(timer);
        this.#dirty = false;
        resolve('woken');
      };
    });
  }

  /**
   * Writes one message (whole or in parts), waiting for the transport to drain (back-pressure)
   * before returning.
   */
  async #write(message: Buffer | readonly Buffer[]): Promise<void> {
    const res = this.#res as http.ServerResponse;
    if (this.#end === 'closed' || res.writableEnded) throw new Closed();
    let flowing = true;
    if (Buffer.isBuffer(message)) flowing = res.write(message);
    else for (const part of message) flowing = res.write(part) && flowing;
    if (flowing) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        this.#unblockWrite = undefined;
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
      // A stop (take-over, lifetime) must not wait for a client that stopped reading.
      this.#unblockWrite = done;
    });
    if (this.#end !== undefined) throw new Closed();
    if (this.#end === 'closed') throw new Closed();
  }
}

class Closed extends Error {}

function recordBytes(records: readonly StoredRecord[]): number {
  let total = 0;
  for (const r of records) total += r.data.byteLength + Buffer.byteLength(r.partitionKey);
  return total;
}
