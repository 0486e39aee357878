// Plain HTTP GET routes beside the Kinesis API: liveness, readiness, Prometheus metrics, the JSON
// time series, the web console's static files: src/console/assets, copied as-is beside this
// file by the build (tools/copy-assets.mjs), and the compiled browser-side Kinesis client
// (dist/src/client/*.js, under /console/client/); and the fault rules' admin endpoint,
// /_shardline/faults (src/aws/faults-http.ts).

import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { faultsRoute } from '../aws/faults-http.js';
import type { Req, Res } from '../aws/operation.js';
import { metricsOf } from '../kinesis/metrics/metrics.js';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from '../kinesis/metrics/prometheus.js';
import { emptyStreamJson, streamJson, summaryJson } from '../kinesis/metrics/series-json.js';
import type { Services } from '../kinesis/state/services.js';

/** Whether the server takes traffic: false while starting (bootstrap) and once shutdown began. */
export interface Readiness {
  state: 'starting' | 'ready' | 'stopping';
}

const ASSET_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The files under /console/ (a fixed list: nothing else on disk is reachable). */
const ASSETS = ['index.html', 'app.js', 'kinesis.js', 'charts.js', 'views.js', 'style.css'] as const;
/** The browser-safe modules of src/client (no node: imports), under /console/client/. */
const CLIENT_MODULES = ['browser.js', 'kinesis.js', 'sigv4.js', 'sha256.js'] as const;

/** Beside the compiled file: dist/src/console/assets/ and dist/src/client/. */
const ASSETS_DIR = fileURLToPath(new URL('./assets/', import.meta.url));
const CLIENT_DIR = fileURLToPath(new URL('../client/', import.meta.url));

const cache = new Map<string, Buffer>();

function fileOf(path: string): Buffer | undefined {
  let body = cache.get(path);
  if (body === undefined) {
    try {
      body = readFileSync(path);
    } catch {
      return undefined;
    }
    cache.set(path, body);
  }
  return body;
}

function send(res: Res, status: number, type: string, body: string | Buffer): true {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', 'no-cache');
  res.end(body);
  return true;
}

const json = (res: Res, status: number, value: unknown): true =>
  send(res, status, 'application/json', JSON.stringify(value));

export function createRoutes(services: Services, readiness: Readiness): (req: Req, res: Res) => boolean {
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    if (faultsRoute(services.faults, path, req, res)) return true;
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    switch (path) {
      case '/health':
      case '/healthz':
        return json(res, 200, { status: 'ok' });
      case '/ready':
      case '/readyz':
        return json(res, readiness.state === 'ready' ? 200 : 503, { status: readiness.state });
      case '/metrics': {
        const m = metricsOf(services);
        if (m === undefined) return send(res, 404, 'text/plain', 'metrics are disabled (--metrics off)\n');
        return send(res, 200, PROMETHEUS_CONTENT_TYPE, renderPrometheus(m));
      }
      case '/metrics.json':
        return metricsJson(services, res, new URLSearchParams(q >= 0 ? url.slice(q + 1) : ''));
      case '/console':
      case '/console/':
        return serveAsset(res, 'index.html');
      default:
        if (path.startsWith('/console/')) return serveAsset(res, path.slice('/console/'.length));
        return false;
    }
  };
}

function serveAsset(res: Res, name: string): true {
  let body: Buffer | undefined;
  if (name.startsWith('client/')) {
    const module = name.slice('client/'.length);
    if ((CLIENT_MODULES as readonly string[]).includes(module)) body = fileOf(CLIENT_DIR + module);
  } else if ((ASSETS as readonly string[]).includes(name)) {
    body = fileOf(ASSETS_DIR + name);
    // A build by tsc alone leaves the assets out: say what is missing.
    if (body === undefined)
      return send(res, 404, 'text/plain', 'console assets not built: run `npm run build`\n');
  }
  if (body === undefined) return send(res, 404, 'text/plain', 'not found\n');
  return send(res, 200, ASSET_TYPES[extname(name)] ?? 'application/octet-stream', body);
}

function metricsJson(services: Services, res: Res, query: URLSearchParams): true {
  const m = metricsOf(services);
  const now = Date.now();
  const name = query.get('stream');
  if (name === null) return json(res, 200, summaryJson(m, now));
  const resolution = query.get('resolution') === '1m' ? '1m' : '1s';
  const account = query.get('account') ?? services.config.accountId;
  const region = query.get('region') ?? services.config.region;
  const sm = m?.find(account, region, name);
  if (sm === undefined) return json(res, 200, emptyStreamJson(name, account, region, resolution, now));
  return json(res, 200, streamJson(sm, resolution, now));
}
