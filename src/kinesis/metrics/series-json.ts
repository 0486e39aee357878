// The JSON time-series endpoint the console reads: `GET /metrics.json` (all streams, current
// rates) and `GET /metrics.json?stream=NAME[&resolution=1s|1m]` (one stream's series, shard
// series when enhanced monitoring is on, consumers, hot keys). Series use CloudWatch names.

import { shardIdOf } from '../domain/stream-model.js';
import { limits } from '../limits.js';
import { consumerFields, type FieldDef, S, shardFields, streamFields } from './metric-fields.js';
import type { Metrics } from './metrics.js';
import type { Resolution, Series, SeriesWindow } from './series.js';
import type { StreamMetrics } from './stream-metrics.js';

/** Seconds averaged for the "current rate" figures of the summary. */
const RATE_WINDOW_SEC = 10;

type Named = Record<string, (number | null)[]>;

function named(defs: readonly FieldDef[], w: SeriesWindow, only?: Uint8Array): Named {
  const out: Named = {};
  defs.forEach((def, f) => {
    if (def.kind === 'calls' || (only !== undefined && only[f] !== 1)) return;
    if (def.kind !== 'latency') {
      out[def.cloudWatch] = w.values[f]!;
      return;
    }
    // Latency points are averages: the sum divided by the calls it covers.
    const sums = w.values[f]!;
    const counts = w.values[def.countField!]!;
    out[def.cloudWatch] = sums.map((s, i) => {
      const n = counts[i] ?? 0;
      return n > 0 && s !== null ? Math.round((s / n) * 100) / 100 : null;
    });
  });
  return out;
}

function windowOf(
  series: Series | undefined,
  resolution: Resolution,
  nowSec: number,
  fields: number,
): SeriesWindow {
  if (series !== undefined) return series.window(resolution, nowSec);
  const count = resolution === '1s' ? limits.metricsStreamSecondsKept : limits.metricsMinutesKept;
  const step = resolution === '1s' ? 1 : 60;
  const start = resolution === '1s' ? nowSec - count : (Math.floor(nowSec / 60) - count + 1) * 60;
  const values: (number | null)[][] = [];
  for (let f = 0; f < fields; f++) values.push(new Array(count).fill(0));
  return { start, step, values };
}

export interface StreamRates {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly incomingBytesPerSec: number;
  readonly incomingRecordsPerSec: number;
  readonly outgoingBytesPerSec: number;
  readonly outgoingRecordsPerSec: number;
  readonly writeThrottledPerSec: number;
  readonly readThrottledPerSec: number;
}

/** Averages over the last RATE_WINDOW_SEC complete seconds. */
export function ratesOf(sm: StreamMetrics, nowMs: number): StreamRates {
  const w = windowOf(sm.series, '1s', Math.floor(nowMs / 1000), streamFields.length);
  const avg = (f: number) => {
    const v = w.values[f]!;
    let sum = 0;
    for (let i = v.length - RATE_WINDOW_SEC; i < v.length; i++) sum += v[i] ?? 0;
    return Math.round((sum / RATE_WINDOW_SEC) * 100) / 100;
  };
  return {
    name: sm.name,
    account: sm.account,
    region: sm.region,
    incomingBytesPerSec: avg(S.incomingBytes),
    incomingRecordsPerSec: avg(S.incomingRecords),
    outgoingBytesPerSec: avg(S.getRecordsBytes),
    outgoingRecordsPerSec: avg(S.getRecordsRecords),
    writeThrottledPerSec: avg(S.writeThrottled),
    readThrottledPerSec: avg(S.readThrottled),
  };
}

export function summaryJson(metrics: Metrics | undefined, nowMs: number): unknown {
  if (metrics === undefined) return { enabled: false, now: nowMs, streams: [] };
  return { enabled: true, now: nowMs, streams: [...metrics.streams()].map((sm) => ratesOf(sm, nowMs)) };
}

export function streamJson(sm: StreamMetrics, resolution: Resolution, nowMs: number): unknown {
  const nowSec = Math.floor(nowMs / 1000);
  const w = windowOf(sm.series, resolution, nowSec, streamFields.length);
  const shards: Record<string, Named> = {};
  const hotKeys: Record<string, unknown[]> = {};
  for (const shard of sm.meta.shards) {
    const series = sm.shardSeries[shard.index];
    if (sm.anyEnhanced && series !== undefined)
      shards[shardIdOf(shard.index)] = named(shardFields, series.window(resolution, nowSec), sm.enhanced);
    const sketch = sm.hotKeys[shard.index];
    if (sketch !== undefined && sketch.size > 0)
      hotKeys[shardIdOf(shard.index)] = sketch.top().map((k) => ({
        key: k.key,
        count: Math.round(k.count * 10) / 10,
        bytes: Math.round(k.bytes),
        error: Math.round(k.error * 10) / 10,
        share: sketch.total > 0 ? Math.round((k.count / sketch.total) * 1000) / 1000 : 0,
      }));
  }
  const consumers: Record<string, Named> = {};
  for (const c of sm.consumers.values())
    consumers[c.name] = named(consumerFields, windowOf(c.series, resolution, nowSec, consumerFields.length));
  return {
    stream: sm.name,
    account: sm.account,
    region: sm.region,
    now: nowMs,
    resolution,
    start: w.start,
    step: w.step,
    points: w.values[0]?.length ?? 0,
    enhancedMonitoring: shardFields.filter((_, f) => sm.enhanced[f] === 1).map((d) => d.cloudWatch),
    rates: ratesOf(sm, nowMs),
    metrics: named(streamFields, w),
    shards,
    consumers,
    hotKeys,
  };
}

/** An empty answer for a stream without any activity yet (so the console can still draw axes). */
export function emptyStreamJson(
  name: string,
  account: string,
  region: string,
  resolution: Resolution,
  nowMs: number,
): unknown {
  const nowSec = Math.floor(nowMs / 1000);
  const w = windowOf(undefined, resolution, nowSec, streamFields.length);
  return {
    stream: name,
    account,
    region,
    now: nowMs,
    resolution,
    start: w.start,
    step: w.step,
    points: w.values[0]?.length ?? 0,
    enhancedMonitoring: [],
    rates: undefined,
    metrics: named(streamFields, w),
    shards: {},
    consumers: {},
    hotKeys: {},
  };
}
