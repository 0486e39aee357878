// The `shardline` command. `start` runs the server; more user tools join later.
import { Command, InvalidArgumentError, Option } from 'commander';
import { pino } from 'pino';
import { startServer } from '../app.js';
import { type Config, defaultConfig } from '../config.js';
import { openEngine } from '../storage/open-engine.js';

const int = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
};

function startCommand(): Command {
  const d = defaultConfig;
  const env = (name: string) => `SHARDLINE_${name}`;
  return new Command('start')
    .description('start the Shardline server')
    .addOption(new Option('--host <host>', 'address to listen on').default(d.host).env(env('HOST')))
    .addOption(new Option('--port <port>', 'port for HTTP/1.1 and h2c').argParser(int).default(d.port).env(env('PORT')))
    .addOption(new Option('--data-dir <dir>', 'where data lives').default(d.dataDir).env(env('DATA_DIR')))
    .addOption(
      new Option('--storage <kind>', 'storage engine').choices(['local', 'memory']).default(d.storage).env(env('STORAGE')),
    )
    .addOption(
      new Option('--durability <mode>', 'fsync: acknowledged means on disk; batch; none')
        .choices(['fsync', 'batch', 'none'])
        .default(d.durability)
        .env(env('DURABILITY')),
    )
    .addOption(new Option('--region <region>', 'default region').default(d.region).env(env('REGION')))
    .addOption(new Option('--account-id <id>', 'account id').default(d.accountId).env(env('ACCOUNT_ID')))
    .addOption(
      new Option('--state-delay-ms <ms>', 'time in CREATING/UPDATING/DELETING')
        .argParser(int)
        .default(d.stateDelayMs)
        .env(env('STATE_DELAY_MS')),
    )
    .addOption(
      new Option('--limits <profile>', 'throughput limits').choices(['aws', 'off']).default(d.limits).env(env('LIMITS')),
    )
    .addOption(new Option('--shard-limit <n>', 'account shard limit').argParser(int).default(d.shardLimit).env(env('SHARD_LIMIT')))
    .addOption(new Option('--tls-port <port>', 'also serve HTTPS (h2 + http/1.1) here').argParser(int).env(env('TLS_PORT')))
    .addOption(new Option('--tls-key <file>', 'PEM private key').env(env('TLS_KEY')))
    .addOption(new Option('--tls-cert <file>', 'PEM certificate').env(env('TLS_CERT')))
    .addOption(new Option('--config <file>', 'bootstrap file (YAML or JSON) with streams to create').env(env('CONFIG')))
    .addOption(new Option('--log-level <level>', 'log level').default(d.logLevel).env(env('LOG_LEVEL')))
    .action(async (opts) => {
      const config: Config = {
        ...d,
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
        tlsPort: opts.tlsPort,
        tlsKeyFile: opts.tlsKey,
        tlsCertFile: opts.tlsCert,
        bootstrapFile: opts.config,
        logLevel: opts.logLevel,
      };
      const log = pino({ level: config.logLevel });
      const engine = await openEngine({ kind: config.storage, dataDir: config.dataDir, durability: config.durability });
      const server = await startServer(config, engine, log);
      log.info(
        { endpoint: server.endpoint, tlsPort: server.tlsPort, dataDir: config.storage === 'local' ? config.dataDir : undefined },
        `Shardline listening on ${server.endpoint}`,
      );
      const stop = async (signal: string) => {
        log.info({ signal }, 'shutting down');
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command('shardline').description('Kinesis-compatible streaming server').addCommand(startCommand());
  await program.parseAsync(argv);
}
