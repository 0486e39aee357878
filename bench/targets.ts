// Starting and stopping the servers under test as child processes on loopback
// ports. Each child is spawned directly (no shell) so its pid is the server's,
// which is what /proc CPU and RSS sampling needs.

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { benchLimits } from './limits.js';
import { benchClient } from './scenario.js';

export const TARGET_NAMES = ['shardline', 'kinesalite', 'kinesis-local', 'node-baseline'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** Targets that serve SubscribeToShard (enhanced fan-out); kinesalite has none (it answers h2c with a protocol error). */
export const TARGETS_WITH_FANOUT: readonly TargetName[] = ['shardline', 'kinesis-local'];

export function isTargetName(name: string): name is TargetName {
  return (TARGET_NAMES as readonly string[]).includes(name);
}

export interface RunningTarget {
  readonly name: TargetName;
  readonly endpoint: string;
  readonly pid: number;
  /** The exact command line, for the report. */
  readonly command: string;
  readonly logFile: string;
  readonly startupMs: number;
  /** Whether the process is still running. */
  alive(): boolean;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Project root (holds bin/, dist/, node_modules/). */
  readonly root: string;
  /** Where server logs and Shardline's data directory go. */
  readonly workDir: string;
  /** Write a V8 CPU profile of the Shardline child into this directory. */
  readonly cpuProfDir?: string;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort: whatever happens to the bench process, no server outlives it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => killAllNow());
}

/** Synchronously SIGKILLs every server still running (for exit paths and a second Ctrl-C). */
export function killAllNow(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

interface LaunchSpec {
  readonly args: string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly port: number;
  readonly cleanup?: () => Promise<void>;
}

const PRELOAD_URL = new URL('./loopback-preload.js', import.meta.url).href;

/** Quiet, zero-delay environment for kinesis-local (kinesis-mock's settings are env-only). */
function kinesisLocalEnv(port: number, tlsPort: number, certPath: string): NodeJS.ProcessEnv {
  const zero = [
    'CREATE_STREAM_DURATION',
    'DELETE_STREAM_DURATION',
    'UPDATE_SHARD_COUNT_DURATION',
    'UPDATE_STREAM_MODE_DURATION',
    'MERGE_SHARDS_DURATION',
    'SPLIT_SHARD_DURATION',
    'REGISTER_STREAM_CONSUMER_DURATION',
    'DEREGISTER_STREAM_CONSUMER_DURATION',
    'START_STREAM_ENCRYPTION_DURATION',
    'STOP_STREAM_ENCRYPTION_DURATION',
  ];
  return {
    ...process.env,
    ...Object.fromEntries(zero.map((k) => [k, '0ms'])),
    KINESIS_MOCK_PLAIN_PORT: String(port),
    KINESIS_MOCK_TLS_PORT: String(tlsPort),
    // Without it, it looks for server.json relative to the cwd and dies.
    KINESIS_MOCK_CERT_PATH: certPath,
    SHARD_LIMIT: '1000',
    ON_DEMAND_STREAM_COUNT_LIMIT: '100',
    SHOULD_PERSIST_DATA: 'false',
    // At WARN it logs a stack trace for every 4xx.
    LOG_LEVEL: 'ERROR',
  };
}

async function launchSpec(name: TargetName, options: StartOptions): Promise<LaunchSpec> {
  const { root } = options;
  const port = await freeLoopbackPort();
  const requirePath = (p: string): string => {
    if (!existsSync(p)) throw new Error(`${name}: ${p} not found (run npm install / npm run build)`);
    return p;
  };
  switch (name) {
    case 'shardline': {
      const dataDir = join(options.workDir, `shardline-data-${process.pid}-${port}`);
      mkdirSync(dataDir, { recursive: true });
      const prof = options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : [];
      return {
        args: [
          ...prof,
          requirePath(join(root, 'bin', 'shardline.js')),
          'start',
          '--host',
          '127.0.0.1',
          '--port',
          String(port),
          '--data-dir',
          dataDir,
          '--storage',
          'local',
          '--durability',
          'fsync',
          '--limits',
          'off',
          '--state-delay-ms',
          '0',
        ],
        env: { ...process.env },
        cwd: root,
        port,
        cleanup: () => rm(dataDir, { recursive: true, force: true }),
      };
    }
    case 'kinesalite':
      return {
        args: [
          '--import',
          PRELOAD_URL,
          requirePath(join(root, 'node_modules', 'kinesalite', 'cli.js')),
          '--port',
          String(port),
          '--createStreamMs',
          '0',
          '--deleteStreamMs',
          '0',
          '--updateStreamMs',
          '0',
          '--shardLimit',
          '1000',
        ],
        env: { ...process.env },
        cwd: root,
        port,
      };
    case 'node-baseline':
      // The yardstick (node-baseline.ts): parse, decode, route, keep in memory, nothing else.
      return {
        args: [requirePath(join(root, 'dist', 'bench', 'node-baseline.js')), '--port', String(port)],
        env: { ...process.env },
        cwd: root,
        port,
      };
    case 'kinesis-local': {
      const pkg = join(root, 'node_modules', 'kinesis-local');
      const tlsPort = await freeLoopbackPort();
      return {
        args: ['--import', PRELOAD_URL, requirePath(join(pkg, 'main.js'))],
        env: kinesisLocalEnv(port, tlsPort, requirePath(join(pkg, 'server.json'))),
        cwd: root,
        port,
      };
    }
  }
}

async function waitUntilAnswering(
  name: string,
  endpoint: string,
  child: ChildProcess,
  logFile: string,
  signal: AbortSignal,
): Promise<void> {
  const client = benchClient(endpoint, { maxSockets: 1, timeoutMs: 2_000 });
  const deadline = Date.now() + benchLimits.benchTargetStartTimeoutMs;
  try {
    while (Date.now() < deadline && !signal.aborted) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `${name} exited during startup (${child.exitCode ?? child.signalCode}); log:\n${tail(logFile)}`,
        );
      }
      const res = await client.sendRaw('ListStreams', Buffer.from('{}'));
      if (res.status === 200) return;
      await sleep(100);
    }
    throw new Error(
      `${name} did not answer ListStreams within ${benchLimits.benchTargetStartTimeoutMs} ms; log:\n${tail(logFile)}`,
    );
  } finally {
    client.close();
  }
}

function tail(file: string, lines = 8): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

export async function startTarget(
  name: TargetName,
  options: StartOptions,
  signal: AbortSignal,
): Promise<RunningTarget> {
  installExitHook();
  mkdirSync(options.workDir, { recursive: true });
  if (options.cpuProfDir) mkdirSync(options.cpuProfDir, { recursive: true });
  const spec = await launchSpec(name, options);
  const logFile = join(options.workDir, `${name}.log`);
  const fd = openSync(logFile, 'w');
  const t0 = Date.now();
  const child = spawn(process.execPath, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  live.add(child);
  child.once('exit', () => live.delete(child));
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  const endpoint = `http://127.0.0.1:${spec.port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGTERM first: Shardline shuts down cleanly, which also flushes a --cpu-prof profile.
      child.kill('SIGTERM');
      if (!(await waitForExit(child, benchLimits.benchTargetStopTimeoutMs))) {
        child.kill('SIGKILL');
        await waitForExit(child, benchLimits.benchTargetStopTimeoutMs);
      }
    }
    live.delete(child);
    await spec.cleanup?.();
  };
  try {
    await spawned;
    await waitUntilAnswering(name, endpoint, child, logFile, signal);
  } catch (err) {
    await stop();
    throw err;
  }
  const pid = child.pid ?? 0;
  return {
    name,
    endpoint,
    pid,
    command: [process.execPath, ...spec.args].join(' '),
    logFile,
    startupMs: Date.now() - t0,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop,
  };
}

/** Project root as seen from the compiled file (dist/bench/targets.js). */
export function projectRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}
