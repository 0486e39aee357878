// Everything counted for one stream: stream-level counters, per-shard counters (published when
// enhanced monitoring enables them), per-consumer counters, latency histograms, time series and
// the hot-key sketches. The record path only adds numbers to typed-array slots here; a 1-second
// tick (Metrics.tick) moves the current second into the totals and the time series.

import type { StreamMeta } from '../domain/stream-model.js';
import { limits } from '../limits.js';
import { HotKeys } from './hot-keys.js';
import {
  C,
  CONSUMER_FIELD_COUNT,
  consumerFields,
  type FieldKind,
  H,
  LATENCY_BUCKETS_MS,
  latencyBucketOf,
  S,
  SHARD_FIELD_COUNT,
  STREAM_FIELD_COUNT,
  shardFields,
  streamFields,
} from './metric-fields.js';
import { Series } from './series.js';

const STREAM_KINDS: readonly FieldKind[] = streamFields.map((f) => f.kind);
const SHARD_KINDS: readonly FieldKind[] = shardFields.map((f) => f.kind);
const CONSUMER_KINDS: readonly FieldKind[] = consumerFields.map((f) => f.kind);
const BUCKETS = LATENCY_BUCKETS_MS.length + 1;

/** The latency histograms kept per stream, in this order. */
export const HISTOGRAMS = [S.putRecordLatency, S.putRecordsLatency, S.getRecordsLatency] as const;

/** Shared budget: how many shard series may exist in the process. */
export interface SeriesBudget {
  shardSeries: number;
}

function resetGauges(acc: Float64Array, kinds: readonly FieldKind[], offset = 0): void {
  for (let f = 0; f < kinds.length; f++) acc[offset + f] = kinds[f] === 'gauge' ? Number.NaN : 0;
}

/** Adds a second's values into cumulative totals (gauges keep their latest observation). */
function accumulate(
  totals: Float64Array,
  acc: Float64Array,
  kinds: readonly FieldKind[],
  offset: number,
): void {
  for (let f = 0; f < kinds.length; f++) {
    const v = acc[offset + f]!;
    if (kinds[f] === 'gauge') {
      if (!Number.isNaN(v)) totals[offset + f] = v;
    } else totals[offset + f]! += v;
  }
}

export class ConsumerMetrics {
  readonly name: string;
  readonly acc = new Float64Array(CONSUMER_FIELD_COUNT);
  readonly totals = new Float64Array(CONSUMER_FIELD_COUNT);
  series: Series | undefined;
  touched = false;

  constructor(name: string) {
    this.name = name;
    resetGauges(this.acc, CONSUMER_KINDS);
    resetGauges(this.totals, CONSUMER_KINDS);
  }
}

export class StreamMetrics {
  readonly uid: string;
  readonly name: string;
  readonly account: string;
  readonly region: string;
  meta: StreamMeta;
  /** Which shard-level fields enhanced monitoring publishes (by H index). */
  readonly enhanced = new Uint8Array(SHARD_FIELD_COUNT);
  anyEnhanced = false;

  readonly acc = new Float64Array(STREAM_FIELD_COUNT);
  readonly totals = new Float64Array(STREAM_FIELD_COUNT);
  /** Cumulative latency histogram buckets: HISTOGRAMS.length × (buckets + 1 for +Inf). */
  readonly histograms = new Float64Array(HISTOGRAMS.length * BUCKETS);
  series: Series | undefined;

  shardCapacity = 0;
  shardAcc = new Float64Array(0);
  shardTotals = new Float64Array(0);
  /** Shards written to or read from since the last tick (indexes), and their flags. */
  touchedShards: number[] = [];
  shardTouched = new Uint8Array(0);
  readonly shardSeries: (Series | undefined)[] = [];
  readonly hotKeys: (HotKeys | undefined)[] = [];

  readonly consumers = new Map<string, ConsumerMetrics>();

  lastActiveMs: number;
  /** Records of the last complete second (drives hot-key sampling). */
  lastSecondRecords = 0;
  /** One record in sampleEvery feeds the hot-key sketch. */
  sampleEvery = 1;
  #sampleCountdown = 1;
  readonly #budget: SeriesBudget;

  constructor(meta: StreamMeta, nowMs: number, budget: SeriesBudget) {
    this.uid = meta.uid;
    this.name = meta.name;
    this.account = meta.account;
    this.region = meta.region;
    this.meta = meta;
    this.lastActiveMs = nowMs;
    this.#budget = budget;
    resetGauges(this.acc, STREAM_KINDS);
    resetGauges(this.totals, STREAM_KINDS);
    this.refresh(meta);
  }

  /** Called when the stream's metadata object changed (new revision): re-reads enhanced monitoring. */
  refresh(meta: StreamMeta): void {
    this.meta = meta;
    this.enhanced.fill(0);
    for (const m of meta.shardLevelMetrics) {
      const f = shardFields.findIndex((d) => d.cloudWatch === m);
      if (f >= 0) this.enhanced[f] = 1;
    }
    this.anyEnhanced = this.enhanced.includes(1);
  }

  // ---- hot path: additions only ----

  /** Offset of the shard's counters in shardAcc, or -1 when the index is beyond what we count. */
  shardSlot(shardIndex: number): number {
    if (shardIndex >= this.shardCapacity && !this.#grow(shardIndex)) return -1;
    if (this.shardTouched[shardIndex] === 0) {
      this.shardTouched[shardIndex] = 1;
      this.touchedShards.push(shardIndex);
    }
    return shardIndex * SHARD_FIELD_COUNT;
  }

  latency(field: (typeof HISTOGRAMS)[number], histogram: number, ms: number): void {
    this.acc[field]! += ms;
    this.histograms[histogram * BUCKETS + latencyBucketOf(ms)]!++;
  }

  /** A record put to `shardIndex`: shard counters and (sampled) the hot-key sketch. */
  shardPut(slot: number, shardIndex: number, partitionKey: string, bytes: number): void {
    if (slot < 0) return;
    this.shardAcc[slot + H.incomingBytes]! += bytes;
    this.shardAcc[slot + H.incomingRecords]!++;
    if (--this.#sampleCountdown > 0) return;
    this.#sampleCountdown = this.sampleEvery;
    let sketch = this.hotKeys[shardIndex];
    if (sketch === undefined) {
      sketch = new HotKeys(limits.hotKeysPerShard);
      this.hotKeys[shardIndex] = sketch;
    }
    const key =
      partitionKey.length > limits.hotKeyCharsMax
        ? partitionKey.slice(0, limits.hotKeyCharsMax)
        : partitionKey;
    sketch.add(key, this.sampleEvery, bytes * this.sampleEvery);
  }

  consumer(name: string): ConsumerMetrics | undefined {
    let c = this.consumers.get(name);
    if (c === undefined) {
      if (this.consumers.size >= limits.metricsConsumersPerStreamMax) return undefined;
      c = new ConsumerMetrics(name);
      this.consumers.set(name, c);
    }
    c.touched = true;
    return c;
  }

  // ---- the 1-second tick ----

  /** Closes second `sec`: totals, time series, hot-key decay. Returns whether anything happened. */
  tick(sec: number, nowMs: number, decayFactor: number): boolean {
    const acc = this.acc;
    const active =
      acc[S.incomingRecords]! +
        acc[S.putRecordsCalls]! +
        acc[S.getRecordsSuccess]! +
        acc[S.writeThrottled]! +
        acc[S.readThrottled]! >
        0 || this.touchedShards.length > 0;
    this.lastSecondRecords = acc[S.incomingRecords]!;
    this.sampleEvery =
      this.lastSecondRecords > limits.hotKeyFullSamplingRecordsPerSecMax ? limits.hotKeySampleEvery : 1;
    if (active) {
      this.lastActiveMs = nowMs;
      this.series ??= new Series(STREAM_KINDS, limits.metricsStreamSecondsKept, limits.metricsMinutesKept);
    }
    accumulate(this.totals, acc, STREAM_KINDS, 0);
    this.series?.push(sec, acc);
    resetGauges(acc, STREAM_KINDS);
    this.#tickShards(sec);
    this.#tickConsumers(sec);
    for (const sketch of this.hotKeys) sketch?.decay(decayFactor);
    return active;
  }

  #tickShards(sec: number): void {
    const one = new Float64Array(SHARD_FIELD_COUNT);
    for (const shardIndex of this.touchedShards) {
      const off = shardIndex * SHARD_FIELD_COUNT;
      accumulate(this.shardTotals, this.shardAcc, SHARD_KINDS, off);
      if (this.anyEnhanced) {
        let series = this.shardSeries[shardIndex];
        if (series === undefined && this.#budget.shardSeries > 0) {
          this.#budget.shardSeries--;
          series = new Series(SHARD_KINDS, limits.metricsShardSecondsKept, limits.metricsMinutesKept);
          this.shardSeries[shardIndex] = series;
        }
        if (series !== undefined) {
          for (let f = 0; f < SHARD_FIELD_COUNT; f++) one[f] = this.shardAcc[off + f]!;
          series.push(sec, one);
        }
      }
      resetGauges(this.shardAcc, SHARD_KINDS, off);
      this.shardTouched[shardIndex] = 0;
    }
    this.touchedShards = [];
  }

  #tickConsumers(sec: number): void {
    for (const c of this.consumers.values()) {
      if (!c.touched) continue;
      c.touched = false;
      accumulate(c.totals, c.acc, CONSUMER_KINDS, 0);
      c.series ??= new Series(CONSUMER_KINDS, limits.metricsStreamSecondsKept, limits.metricsMinutesKept);
      c.series.push(sec, c.acc);
      resetGauges(c.acc, CONSUMER_KINDS);
    }
  }

  /** Releases the shard-series budget (the stream is dropped). */
  dispose(): void {
    for (const s of this.shardSeries) if (s !== undefined) this.#budget.shardSeries++;
    this.shardSeries.length = 0;
  }

  #grow(shardIndex: number): boolean {
    if (shardIndex >= limits.metricsShardIndexMax) return false;
    const cap = Math.min(limits.metricsShardIndexMax, Math.max(shardIndex + 1, this.shardCapacity * 2, 4));
    const acc = new Float64Array(cap * SHARD_FIELD_COUNT);
    const totals = new Float64Array(cap * SHARD_FIELD_COUNT);
    for (let i = 0; i < cap; i++) {
      resetGauges(acc, SHARD_KINDS, i * SHARD_FIELD_COUNT);
      resetGauges(totals, SHARD_KINDS, i * SHARD_FIELD_COUNT);
    }
    acc.set(this.shardAcc);
    totals.set(this.shardTotals);
    const touched = new Uint8Array(cap);
    touched.set(this.shardTouched);
    this.shardAcc = acc;
    this.shardTotals = totals;
    this.shardTouched = touched;
    this.shardCapacity = cap;
    return true;
  }
}

export { C, H, S };
