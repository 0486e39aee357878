// Wires configuration, storage, operations and the HTTP listeners into one running server.

import { readFileSync } from 'node:fs';
import type net from 'node:net';
import { FaultInjector } from './aws/faults.js';
import { createListener, type ListenerOptions } from './aws/listener.js';
import { createRequestHandler } from './aws/pipeline.js';
import { applyBootstrap, type BootstrapReport, loadBootstrapFile } from './bootstrap.js';
import { createRoutes, type Readiness } from './console/routes.js';
import type { Config } from './core/config.js';
import { type AppLogger, silentLogger } from './core/log.js';
import { fanoutHubOf } from './kinesis/fanout/fanout-hub.js';
import { kinesisFaultService } from './kinesis/faults.js';
import { limits } from './kinesis/limits.js';
import { installMetrics } from './kinesis/metrics/metrics.js';
import { iteratorKey } from './kinesis/records/record-path.js';
import { startRetentionSweeper } from './kinesis/records/retention-sweeper.js';
import { enforceControlPlaneRates, kinesisService } from './kinesis/service.js';
import { createServices, type Services } from './kinesis/state/services.js';
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

export type { AppLogger } from './core/log.js';

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
  log: AppLogger = silentLogger,
): Promise<RunningServer> {
  const faults = new FaultInjector(
    { kinesis: kinesisFaultService(() => iteratorKey(services)) },
    { account: config.accountId, region: config.region },
  );
  const services = createServices(config, engine, faults);
  const readiness: Readiness = { state: 'starting' };
  const metrics = installMetrics(services);
  const codecPool = new CodecPool(
    Math.min(config.workerThreads ?? defaultWorkerThreads(limits.workerThreadsMax), limits.workerThreadsMax),
  );
  const kinesis = kinesisService(services, { log, codecPool });
  const routes = createRoutes(services, readiness);
  const handler = createRequestHandler({
    services: [kinesis],
    defaultService: kinesis,
    route: routes,
    onError: (err, operation) => log.error({ err, operation }, 'internal error'),
    faults,
  });
  const listener = createListener(handler, listenerOptions(config));
  try {
    // Bootstrap before listening, so no client ever sees a half-applied file.
    const plan = config.bootstrapFile ? await loadBootstrapFile(config.bootstrapFile) : undefined;
    const bootstrap = plan ? await applyBootstrap(plan, kinesis, config) : undefined;
    if (plan?.faults) await faults.load(plan.faults);
    // The bootstrap file is ours, not a client's: only API calls count against control-plane rates.
    if (config.controlPlaneLimits) enforceControlPlaneRates(services);
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
