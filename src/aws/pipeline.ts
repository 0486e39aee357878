// The front end every service shares: one request handler for all the services on the port.
// Per request: plain routes (health, metrics, console, admin) → body limit (413) → request ids and
// CORS (preflight) → route to a service (aws/router.ts) → that service's protocol route (for JSON
// 1.x + CBOR: json-rpc-route.ts: method, empty body, content type, decode, target, authentication,
// validate against the service's model, authorize, handler, encode, errors). Every method reaches
// the route: what a DELETE or GET gets is the routed service's answer.
import { randomFillSync, randomUUID } from 'node:crypto';
import http2 from 'node:http2';
import { send } from './http-util.js';
import { type JsonRpcHooks, sendInternalFailure, serveJsonRpc } from './json-rpc-route.js';
import { frontEndLimits } from './limits.js';
import type { Req, Res } from './operation.js';
import { serveBound } from './protocol-route.js';
import { createRouter } from './router.js';
import type { AwsService } from './service.js';
import { signingServiceOf } from './sigv4.js';

export interface FrontEndOptions extends JsonRpcHooks {
  /** The services on this port; `defaultService` answers requests no route claims. */
  readonly services: readonly AwsService[];
  readonly defaultService: AwsService;
  /** Plain HTTP routes outside the AWS APIs (health, metrics, console). Returns false when unhandled. */
  route?(req: Req, res: Res): boolean;
  readonly bodyBytesMax?: number;
  /** How long an HTTP/1.1 connection keeps draining an oversized upload after its 413 before it is cut. */
  readonly drainAfterRejectMs?: number;
}

const CORS_MAX_AGE_S = '172800';
const ID2_BYTES = 72;
/** x-amz-id-2 values drawn per refill of the random pool (one getrandom call instead of one per request). */
const ID2_POOL_IDS = 256;
const NO_QUERY: URLSearchParams = new URLSearchParams();

const isHttp2 = (req: Req): req is http2.Http2ServerRequest => 'stream' in req;

/**
 * Reads the body up to `max` bytes. Resolves 'too-large' as soon as the limit is passed (the
 * rest keeps being discarded so the client can read its 413), 'aborted' when the client leaves.
 */
function readBody(req: Req, max: number): Promise<Buffer | 'too-large' | 'aborted'> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) {
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const finish = (result: Buffer | 'too-large' | 'aborted'): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      if (result === 'too-large') req.resume();
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total > max) finish('too-large');
      else chunks.push(chunk);
    };
    const onEnd = (): void =>
      finish(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total));
    const onClose = (): void => finish('aborted');
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
  });
}

function rejectTooLarge(req: Req, res: Res, drainMs: number): void {
  if (isHttp2(req)) {
    // RFC 9113 §8.1: after a complete response, RST_STREAM(NO_ERROR) tells the client to stop sending.
    res.once('finish', () => req.stream.close(http2.constants.NGHTTP2_NO_ERROR));
    send(res, 413, '');
    return;
  }
  res.setHeader('Connection', 'close');
  // Closing while the client still uploads would reset the connection before it reads the 413.
  res.once('finish', () => setTimeout(() => req.socket.destroy(), drainMs).unref());
  send(res, 413, '');
}

export function createRequestHandler(options: FrontEndOptions): (req: Req, res: Res) => void {
  const opts = {
    bodyBytesMax: options.bodyBytesMax ?? frontEndLimits.requestBodyBytesMax,
    drainAfterRejectMs: options.drainAfterRejectMs ?? frontEndLimits.rejectedBodyDrainMs,
  };
  const router = createRouter(options.services, options.defaultService);
  return (req, res) => {
    res.on('error', () => undefined);
    req.on('error', () => undefined);
    handle(options, router, opts, req, res).catch((err: unknown) => {
      options.onError?.(err, undefined);
      if (!res.headersSent) sendInternalFailure(res, 'json');
      else res.destroy();
    });
  };
}

async function handle(
  options: FrontEndOptions,
  router: ReturnType<typeof createRouter>,
  opts: { readonly bodyBytesMax: number; readonly drainAfterRejectMs: number },
  req: Req,
  res: Res,
): Promise<void> {
  if (options.route?.(req, res)) return;

  const body = await readBody(req, opts.bodyBytesMax);
  if (body === 'aborted') return;
  if (body === 'too-large') return rejectTooLarge(req, res, opts.drainAfterRejectMs);

  const requestId = randomUUID();
  res.setHeader('x-amzn-RequestId', requestId);
  const origin = req.headers.origin;
  if (req.method !== 'OPTIONS' || !origin) res.setHeader('x-amz-id-2', nextId2());
  if (origin) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.method === 'OPTIONS') return sendPreflight(req, res);
  }
  const target = req.headers['x-amz-target'];
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const query = q >= 0 ? new URLSearchParams(url.slice(q + 1)) : NO_QUERY;
  const path = q >= 0 ? url.slice(0, q) : url;
  // The JSON services' target decides at once (the record path); only other requests build the key.
  const service =
    (typeof target === 'string' ? router.byTarget(target) : undefined) ??
    router.route({
      method: req.method ?? 'GET',
      path,
      target: typeof target === 'string' ? target : undefined,
      contentType: () => (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '',
      signingName: () => signingServiceOf(req.headers.authorization, query),
      version: () =>
        query.get('Version') ?? new URLSearchParams(body.toString('latin1')).get('Version') ?? undefined,
    });
  if (service.protocol === 'json-rpc')
    return serveJsonRpc(service, options, req, res, body, requestId, query);
  return serveBound(service, options, req, res, body, requestId, path, query);
}

const id2Pool = Buffer.alloc(ID2_BYTES * ID2_POOL_IDS);
let id2Next = ID2_POOL_IDS;

/** 72 random bytes, base64: an opaque id like AWS's x-amz-id-2. */
function nextId2(): string {
  if (id2Next === ID2_POOL_IDS) {
    randomFillSync(id2Pool);
    id2Next = 0;
  }
  const at = id2Next++ * ID2_BYTES;
  return id2Pool.toString('base64', at, at + ID2_BYTES);
}

function sendPreflight(req: Req, res: Res): void {
  const h = req.headers['access-control-request-headers'];
  const m = req.headers['access-control-request-method'];
  if (h) res.setHeader('Access-Control-Allow-Headers', h);
  if (m) res.setHeader('Access-Control-Allow-Methods', m);
  res.setHeader('Access-Control-Max-Age', CORS_MAX_AGE_S);
  send(res, 200, '');
}
