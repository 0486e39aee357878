// The side-by-side table: absolute figures per target and Shardline ÷ peer ratios.
import type { Scenario, ScenarioResult } from './scenario.js';

export interface TargetRun {
  readonly target: string;
  readonly pid: number | null;
  readonly command: string | null;
  readonly startupMs: number | null;
  readonly error?: string;
  readonly results: (ScenarioResult | { scenario: string; target: string; error: string; skipped?: true })[];
}

const isResult = (r: TargetRun['results'][number] | undefined): r is ScenarioResult => !!r && !('error' in r);

function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  const abs = Math.abs(x);
  if (abs >= 1000) return Math.round(x).toLocaleString('en-US');
  if (Number.isInteger(x)) return String(x);
  if (abs >= 100) return x.toFixed(0);
  if (abs >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

function formatRatio(ours: number | null | undefined, theirs: number | null | undefined): string {
  if (ours === null || ours === undefined || theirs === null || theirs === undefined || theirs === 0)
    return '-';
  const r = ours / theirs;
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;
}

function errorSummary(r: ScenarioResult): string {
  const entries = Object.entries(r.errors);
  if (entries.length === 0) return 'none';
  return entries.map(([k, v]) => `${k}=${v}`).join(' ');
}

interface Row {
  readonly label: string;
  readonly value: (r: ScenarioResult) => number | null | undefined;
  readonly ratio: boolean;
}

/** Server CPU time per record moved: efficiency, comparable across servers of different speed. */
function cpuPerRecordUs(r: ScenarioResult): number | null {
  const rate = r.metrics.recordsPerSec;
  const cpu = r.cpu.serverCpuPct;
  if (!rate || cpu === null) return null;
  return Math.round(((cpu / 100) * 1e6) / rate);
}

function rowsFor(scenario: Scenario): Row[] {
  return [
    ...scenario.metrics.map((m) => ({
      label: `${m.label} (${m.better === 'higher' ? '↑' : '↓'})`,
      value: (r: ScenarioResult) => r.metrics[m.key],
      ratio: true,
    })),
    { label: 'server CPU % (100=1 core)', value: (r) => r.cpu.serverCpuPct, ratio: true },
    ...(scenario.metrics.some((m) => m.key === 'recordsPerSec')
      ? [{ label: 'server CPU µs/record (↓)', value: cpuPerRecordUs, ratio: true }]
      : []),
    { label: 'server max RSS MiB', value: (r) => r.cpu.serverMaxRssMiB, ratio: true },
    { label: 'client CPU %', value: (r) => r.cpu.clientCpuPct, ratio: false },
    { label: 'other CPU % (noise)', value: (r) => r.cpu.otherCpuPct, ratio: false },
  ];
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
}

export function renderTable(runs: readonly TargetRun[], scenarios: readonly Scenario[]): string {
  const ours = runs.find((r) => r.target === 'shardline');
  const peers = runs.filter((r) => r.target !== 'shardline');
  const header = ['', ...runs.map((r) => r.target), ...(ours ? peers.map((p) => `SL÷${p.target}`) : [])];
  const lines: string[][] = [header];
  const notes: string[] = [];
  for (const scenario of scenarios) {
    const byTarget = runs.map((run) => run.results.find((x) => x.scenario === scenario.id));
    if (byTarget.every((x) => x === undefined)) continue;
    lines.push([`== ${scenario.title} [${scenario.id}]`, ...header.slice(1).map(() => '')]);
    for (const row of rowsFor(scenario)) {
      const values = byTarget.map((x) => (isResult(x) ? row.value(x) : undefined));
      const ourValue = ours ? values[runs.indexOf(ours)] : undefined;
      const ratios = ours
        ? peers.map((p) => (row.ratio ? formatRatio(ourValue, values[runs.indexOf(p)]) : ''))
        : [];
      lines.push([`  ${row.label}`, ...values.map(formatNumber), ...ratios]);
    }
    byTarget.forEach((x, i) => {
      const name = runs[i]?.target ?? '?';
      if (x && 'error' in x && 'skipped' in x) notes.push(`${scenario.id} on ${name}: skipped (${x.error})`);
      else if (x && 'error' in x) notes.push(`${scenario.id} on ${name}: ERROR ${x.error}`);
      else if (isResult(x) && x.interrupted)
        notes.push(`${scenario.id} on ${name}: interrupted (partial figures)`);
      else if (isResult(x) && Object.keys(x.errors).length > 0)
        notes.push(`${scenario.id} on ${name}: errors ${errorSummary(x)}`);
    });
  }
  for (const run of runs) if (run.error) notes.push(`${run.target}: ${run.error}`);
  const widths = header.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  const out = lines.map((l) => pad(l, widths));
  if (notes.length > 0) out.push('', ...notes);
  return out.join('\n');
}
