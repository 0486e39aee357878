// Prometheus text exposition (format 0.0.4) of the metrics registry. The mapping to CloudWatch
// names is in docs/observability.md; metric-fields.ts is its source of truth.

import { shardIdOf } from '../domain/stream-model.js';
import {
  consumerFields,
  type FieldDef,
  LATENCY_BUCKETS_MS,
  SHARD_FIELD_COUNT,
  shardFields,
  streamFields,
} from './metric-fields.js';
import type { Metrics } from './metrics.js';
import { HISTOGRAMS, type StreamMetrics } from './stream-metrics.js';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const PREFIX = 'shardline_';

/** Label values escape backslash, double quote and newline. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function promName(def: FieldDef): string {
  if (def.kind === 'counter') return `${PREFIX}${def.prom}_total`;
  if (def.kind === 'latency') return `${PREFIX}${def.prom}_seconds`;
  return `${PREFIX}${def.prom}`;
}

const promType = (def: FieldDef): string =>
  def.kind === 'counter' ? 'counter' : def.kind === 'latency' ? 'histogram' : 'gauge';

function streamLabels(sm: StreamMetrics): string {
  return `stream="${escapeLabel(sm.name)}",account="${sm.account}",region="${escapeLabel(sm.region)}"`;
}

/** Renders every metric family; families without samples are still described (HELP/TYPE). */
export function renderPrometheus(metrics: Metrics): string {
  const streams = [...metrics.streams()].sort((a, b) => a.name.localeCompare(b.name));
  const out: string[] = [];
  const head = (def: FieldDef) => {
    const name = promName(def);
    out.push(`# HELP ${name} ${def.help} (CloudWatch ${def.cloudWatch})`, `# TYPE ${name} ${promType(def)}`);
    return name;
  };
  streamFields.forEach((def, f) => {
    if (def.kind === 'calls') return;
    const name = head(def);
    for (const sm of streams) {
      const labels = streamLabels(sm);
      if (def.kind === 'latency') renderHistogram(out, name, labels, sm, f);
      else if (def.kind === 'gauge' && Number.isNaN(sm.totals[f]!)) continue;
      else out.push(`${name}{${labels}} ${num(sm.totals[f]! + (def.kind === 'counter' ? sm.acc[f]! : 0))}`);
    }
  });
  shardFields.forEach((def, f) => {
    const name = head(def);
    for (const sm of streams) {
      if (sm.enhanced[f] !== 1) continue;
      const labels = streamLabels(sm);
      for (const shard of sm.meta.shards) {
        if (shard.index >= sm.shardCapacity) continue;
        const off = shard.index * SHARD_FIELD_COUNT + f;
        const v = def.kind === 'counter' ? sm.shardTotals[off]! + sm.shardAcc[off]! : sm.shardTotals[off]!;
        if (Number.isNaN(v)) continue;
        out.push(`${name}{${labels},shard_id="${shardIdOf(shard.index)}"} ${num(v)}`);
      }
    }
  });
  consumerFields.forEach((def, f) => {
    const name = head(def);
    for (const sm of streams) {
      const labels = streamLabels(sm);
      for (const c of sm.consumers.values()) {
        const v = def.kind === 'counter' ? c.totals[f]! + c.acc[f]! : c.totals[f]!;
        if (Number.isNaN(v)) continue;
        out.push(`${name}{${labels},consumer="${escapeLabel(c.name)}"} ${num(v)}`);
      }
    }
  });
  return `${out.join('\n')}\n`;
}

function renderHistogram(
  out: string[],
  name: string,
  labels: string,
  sm: StreamMetrics,
  field: number,
): void {
  const h = HISTOGRAMS.indexOf(field as (typeof HISTOGRAMS)[number]);
  const width = LATENCY_BUCKETS_MS.length + 1;
  let cumulative = 0;
  for (let b = 0; b < width; b++) {
    cumulative += sm.histograms[h * width + b]!;
    const le = b < LATENCY_BUCKETS_MS.length ? String(LATENCY_BUCKETS_MS[b]! / 1000) : '+Inf';
    out.push(`${name}_bucket{${labels},le="${le}"} ${cumulative}`);
  }
  const sumMs = sm.totals[field]! + sm.acc[field]!;
  out.push(`${name}_sum{${labels}} ${num(sumMs / 1000)}`, `${name}_count{${labels}} ${cumulative}`);
}

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6);
}
