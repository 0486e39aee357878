// Wires configuration, storage, operations and the HTTP listeners into one running server.

import { readFileSync } from 'node:fs';
import type net from 'node:net';
import { FaultInjector } from './aws/faults.js';
import { createListener, type ListenerOptions } from './aws/listener.js';
import { type CallContext, createRequestHandler, type Dispatcher } from './aws/pipeline.js';
import { applyBootstrap, type BootstrapReport, loadBootstrapFile } from './bootstrap.js';
import { createRoutes, type Readiness } from './console/routes.js';
import type { Config } from './core/config.js';
import { ControlPlaneRates } from './kinesis/domain/control-plane-rates.js';
import { LimitExceededException } from './kinesis/errors.js';
import { fanoutHubOf } from './kinesis/fanout/fanout-hub.js';
import { kinesisFaultService } from './kinesis/faults.js';
import { limits } from './kinesis/limits.js';
import { installMetrics } from './kinesis/metrics/metrics.js';
import type { OpContext, Services } from './kinesis/operations/context.js';
import { operationTable } from './kinesis/operations/index.js';
import { iteratorKey } from './kinesis/records/record-path.js';
import { startRetentionSweeper } from './kinesis/records/retention-sweeper.js';
import { StreamStore } from './kinesis/state/stream-store.js';
import { CodecPool, defaultWorkerThreads } from './kinesis/wire/codec-pool.js';
import type { StorageEngine } from './storage/engine.js';

export interface RunningServer {
  readonly port: number;
  readonly tlsPort: number | undefined;
  readonly services: Services;
  readonly endpoint: string;
  /** `https://…` when a TLS port is served. */
  readonly tlsEndpoint: string | undefined;
  /** PEM certificate of the TLS port (self-signed unless given), for clients that must trust it. */
  readonly tlsCert: string | undefined;
  readonly bootstrap: BootstrapReport | undefined;
  /** Worker threads reading large PutRecords bodies (size 0 when disabled). */
  readonly codecPool: CodecPool;
  close(): Promise<void>;
}

export interface AppLogger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
  debug?(obj: unknown, msg?: string): void;
  isLevelEnabled?(level: string): boolean;
}

const silent: AppLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function createDispatcher(
  services: Services,
  log: AppLogger,
  readiness: Readiness = { state: 'ready' },
): Dispatcher {
  const routes = createRoutes(services, readiness);
  // Request logs (debug level) cost nothing unless enabled: the check is made once.
  const logRequests = log.debug !== undefined && log.isLevelEnabled?.('debug') === true;
  return {
    ...(services.faults ? { faults: services.faults } : {}),
    async dispatch(operation: string, input: Record<string, unknown>, call: CallContext) {
      if (!logRequests) return invoke(services, operation, input, call);
      const startMs = performance.now();
      try {
        const out = await invoke(services, operation, input, call);
        log.debug?.(requestLog(call, operation, input, startMs), 'request');
        return out;
      } catch (err) {
        const e = err as { name?: string };
        log.debug?.(
          { ...requestLog(call, operation, input, startMs), error: e?.name ?? 'Error' },
          'request failed',
        );
        throw err;
      }
    },
    route(req, res) {
      return routes(req, res);
    },
    onError(err, operation) {
      log.error({ err, operation }, 'internal error');
    },
  };
}

/** One structured line per request; requestId is the x-amzn-RequestId the client saw. */
function requestLog(call: CallContext, operation: string, input: Record<string, unknown>, startMs: number) {
  return {
    requestId: call.requestId,
    operation,
    stream: input.StreamName ?? input.StreamARN ?? input.ConsumerARN,
    wire: call.wire,
    ms: Math.round((performance.now() - startMs) * 100) / 100,
  };
}

const STATE_CONTROL_PLANE_RATES = 'app/control-plane-rates';

/** The control-plane limiter: installed after bootstrap when `controlPlaneLimits` is on. */
function controlPlaneRatesOf(services: Services): ControlPlaneRates | undefined {
  return services.state.get(STATE_CONTROL_PLANE_RATES) as ControlPlaneRates | undefined;
}

function invoke(
  services: Services,
  operation: string,
  input: Record<string, unknown>,
  call: CallContext,
): Promise<unknown> {
  const handler = operationTable[operation];
  if (!handler) throw new Error(`no handler for ${operation}`);
  const account = services.config.accountId;
  const region = call.region ?? services.config.region;
  const rates = controlPlaneRatesOf(services);
  if (rates && !rates.tryCall(operation, account, region, Date.now()))
    throw new LimitExceededException(
      typeof input.StreamName === 'string'
        ? `Rate exceeded for stream ${input.StreamName} under account ${account}.`
        : `Rate exceeded for ${operation} under account ${account}.`,
    );
  const ctx: OpContext = {
    account,
    region,
    requestId: call.requestId,
    nowMs: Date.now(),
    // Lazy: the front end makes the AbortSignal only for operations that read it.
    get signal() {
      return call.signal;
    },
    wire: call.wire,
    faults: services.faults?.active,
  };
  return handler(services, input, ctx);
}

async function listen(server: net.Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

function listenerOptions(config: Config): Partial<ListenerOptions> {
  return config.headersTimeoutMs === undefined ? {} : { headersTimeoutMs: config.headersTimeoutMs };
}

/** Starts serving. Takes ownership of `engine`: it is closed by close(), or at once if start-up fails. */
export async function startServer(
  config: Config,
  engine: StorageEngine,
  log: AppLogger = silent,
): Promise<RunningServer> {
  const state = new Map<string, unknown>();
  const faults = new FaultInjector(
    { kinesis: kinesisFaultService(() => iteratorKey(services)) },
    { account: config.accountId, region: config.region },
  );
  const services: Services = { config, engine, streams: new StreamStore(engine), state, faults };
  const readiness: Readiness = { state: 'starting' };
  const metrics = installMetrics(services);
  const dispatcher = createDispatcher(services, log, readiness);
  const codecPool = new CodecPool(
    Math.min(config.workerThreads ?? defaultWorkerThreads(limits.workerThreadsMax), limits.workerThreadsMax),
  );
  const listener = createListener(createRequestHandler(dispatcher, { codecPool }), listenerOptions(config));
  try {
    // Bootstrap before listening, so no client ever sees a half-applied file.
    const plan = config.bootstrapFile ? await loadBootstrapFile(config.bootstrapFile) : undefined;
    const bootstrap = plan ? await applyBootstrap(plan, dispatcher, config) : undefined;
    if (plan?.faults) await faults.load(plan.faults);
    // The bootstrap file is ours, not a client's: only API calls count against control-plane rates.
    if (config.controlPlaneLimits) services.state.set(STATE_CONTROL_PLANE_RATES, new ControlPlaneRates());
    const port = await listen(listener.server, config.port, config.host);
    let tlsPort: number | undefined;
    let tlsCert: string | undefined;
    if (config.tlsPort !== undefined) {
      const { key, cert } = await tlsMaterial(config);
      tlsCert = cert.toString();
      tlsPort = await listen(listener.attachTls(key, cert), config.tlsPort, config.host);
    }
    const sweeper = startRetentionSweeper(services, {
      onError: (err) => log.warn({ err }, 'retention sweep failed'),
    });
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    readiness.state = 'ready';
    return {
      port,
      tlsPort,
      services,
      endpoint: `http://${host}:${port}`,
      tlsEndpoint: tlsPort === undefined ? undefined : `https://${host}:${tlsPort}`,
      tlsCert,
      bootstrap,
      codecPool,
      async close() {
        readiness.state = 'stopping';
        metrics?.stop();
        // Event streams would otherwise hold their connections open through the grace period.
        fanoutHubOf(services).stopAll();
        await listener.close();
        await codecPool.close();
        await sweeper.stop();
        await engine.close();
      },
    };
  } catch (err) {
    metrics?.stop();
    await listener.close(0);
    await codecPool.close();
    await engine.close();
    throw err;
  }
}

async function tlsMaterial(config: Config): Promise<{ key: Buffer; cert: Buffer }> {
  if (config.tlsKeyFile && config.tlsCertFile)
    return { key: readFileSync(config.tlsKeyFile), cert: readFileSync(config.tlsCertFile) };
  if (config.tlsKeyFile || config.tlsCertFile)
    throw new Error('--tls-key and --tls-cert must be given together');
  const { selfSignedCertificate } = await import('./aws/self-signed.js');
  return selfSignedCertificate(config.host);
}
