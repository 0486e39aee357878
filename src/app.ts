// Wires configuration, storage, operations and the HTTP listeners into one running server.
import { readFileSync } from 'node:fs';
import type net from 'node:net';
import type { Config } from './config.js';
import type { OpContext, Services } from './operations/context.js';
import { operationTable } from './operations/index.js';
import { StreamStore } from './operations/stream-store.js';
import { type CallContext, createRequestHandler, type Dispatcher } from './server/handler.js';
import { createListener, createTlsListener } from './server/listener.js';
import type { StorageEngine } from './storage/engine.js';

export interface RunningServer {
  readonly port: number;
  readonly tlsPort: number | undefined;
  readonly services: Services;
  readonly endpoint: string;
  close(): Promise<void>;
}

export interface AppLogger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

const silent: AppLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function createDispatcher(services: Services, log: AppLogger): Dispatcher {
  return {
    async dispatch(operation: string, input: Record<string, unknown>, call: CallContext) {
      const handler = operationTable[operation];
      if (!handler) throw new Error(`no handler for ${operation}`);
      const ctx: OpContext = {
        account: services.config.accountId,
        region: call.region ?? services.config.region,
        requestId: call.requestId,
        nowMs: Date.now(),
        signal: call.signal,
        wire: call.wire,
      };
      return handler(services, input, ctx);
    },
    route(req, res) {
      if (req.method === 'GET' && (req.url === '/health' || req.url === '/healthz')) {
        res.setHeader('Content-Type', 'application/json');
        res.end('{"status":"ok"}');
        return true;
      }
      return false;
    },
    onError(err, operation) {
      log.error({ err, operation }, 'internal error');
    },
  };
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

export async function startServer(config: Config, engine: StorageEngine, log: AppLogger = silent): Promise<RunningServer> {
  const services: Services = { config, engine, streams: new StreamStore(engine), state: new Map() };
  const handler = createRequestHandler(createDispatcher(services, log));
  const { server, http1, http2 } = createListener(handler);
  const port = await listen(server, config.port, config.host);
  let tlsServer: net.Server | undefined;
  let tlsPort: number | undefined;
  if (config.tlsPort !== undefined) {
    const { key, cert } = await tlsMaterial(config);
    tlsServer = createTlsListener(handler, key, cert);
    tlsPort = await listen(tlsServer, config.tlsPort, config.host);
  }
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    port,
    tlsPort,
    services,
    endpoint: `http://${host}:${port}`,
    async close() {
      const closing = [server, tlsServer].filter(Boolean).map(
        (s) => new Promise<void>((resolve) => (s as net.Server).close(() => resolve())),
      );
      http1.closeAllConnections();
      http2.close();
      await Promise.all(closing);
      await engine.close();
    },
  };
}

async function tlsMaterial(config: Config): Promise<{ key: string | Buffer; cert: string | Buffer }> {
  if (config.tlsKeyFile && config.tlsCertFile)
    return { key: readFileSync(config.tlsKeyFile), cert: readFileSync(config.tlsCertFile) };
  const { selfSignedCertificate } = await import('./server/self-signed.js');
  return selfSignedCertificate(config.host);
}
