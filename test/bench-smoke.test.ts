// Smoke test for the benchmark harness: a very short run against Shardline only
// proves that servers start and stop, every workload runs end to end and the
// results are written. Performance is measured by `npm run bench`, never asserted.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type BenchReport, parseBenchArgs, runBench } from '../bench/run.js';
import type { ScenarioResult } from '../bench/scenario.js';
import { ALL_SCENARIOS } from '../bench/scenarios.js';

/** Short, tiny workloads: enough to prove each one moves records end to end. */
const smokeArgs = (targets: string, scenarios: string, outDir: string): string[] => [
  '--targets',
  targets,
  '--scenarios',
  scenarios,
  '--duration',
  '0.3',
  '--warmup',
  '0.1',
  '--prefill-mib',
  '0.25',
  '--rate',
  '50',
  '--out',
  outDir,
  '--quiet',
];

describe('npm run bench --quick (Shardline only)', () => {
  let outDir: string;
  let report: BenchReport;

  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'shardline-bench-smoke-'));
    const options = parseBenchArgs([
      '--quick',
      ...smokeArgs('shardline', ALL_SCENARIOS.map((s) => s.id).join(','), outDir),
      '--efo-rate',
      '50',
    ]);
    report = await runBench(options, new AbortController().signal);
  });

  after(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  const resultOf = (id: string): ScenarioResult => {
    const run = report.runs[0];
    const r = run?.results.find((x) => x.scenario === id);
    assert.ok(r, `no result for ${id}`);
    assert.ok(!('error' in r), `${id} failed: ${'error' in r ? r.error : ''}`);
    return r as ScenarioResult;
  };

  it('starts Shardline, runs every workload and stops the server', { timeout: 60_000 }, () => {
    assert.equal(report.runs.length, 1);
    const run = report.runs[0];
    assert.equal(run?.target, 'shardline');
    assert.equal(run?.error, undefined);
    assert.deepEqual(
      run?.results.map((r) => r.scenario),
      ALL_SCENARIOS.map((s) => s.id),
    );
    assert.ok(run?.pid);
    assert.throws(() => process.kill(run.pid as number, 0), { code: 'ESRCH' }, 'server still running');
  });

  it('moves records through every workload without errors', () => {
    for (const id of ['put-records-c4', 'put-records-c16', 'put-record-c16']) {
      const r = resultOf(id);
      assert.deepEqual(r.errors, {}, `${id} errors`);
      assert.ok((r.details.okRecords as number) > 0, `${id} stored nothing`);
    }
    const drain = resultOf('get-records-drain');
    assert.deepEqual(drain.errors, {});
    assert.ok((drain.details.records as number) > 0);
    assert.equal(drain.details.scannerTrusted, true);
    const e2e = resultOf('put-get-latency');
    assert.deepEqual(e2e.errors, {});
    assert.ok((e2e.details.received as number) > 0);
    assert.equal(e2e.metrics.lost, 0);
    assert.equal(e2e.metrics.duplicates, 0);
    const efo = resultOf('subscribe-to-shard-latency');
    assert.ok((efo.details.deliveries as number) > 0);
    assert.equal(efo.metrics.lost, 0);
    assert.equal(efo.metrics.duplicates, 0);
    const fanout = resultOf('fanout-throughput');
    assert.deepEqual(fanout.errors, {});
    assert.ok((fanout.details.records as number) >= (fanout.details.prefillRecords as number) * 4);
  });

  it('samples server CPU and memory and writes the JSON results', () => {
    const r = resultOf('put-records-c4');
    assert.ok(r.cpu.serverCpuPct !== null && r.cpu.serverCpuPct > 0);
    assert.ok(r.cpu.serverMaxRssMiB !== null && r.cpu.serverMaxRssMiB > 0);
    assert.ok(existsSync(report.jsonFile));
    const saved = JSON.parse(readFileSync(report.jsonFile, 'utf8')) as BenchReport;
    assert.equal(saved.runs[0]?.results.length, ALL_SCENARIOS.length);
    for (const s of ALL_SCENARIOS) assert.match(report.table, new RegExp(`\\[${s.id}\\]`));
  });
});

describe('npm run bench --quick (node-baseline yardstick)', () => {
  it('serves the non-fan-out workloads without errors and skips fan-out', { timeout: 60_000 }, async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'shardline-bench-baseline-'));
    try {
      const report = await runBench(
        parseBenchArgs(
          smokeArgs(
            'node-baseline',
            'put-records-c4,put-record-c16,get-records-drain,put-get-latency,fanout-throughput',
            outDir,
          ),
        ),
        new AbortController().signal,
      );
      const run = report.runs[0];
      assert.equal(run?.target, 'node-baseline');
      assert.equal(run?.error, undefined);
      for (const r of run?.results ?? []) {
        if (r.scenario === 'fanout-throughput') {
          assert.ok('skipped' in r && r.skipped, 'no SubscribeToShard: skipped');
          continue;
        }
        assert.ok(!('error' in r), `${r.scenario}: ${'error' in r ? r.error : ''}`);
        assert.deepEqual((r as ScenarioResult).errors, {}, `${r.scenario} errors`);
      }
      const drain = run?.results.find((r) => r.scenario === 'get-records-drain') as ScenarioResult;
      assert.ok((drain.details.records as number) > 0);
      const e2e = run?.results.find((r) => r.scenario === 'put-get-latency') as ScenarioResult;
      assert.equal(e2e.metrics.lost, 0);
      assert.ok((e2e.details.received as number) > 0);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});

describe('h2-floor', () => {
  it('measures the round trip of a do-nothing HTTP/2 server and stops it', { timeout: 30_000 }, () => {
    const script = fileURLToPath(new URL('../bench/h2-floor.js', import.meta.url));
    const out = execFileSync(process.execPath, [script, '--rate', '200', '--seconds', '0.5'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
      rate: number;
      latencyMs: { n: number; p50: number; p99: number };
    };
    assert.equal(result.rate, 200);
    assert.equal(result.latencyMs.n, 100);
    assert.ok(result.latencyMs.p50 > 0 && result.latencyMs.p99 >= result.latencyMs.p50);
  });
});
