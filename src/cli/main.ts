// The `shardline` command. `start` runs the server; the user tools (streams, put, tail, replay)
// are in tools.ts, `faults` in faults.ts.
// Every failure a user can cause ends in one line on stderr and a non-zero exit, never a stack.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { pino } from 'pino';
import type { RunningServer } from '../app.js';
import { frontEndLimits } from '../aws/limits.js';
import { type Config, defaultConfig } from '../core/config.js';
import { limits } from '../kinesis/limits.js';
import { faultsCommand } from './faults.js';
import { toolCommands } from './tools.js';

/** An error meant for the user: bin/shardline.js prints its message alone. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

const int = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError('must be a non-negative integer');
  return n;
};

const port = (value: string): number => {
  const n = int(value);
  if (n > 65_535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
};

const accountId = (value: string): string => {
  if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError('must be 12 digits');
  return value;
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

interface StartOptions {
  host: string;
  port: number;
  dataDir: string;
  storage: Config['storage'];
  durability: Config['durability'];
  region: string;
  accountId: string;
  stateDelayMs: number;
  limits: Config['limits'];
  shardLimit: number;
  tlsPort?: number;
  tlsKey?: string;
  tlsCert?: string;
  config?: string;
  logLevel: string;
  metrics: 'on' | 'off';
  shardWriteBytesPerSec?: number;
  shardWriteRecordsPerSec?: number;
  shardReadBytesPerSec?: number;
  onDemandStreamLimit: number;
  controlPlaneLimits: 'on' | 'off';
  workerThreads?: number;
  getRecordsCommitWaitMs?: number;
}

function startCommand(): Command {
  const d = defaultConfig;
  const env = (name: string) => `SHARDLINE_${name}`;
  const opt = (flags: string, description: string, envName: string) =>
    new Option(flags, description).env(env(envName));
  return new Command('start')
    .description('start the Shardline server')
    .addOption(opt('--host <host>', 'address to listen on', 'HOST').default(d.host))
    .addOption(opt('--port <port>', 'port for HTTP/1.1 and h2c', 'PORT').argParser(port).default(d.port))
    .addOption(opt('--data-dir <dir>', 'where data lives (local storage)', 'DATA_DIR').default(d.dataDir))
    .addOption(
      opt('--storage <kind>', 'storage engine', 'STORAGE').choices(['local', 'memory']).default(d.storage),
    )
    .addOption(
      opt('--durability <mode>', 'when a write is acknowledged (see README)', 'DURABILITY')
        .choices(['fsync', 'batch', 'none'])
        .default(d.durability),
    )
    .addOption(opt('--region <region>', 'region when a request names none', 'REGION').default(d.region))
    .addOption(
      opt('--account-id <id>', 'account id in ARNs and messages', 'ACCOUNT_ID')
        .argParser(accountId)
        .default(d.accountId),
    )
    .addOption(
      opt('--state-delay-ms <ms>', 'time streams stay CREATING/UPDATING/DELETING', 'STATE_DELAY_MS')
        .argParser(int)
        .default(d.stateDelayMs),
    )
    .addOption(
      opt('--limits <profile>', 'throughput limits', 'LIMITS').choices(['aws', 'off']).default(d.limits),
    )
    .addOption(
      opt('--shard-limit <n>', 'account shard limit', 'SHARD_LIMIT').argParser(int).default(d.shardLimit),
    )
    .addOption(
      opt('--on-demand-stream-limit <n>', 'account on-demand stream limit', 'ON_DEMAND_STREAM_LIMIT')
        .argParser(int)
        .default(d.onDemandStreamLimit),
    )
    .addOption(
      opt(
        '--shard-write-bytes-per-sec <n>',
        'per-shard write capacity under --limits aws',
        'SHARD_WRITE_BYTES_PER_SEC',
      ).argParser(int),
    )
    .addOption(
      opt(
        '--shard-write-records-per-sec <n>',
        'per-shard write record rate under --limits aws',
        'SHARD_WRITE_RECORDS_PER_SEC',
      ).argParser(int),
    )
    .addOption(
      opt(
        '--shard-read-bytes-per-sec <n>',
        'per-shard read capacity under --limits aws',
        'SHARD_READ_BYTES_PER_SEC',
      ).argParser(int),
    )
    .addOption(
      opt('--tls-port <port>', 'also serve HTTPS (h2 + http/1.1) on this port', 'TLS_PORT').argParser(port),
    )
    .addOption(opt('--tls-key <file>', 'PEM private key (default: self-signed at start)', 'TLS_KEY'))
    .addOption(opt('--tls-cert <file>', 'PEM certificate (default: self-signed at start)', 'TLS_CERT'))
    .addOption(
      opt(
        '--config <file>',
        'bootstrap file (YAML or JSON): streams to create at start, fault rules',
        'CONFIG',
      ),
    )
    .addOption(
      opt('--log-level <level>', 'log level (debug: one line per request)', 'LOG_LEVEL')
        .choices(LOG_LEVELS)
        .default(d.logLevel),
    )
    .addOption(
      opt(
        '--control-plane-limits <on|off>',
        "enforce AWS's control-plane call rates (LimitExceededException)",
        'CONTROL_PLANE_LIMITS',
      )
        .choices(['on', 'off'])
        .default('off'),
    )
    .addOption(
      opt(
        '--worker-threads <n>',
        `threads reading large PutRecords bodies (default: cores - 1, at most ${limits.workerThreadsMax})`,
        'WORKER_THREADS',
      ).argParser(int),
    )
    .addOption(
      opt(
        '--get-records-commit-wait-ms <ms>',
        `how long a GetRecords at the tip of a shard waits for commits under way (default ${limits.getRecordsCommitWaitMsDefault}; 0: never)`,
        'GET_RECORDS_COMMIT_WAIT_MS',
      ).argParser(int),
    )
    .addOption(
      opt('--metrics <on|off>', 'count metrics for /metrics and the console', 'METRICS')
        .choices(['on', 'off'])
        .default('on'),
    )
    .action(async (opts: StartOptions) => {
      await runStart(configFrom(opts));
    });
}

function configFrom(opts: StartOptions): Config {
  return {
    ...defaultConfig,
    host: opts.host,
    port: opts.port,
    dataDir: opts.dataDir,
    storage: opts.storage,
    durability: opts.durability,
    region: opts.region,
    accountId: opts.accountId,
    stateDelayMs: opts.stateDelayMs,
    limits: opts.limits,
    shardLimit: opts.shardLimit,
    onDemandStreamLimit: opts.onDemandStreamLimit,
    ...(opts.shardWriteBytesPerSec !== undefined
      ? { shardWriteBytesPerSec: opts.shardWriteBytesPerSec }
      : {}),
    ...(opts.shardWriteRecordsPerSec !== undefined
      ? { shardWriteRecordsPerSec: opts.shardWriteRecordsPerSec }
      : {}),
    ...(opts.shardReadBytesPerSec !== undefined ? { shardReadBytesPerSec: opts.shardReadBytesPerSec } : {}),
    ...(opts.tlsPort !== undefined ? { tlsPort: opts.tlsPort } : {}),
    ...(opts.tlsKey !== undefined ? { tlsKeyFile: opts.tlsKey } : {}),
    ...(opts.tlsCert !== undefined ? { tlsCertFile: opts.tlsCert } : {}),
    ...(opts.config !== undefined ? { bootstrapFile: opts.config } : {}),
    logLevel: opts.logLevel,
    metrics: opts.metrics !== 'off',
    controlPlaneLimits: opts.controlPlaneLimits === 'on',
    ...(opts.workerThreads !== undefined ? { workerThreads: opts.workerThreads } : {}),
    ...(opts.getRecordsCommitWaitMs !== undefined
      ? { getRecordsCommitWaitMs: opts.getRecordsCommitWaitMs }
      : {}),
  };
}

/** Turns the errors a user can cause (ports, paths, files) into one readable line. */
function explain(err: unknown, config: Config): Error {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  const where = `${e.address ?? config.host}:${e.port ?? config.port}`;
  switch (e.code) {
    case 'EADDRINUSE':
      return new CliError(`cannot listen on ${where}: the address is already in use`);
    case 'EADDRNOTAVAIL':
      return new CliError(`cannot listen on ${where}: no such local address`);
    case 'EACCES':
      return new CliError(
        `permission denied: ${e.syscall === 'listen' ? `cannot listen on ${where}` : (e.path ?? e.message)}`,
      );
    case 'SQLITE_BUSY':
      return new CliError(`data directory ${config.dataDir} is in use by another process`);
    case 'ENOTDIR':
    case 'EEXIST':
      return new CliError(`data directory ${config.dataDir} is not a directory`);
    case 'ENOTFOUND':
      return new CliError(`cannot listen on ${config.host}: unknown host`);
    default:
      return new CliError(String(e?.message ?? err).split('\n')[0] ?? 'failed');
  }
}

async function runStart(config: Config): Promise<void> {
  const log = pino({ level: config.logLevel });
  let server: RunningServer;
  try {
    // Loaded here so the user tools start without loading the server.
    const { startServer } = await import('../app.js');
    const { openEngine } = await import('../storage/open-engine.js');
    const engine = await openEngine({
      kind: config.storage,
      dataDir: config.dataDir,
      durability: config.durability,
      onWarning: (message, details) => log.warn(details, message),
    });
    server = await startServer(config, engine, log);
  } catch (err) {
    throw explain(err, config);
  }
  log.info(
    {
      endpoint: server.endpoint,
      console: `${server.endpoint}/console`,
      tlsEndpoint: server.tlsEndpoint,
      storage: config.storage,
      dataDir: config.storage === 'local' ? config.dataDir : undefined,
      durability: config.durability,
      bootstrap: server.bootstrap,
      startupMs: Math.round(performance.now()),
    },
    `Shardline listening on ${server.endpoint}${server.tlsEndpoint ? ` and ${server.tlsEndpoint}` : ''}`,
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    // A stuck close must not keep the process alive forever.
    setTimeout(() => process.exit(1), frontEndLimits.shutdownGraceMs + 10_000).unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command('shardline')
    .description('Kinesis-compatible streaming server')
    .version(packageVersion())
    .addCommand(startCommand());
  for (const tool of toolCommands()) program.addCommand(tool);
  program.addCommand(faultsCommand());
  await program.parseAsync(argv);
}
