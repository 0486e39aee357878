// The per-process metrics registry and the hooks the record path calls.
//
// Cost on the hot path: one Map lookup by stream uid per request, then typed-array additions per
// record (no per-record lookups, no strings built). The hot-key sketch costs one small Map lookup
// per sampled record (all records below limits.hotKeyFullSamplingRecordsPerSecMax per stream, one
// in limits.hotKeySampleEvery above). A 1-second timer (unref'd) rolls the current second into
// totals and time series; that work is proportional to the streams and shards active in the second.
//
// Metrics describe this process only (a clustered deployment would sum them across gateways).

import { slotKey } from '../../core/slots.js';
import type { StreamMeta } from '../domain/stream-model.js';
import { limits } from '../limits.js';
import type { Services } from '../state/services.js';
import { C, H, S } from './metric-fields.js';
import { type SeriesBudget, StreamMetrics } from './stream-metrics.js';

const METRICS = slotKey<Metrics>('metrics/registry');
const THROTTLED = 'ProvisionedThroughputExceededException';

/** What a PutRecords result entry looks like to the metrics. */
interface PutResult {
  readonly SequenceNumber?: string;
  readonly ErrorCode?: string;
}

interface Routed {
  readonly shards: readonly { readonly index: number }[];
}

interface Keyed {
  readonly PartitionKey: string;
}

interface ReadRecord {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly timestampMs: number;
}

export class Metrics {
  readonly #streams = new Map<string, StreamMetrics>();
  readonly #budget: SeriesBudget = { shardSeries: limits.metricsShardSeriesMax };
  #timer: NodeJS.Timeout | undefined;
  readonly #decayFactor = 0.5 ** (1000 / limits.hotKeyHalfLifeMs);

  /** Starts the 1-second tick. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.tick(Date.now()), 1000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** The stream's metrics; created on first use. */
  stream(meta: StreamMeta): StreamMetrics {
    const sm = this.#streams.get(meta.uid);
    if (sm !== undefined) {
      if (sm.meta !== meta) sm.refresh(meta);
      return sm;
    }
    return this.#create(meta);
  }

  /** Every stream with metrics (for exporters). */
  streams(): IterableIterator<StreamMetrics> {
    return this.#streams.values();
  }

  find(account: string, region: string, name: string): StreamMetrics | undefined {
    for (const sm of this.#streams.values())
      if (sm.name === name && sm.account === account && sm.region === region) return sm;
    return undefined;
  }

  tick(nowMs: number): void {
    const sec = Math.floor(nowMs / 1000) - 1;
    for (const [uid, sm] of this.#streams) {
      sm.tick(sec, nowMs, this.#decayFactor);
      if (nowMs - sm.lastActiveMs > limits.metricsIdleEvictMs) this.#drop(uid);
    }
  }

  // ---- hooks for the operation modules ----

  /** PutRecords answered: per-entry outcome, by the shard slot each entry was routed to. */
  putRecords(
    meta: StreamMeta,
    router: Routed,
    entries: readonly Keyed[],
    slots: Uint32Array,
    sizes: Float64Array,
    results: readonly PutResult[],
    startMs: number,
  ): void {
    const sm = this.stream(meta);
    const shards = router.shards;
    let okRecords = 0;
    let okBytes = 0;
    let throttled = 0;
    let failed = 0;
    for (let i = 0; i < results.length; i++) {
      const r = results[i]!;
      const shardIndex = shards[slots[i]!]!.index;
      if (r.SequenceNumber !== undefined) {
        const size = sizes[i]!;
        okRecords++;
        okBytes += size;
        sm.shardPut(sm.shardSlot(shardIndex), shardIndex, entries[i]!.PartitionKey, size);
      } else if (r.ErrorCode === THROTTLED) {
        throttled++;
        const slot = sm.shardSlot(shardIndex);
        if (slot >= 0) sm.shardAcc[slot + H.writeThrottled]!++;
      } else failed++;
    }
    const a = sm.acc;
    a[S.incomingBytes]! += okBytes;
    a[S.incomingRecords]! += okRecords;
    a[S.putRecordsBytes]! += okBytes;
    a[S.putRecordsTotalRecords]! += results.length;
    a[S.putRecordsSuccessfulRecords]! += okRecords;
    a[S.putRecordsFailedRecords]! += failed;
    a[S.putRecordsThrottledRecords]! += throttled;
    a[S.writeThrottled]! += throttled;
    if (okRecords > 0) a[S.putRecordsSuccess]!++;
    a[S.putRecordsCalls]!++;
    sm.latency(S.putRecordsLatency, 1, Date.now() - startMs);
  }

  /** PutRecord succeeded. */
  putRecord(
    meta: StreamMeta,
    shardIndex: number,
    partitionKey: string,
    bytes: number,
    startMs: number,
  ): void {
    const sm = this.stream(meta);
    sm.shardPut(sm.shardSlot(shardIndex), shardIndex, partitionKey, bytes);
    const a = sm.acc;
    a[S.incomingBytes]! += bytes;
    a[S.incomingRecords]!++;
    a[S.putRecordBytes]! += bytes;
    a[S.putRecordSuccess]!++;
    sm.latency(S.putRecordLatency, 0, Date.now() - startMs);
  }

  /** A PutRecord refused by write throttling. */
  writeThrottled(meta: StreamMeta, shardIndex: number, records: number): void {
    const sm = this.stream(meta);
    sm.acc[S.writeThrottled]! += records;
    const slot = sm.shardSlot(shardIndex);
    if (slot >= 0) sm.shardAcc[slot + H.writeThrottled]! += records;
  }

  /** GetRecords answered with `records` from the shard. */
  getRecords(meta: StreamMeta, shardIndex: number, records: readonly ReadRecord[], startMs: number): void {
    const sm = this.stream(meta);
    let bytes = 0;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      bytes += r.data.length + r.partitionKey.length;
    }
    const now = Date.now();
    const last = records.length > 0 ? records[records.length - 1] : undefined;
    const age = last === undefined ? 0 : Math.max(0, now - last.timestampMs);
    const a = sm.acc;
    a[S.getRecordsBytes]! += bytes;
    a[S.getRecordsRecords]! += records.length;
    a[S.getRecordsSuccess]!++;
    if (!(a[S.getRecordsIteratorAge]! >= age)) a[S.getRecordsIteratorAge] = age;
    sm.latency(S.getRecordsLatency, 2, now - startMs);
    const slot = sm.shardSlot(shardIndex);
    if (slot < 0) return;
    const h = sm.shardAcc;
    h[slot + H.outgoingBytes]! += bytes;
    h[slot + H.outgoingRecords]! += records.length;
    if (!(h[slot + H.iteratorAge]! >= age)) h[slot + H.iteratorAge] = age;
  }

  /** A GetRecords call refused by read throttling. */
  readThrottled(meta: StreamMeta, shardIndex: number): void {
    const sm = this.stream(meta);
    sm.acc[S.readThrottled]!++;
    const slot = sm.shardSlot(shardIndex);
    if (slot >= 0) sm.shardAcc[slot + H.readThrottled]!++;
  }

  /** SubscribeToShard accepted (`ok`) or refused by the rate / take-over rules. */
  subscribe(meta: StreamMeta, consumerArn: string, ok: boolean): void {
    const c = this.stream(meta).consumer(consumerNameOf(consumerArn));
    if (c !== undefined) c.acc[ok ? C.subscribeSuccess : C.subscribeRateExceeded]!++;
  }

  /** One SubscribeToShardEvent delivered. */
  subscribeEvent(
    meta: StreamMeta,
    consumerArn: string,
    records: readonly ReadRecord[],
    millisBehindLatest: number,
  ): void {
    const c = this.stream(meta).consumer(consumerNameOf(consumerArn));
    if (c === undefined) return;
    let bytes = 0;
    for (let i = 0; i < records.length; i++)
      bytes += records[i]!.data.length + records[i]!.partitionKey.length;
    const a = c.acc;
    a[C.eventBytes]! += bytes;
    a[C.eventRecords]! += records.length;
    a[C.eventSuccess]!++;
    if (!(a[C.millisBehindLatest]! >= millisBehindLatest)) a[C.millisBehindLatest] = millisBehindLatest;
  }

  #create(meta: StreamMeta): StreamMetrics {
    // A stream re-created under the same name replaces the old one's metrics (same labels).
    for (const [uid, other] of this.#streams)
      if (other.name === meta.name && other.account === meta.account && other.region === meta.region)
        this.#drop(uid);
    if (this.#streams.size >= limits.metricsStreamsMax) this.#dropLeastActive();
    const sm = new StreamMetrics(meta, Date.now(), this.#budget);
    this.#streams.set(meta.uid, sm);
    return sm;
  }

  #dropLeastActive(): void {
    let oldest: StreamMetrics | undefined;
    for (const sm of this.#streams.values())
      if (oldest === undefined || sm.lastActiveMs < oldest.lastActiveMs) oldest = sm;
    if (oldest !== undefined) this.#drop(oldest.uid);
  }

  #drop(uid: string): void {
    this.#streams.get(uid)?.dispose();
    this.#streams.delete(uid);
  }
}

/** `arn:…:stream/<stream>/consumer/<name>:<epoch>` → `<name>`. */
export function consumerNameOf(consumerArn: string): string {
  const at = consumerArn.lastIndexOf('/consumer/');
  if (at < 0) return consumerArn;
  const colon = consumerArn.lastIndexOf(':');
  return consumerArn.slice(at + 10, colon > at ? colon : undefined);
}

/** The process's metrics, or undefined when metrics are off (config.metrics === false). */
export function metricsOf(services: Services): Metrics | undefined {
  return services.slots.get(METRICS);
}

/** Creates and starts the registry (app.ts, at server start), unless metrics are off. */
export function installMetrics(services: Services): Metrics | undefined {
  if (services.config.metrics === false) return undefined;
  const m = new Metrics();
  services.slots.set(METRICS, m);
  m.start();
  return m;
}
