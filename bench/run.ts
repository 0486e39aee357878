// `npm run bench`: starts Shardline, kinesalite and kinesis-local one at a time on
// loopback ports, runs the same workloads against each (sequentially, so they never
// compete for the CPU), stops them, prints a side-by-side table with Shardline ÷ peer
// ratios and writes the full results as JSON under .bench/.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { benchLimits } from './limits.js';
import { type ProfileSummary, renderProfile, summarizeProfile } from './profile-summary.js';
import { renderTable, type TargetRun } from './report.js';
import { benchClient, type Scenario, type ScenarioEnv, type ScenarioResult } from './scenario.js';
import { ALL_SCENARIOS, SCENARIOS } from './scenarios.js';
import {
  isTargetName,
  killAllNow,
  projectRoot,
  type RunningTarget,
  startTarget,
  TARGET_NAMES,
  TARGETS_WITH_FANOUT,
  type TargetName,
} from './targets.js';

export interface BenchOptions {
  readonly targets: readonly TargetName[];
  readonly scenarios: readonly string[];
  readonly durationS: number;
  readonly warmupS: number;
  readonly shards: number;
  readonly recordBytes: number;
  readonly prefillMiB: number;
  readonly putGetRate: number;
  readonly fanoutRate: number;
  readonly pollMs: number;
  readonly graceMs: number;
  readonly outDir: string;
  readonly cpuProf: boolean;
  readonly quiet: boolean;
  readonly quick: boolean;
}

export interface BenchReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly options: BenchOptions;
  readonly host: { cpus: number; cpuModel: string; memMiB: number; loadavgAtStart: number[]; node: string };
  readonly runs: TargetRun[];
  readonly profile?: ProfileSummary;
  readonly table: string;
  readonly jsonFile: string;
}

const USAGE = `usage: npm run bench -- [options]     (or: node dist/bench/run.js [options])

  --targets LIST      comma-separated, from: ${TARGET_NAMES.join(', ')} (default: all)
  --scenarios LIST    comma-separated, from: ${ALL_SCENARIOS.map((s) => s.id).join(', ')}
                      (default: all; fan-out workloads skip targets without SubscribeToShard)
  --duration S        measured seconds per scenario (default 10)
  --warmup S          unmeasured seconds before closed-loop scenarios (default 1)
  --quick             smoke run: 1 s per scenario, 0.2 s warm-up, 1 MiB prefill
  --shards N          shards per stream (default 4)
  --record-bytes B    payload bytes per record (default 1024)
  --prefill-mib M     get-records-drain: MiB per shard (default 8)
  --rate R            put-get-latency: PutRecord per second (default 200)
  --efo-rate R        subscribe-to-shard-latency: PutRecord per second (default 1000)
  --poll-ms MS        put-get-latency: GetRecords period per shard (default 20)
  --cpu-prof          profile the Shardline child (node --cpu-prof) and summarize the top frames
  --out DIR           where JSON results, logs and profiles go (default .bench)
  --quiet             no progress lines
`;

export function parseBenchArgs(argv: readonly string[], root = projectRoot()): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      targets: { type: 'string' },
      scenarios: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      quick: { type: 'boolean', default: false },
      shards: { type: 'string', default: '4' },
      'record-bytes': { type: 'string', default: '1024' },
      'prefill-mib': { type: 'string' },
      rate: { type: 'string', default: '200' },
      'efo-rate': { type: 'string', default: '1000' },
      'poll-ms': { type: 'string', default: '20' },
      'cpu-prof': { type: 'boolean', default: false },
      out: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const num = (name: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new Error(`--${name} must be a number in [${min}, ${max}] (got ${raw})`);
    return n;
  };
  const list = (raw: string | undefined): string[] | undefined =>
    raw
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const targets = list(values.targets) ?? [...TARGET_NAMES];
  for (const t of targets)
    if (!isTargetName(t)) throw new Error(`unknown target ${t}; known: ${TARGET_NAMES.join(', ')}`);
  const scenarios = list(values.scenarios) ?? SCENARIOS.map((s) => s.id);
  for (const s of scenarios) {
    if (!ALL_SCENARIOS.some((x) => x.id === s)) {
      throw new Error(`unknown scenario ${s}; known: ${ALL_SCENARIOS.map((x) => x.id).join(', ')}`);
    }
  }
  const quick = values.quick;
  return {
    targets: targets as TargetName[],
    scenarios,
    durationS: num('duration', values.duration, quick ? 1 : 10, 0.1, 3600),
    warmupS: num('warmup', values.warmup, quick ? 0.2 : 1, 0, 600),
    shards: Math.floor(num('shards', values.shards, 4, 1, 64)),
    recordBytes: Math.floor(num('record-bytes', values['record-bytes'], 1024, 16, 1024 * 1024)),
    prefillMiB: num('prefill-mib', values['prefill-mib'], quick ? 1 : 8, 0.01, 256),
    putGetRate: num('rate', values.rate, 200, 1, 10_000),
    fanoutRate: num('efo-rate', values['efo-rate'], 1000, 1, 10_000),
    pollMs: num('poll-ms', values['poll-ms'], 20, 0, 10_000),
    graceMs: quick ? 1000 : 3000,
    outDir: resolve(root, values.out ?? '.bench'),
    cpuProf: values['cpu-prof'],
    quiet: values.quiet,
    quick,
  };
}

async function runScenario(
  scenario: Scenario,
  target: RunningTarget,
  options: BenchOptions,
  runId: string,
  signal: AbortSignal,
  log: (m: string) => void,
): Promise<ScenarioResult | { scenario: string; target: string; error: string }> {
  const client = benchClient(target.endpoint, {
    maxSockets: scenario.sockets({ shards: options.shards }),
    timeoutMs: benchLimits.benchRequestTimeoutMs,
  });
  const env: ScenarioEnv = {
    client,
    endpoint: target.endpoint,
    serverPid: target.pid,
    targetName: target.name,
    runId,
    durationS: options.durationS,
    warmupS: options.warmupS,
    shards: options.shards,
    recordBytes: options.recordBytes,
    prefillMiB: options.prefillMiB,
    putGetRate: options.putGetRate,
    fanoutRate: options.fanoutRate,
    pollMs: options.pollMs,
    graceMs: options.graceMs,
    signal,
    log: (m) => log(`  [${target.name} ${scenario.id}] ${m}`),
  };
  const startedAt = new Date().toISOString();
  try {
    const r = await scenario.run(env);
    return {
      scenario: scenario.id,
      target: target.name,
      startedAt,
      ...r,
      ...(signal.aborted ? { interrupted: true } : {}),
    };
  } catch (err) {
    return {
      scenario: scenario.id,
      target: target.name,
      error: err instanceof Error ? err.message : String(err),
    };
  } finally {
    client.close();
  }
}

/**
 * The newest main-thread profile in `dir`. Node names them CPU.<date>.<time>.<pid>.<thread id>.<seq>;
 * worker threads (the codec pool) write their own with thread ids from 1.
 */
export function newestProfile(dir: string): string | undefined {
  try {
    return readdirSync(dir)
      .filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f))
      .sort()
      .map((f) => join(dir, f))
      .pop();
  } catch {
    return undefined;
  }
}

/** Runs every selected scenario against every selected target, one target at a time. */
export async function runBench(
  options: BenchOptions,
  signal: AbortSignal,
  argvForReport: readonly string[] = [],
): Promise<BenchReport> {
  const root = projectRoot();
  const log = (m: string) => {
    if (!options.quiet) process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
  };
  const startedAt = new Date().toISOString();
  const stamp = startedAt.replace(/[:.]/g, '-');
  const workDir = join(options.outDir, `run-${stamp}`);
  const profDir = join(workDir, 'cpu-prof');
  mkdirSync(workDir, { recursive: true });
  const scenarios = ALL_SCENARIOS.filter((s) => options.scenarios.includes(s.id));
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const loadavgAtStart = loadavg().map((x) => Math.round(x * 100) / 100);
  const runs: TargetRun[] = [];

  for (const name of options.targets) {
    if (signal.aborted) break;
    log(`starting ${name}`);
    let target: RunningTarget;
    try {
      target = await startTarget(
        name,
        { root, workDir, ...(options.cpuProf && name === 'shardline' ? { cpuProfDir: profDir } : {}) },
        signal,
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log(`${name} failed to start: ${message}`);
      runs.push({
        target: name,
        pid: null,
        command: null,
        startupMs: null,
        error: `failed to start: ${message}`,
        results: [],
      });
      continue;
    }
    log(`${name} answering at ${target.endpoint} (pid ${target.pid}) after ${target.startupMs} ms`);
    const run: TargetRun = {
      target: name,
      pid: target.pid,
      command: target.command,
      startupMs: target.startupMs,
      results: [],
    };
    runs.push(run);
    try {
      for (const scenario of scenarios) {
        if (signal.aborted) break;
        if (scenario.requires === 'fanout' && !TARGETS_WITH_FANOUT.includes(name)) {
          const error = `${name} has no enhanced fan-out`;
          run.results.push({ scenario: scenario.id, target: name, error, skipped: true });
          log(`${name}: ${scenario.id} skipped (${error})`);
          continue;
        }
        log(`${name}: ${scenario.title}`);
        const result = await runScenario(scenario, target, options, runId, signal, log);
        run.results.push(result);
        if ('error' in result) log(`${name}: ${scenario.id} failed: ${result.error}`);
        else
          log(
            `${name}: ${scenario.id} ${JSON.stringify(result.metrics)} errors ${JSON.stringify(result.errors)}`,
          );
        if (!target.alive()) {
          (run as { error?: string }).error = `server exited during ${scenario.id}; see ${target.logFile}`;
          log(run.error ?? '');
          break;
        }
      }
    } finally {
      await target.stop();
      log(`${name} stopped`);
    }
  }

  let profile: ProfileSummary | undefined;
  if (options.cpuProf) {
    const file = newestProfile(profDir);
    if (file) profile = summarizeProfile(file, root);
    else log(`no CPU profile found in ${profDir}`);
  }
  const table = renderTable(runs, scenarios);
  const jsonFile = join(options.outDir, `bench-${stamp}.json`);
  const report: BenchReport = {
    startedAt,
    finishedAt: new Date().toISOString(),
    command: ['npm run bench --', ...argvForReport].join(' '),
    options,
    host: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memMiB: Math.round(totalmem() / 1048576),
      loadavgAtStart,
      node: process.version,
    },
    runs,
    ...(profile ? { profile } : {}),
    table,
    jsonFile,
  };
  writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(options.outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      // Second Ctrl-C: no more waiting for clean shutdown.
      killAllNow();
      process.exit(130);
    }
    process.stderr.write(
      `[bench] ${sig}: stopping (streams are deleted and servers stopped; again to kill now)\n`,
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const report = await runBench(options, controller.signal, argv);
  const h = report.host;
  process.stdout.write(
    `\n${h.cpus} x ${h.cpuModel}, ${h.memMiB} MiB, node ${h.node}, load average at start ${h.loadavgAtStart.join(' ')}; ` +
      `${options.durationS} s per scenario, ${options.shards} shards, ${options.recordBytes} B records\n` +
      `ratios are Shardline ÷ peer; ↑ higher is better, ↓ lower is better; other CPU % = the rest of the host (noise)\n`,
  );
  process.stdout.write(`\n${report.table}\n`);
  if (report.profile) process.stdout.write(`\n${renderProfile(report.profile)}\n`);
  process.stdout.write(`\nresults: ${report.jsonFile}\n`);
  const failed = report.runs.some((r) => r.error || r.results.some((x) => 'error' in x));
  return controller.signal.aborted ? 130 : failed ? 1 : 0;
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      killAllNow();
      process.exitCode = 1;
    },
  );
}
