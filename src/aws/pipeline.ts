// The request pipeline, in the order the AWS front end applies its checks: body (413), CORS,
// method and content type, target, authentication, deserialization, validation, then the
// operation. Exact responses follow what real AWS answers (documented by kinesalite's tests).
import { randomFillSync, randomUUID } from 'node:crypto';
import type http from 'node:http';
import http2 from 'node:http2';
import {
  IncompleteSignatureException,
  InvalidSignatureException,
  KinesisError,
  MissingAuthenticationTokenException,
  SerializationException,
  UnknownOperationException,
} from '../kinesis/errors.js';
import { limits } from '../kinesis/limits.js';
import { model } from '../kinesis/model.js';
import type { CodecPool } from '../kinesis/wire/codec-pool.js';
import { readJsonInputFast } from '../kinesis/wire/fast-json-input.js';
import type { FaultInjector } from './faults.js';
import { readStructure } from './model/deserialize.js';
import { assertValid } from './model/validate.js';
import {
  CBOR_CONTENT_TYPE,
  decodeBody,
  encodeBody,
  JSON_CONTENT_TYPE,
  type WireFormat,
} from './protocols/codec.js';
import { checkAuth } from './sigv4.js';

export type Req = http.IncomingMessage | http2.Http2ServerRequest;
export type Res = http.ServerResponse | http2.Http2ServerResponse;

export interface CallContext {
  readonly requestId: string;
  readonly region: string | undefined;
  readonly accessKeyId: string;
  readonly wire: WireFormat;
  /** Aborted when the client goes away (used by long-lived responses). */
  readonly signal: AbortSignal;
}

/** A handler result already rendered in the call's wire format (hot-path answers): sent as is. */
export class EncodedBody {
  constructor(readonly bytes: Buffer) {}
}

/** A handler result that writes its own response body (event streams). */
export interface StreamingResult {
  readonly streaming: true;
  run(req: Req, res: Res, ctx: CallContext): Promise<void>;
}

export interface Dispatcher {
  dispatch(operation: string, input: Record<string, unknown>, ctx: CallContext): Promise<unknown>;
  /** Plain HTTP routes outside the Kinesis API (health, metrics, console). Returns false when unhandled. */
  route?(req: Req, res: Res): boolean;
  onError?(err: unknown, operation: string | undefined): void;
  /** Fault rules applied right before each operation runs (src/aws/faults.ts). */
  readonly faults?: FaultInjector;
}

export interface HandlerOptions {
  readonly bodyBytesMax: number;
  /** How long an HTTP/1.1 connection keeps draining an oversized upload after its 413 before it is cut. */
  readonly drainAfterRejectMs: number;
  /** Worker threads for large PutRecords bodies (codec-pool.ts); without, bodies are read inline. */
  readonly codecPool?: CodecPool;
}

const defaultOptions: HandlerOptions = {
  bodyBytesMax: limits.requestBodyBytesMax,
  drainAfterRejectMs: limits.rejectedBodyDrainMs,
};

// JSON answers expose the full list; AWS's XML 403s expose only these two.
const EXPOSE_HEADERS =
  'x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date';
const EXPOSE_HEADERS_XML = 'x-amz-request-id, x-amz-id-2';
const CORS_MAX_AGE_S = '172800';
const ID2_BYTES = 72;
/** x-amz-id-2 values drawn per refill of the random pool (one getrandom call instead of one per request). */
const ID2_POOL_IDS = 256;
/** Operations whose JSON input is read by the fast path first (shapes/fast-json-input.ts). */
const FAST_JSON_OPERATIONS: ReadonlySet<string> = new Set(['PutRecords', 'PutRecord']);
const NO_QUERY: URLSearchParams = new URLSearchParams();
/** Unexpected failures: AWS answers 500 with this bare type and no message. */
const INTERNAL_FAILURE_TYPE = 'InternalFailure';

function send(res: Res, status: number, body: Buffer | string, contentType?: string): void {
  if (res.headersSent || res.writableEnded) return;
  res.statusCode = status;
  if (contentType) res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

function sendXmlError(res: Res, type: string, message: string, cors: boolean): void {
  if (cors) res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS_XML);
  send(res, 403, `<${type}>\n  <Message>${message}</Message>\n</${type}>\n`);
}

export function errorBody(err: KinesisError, wire: WireFormat): Buffer {
  const body: Record<string, unknown> = { __type: err.name };
  // Coral's type-mismatch SerializationExceptions spell the key "Message".
  if (err.hasMessage) body[err.name === 'SerializationException' ? 'Message' : 'message'] = err.message;
  return encodeBody(body, wire);
}

const contentTypeOf = (wire: WireFormat): string => (wire === 'json' ? JSON_CONTENT_TYPE : CBOR_CONTENT_TYPE);

export function sendError(res: Res, err: KinesisError, wire: WireFormat): void {
  if (!res.headersSent) res.setHeader('x-amzn-ErrorType', err.name);
  send(res, err.status, errorBody(err, wire), contentTypeOf(wire));
}

function sendInternalFailure(res: Res, wire: WireFormat): void {
  if (!res.headersSent) res.setHeader('x-amzn-ErrorType', INTERNAL_FAILURE_TYPE);
  send(res, 500, encodeBody({ __type: INTERNAL_FAILURE_TYPE }, wire), contentTypeOf(wire));
}

function sendDeprecatedJson(res: Res, type: string, messageKey: 'message' | 'Message'): void {
  const body = JSON.stringify({
    Output: { __type: `com.amazon.coral.service#${type}`, [messageKey]: null },
    Version: '1.0',
  });
  send(res, 200, body, 'application/json');
}

function wireOf(contentType: string): WireFormat | 'deprecated-json' | undefined {
  if (contentType === JSON_CONTENT_TYPE) return 'json';
  if (contentType === CBOR_CONTENT_TYPE) return 'cbor';
  if (contentType === 'application/json') return 'deprecated-json';
  return undefined;
}

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

/** AWS hangs up on DELETE without answering. */
function hangUp(req: Req): void {
  if (isHttp2(req)) req.stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
  else req.socket.destroy();
}

export function createRequestHandler(
  dispatcher: Dispatcher,
  options: Partial<HandlerOptions> = {},
): (req: Req, res: Res) => void {
  const opts: HandlerOptions = { ...defaultOptions, ...options };
  return (req, res) => {
    res.on('error', () => undefined);
    req.on('error', () => undefined);
    handle(dispatcher, opts, req, res).catch((err: unknown) => {
      dispatcher.onError?.(err, undefined);
      if (!res.headersSent) sendInternalFailure(res, 'json');
      else res.destroy();
    });
  };
}

interface Target {
  readonly operation: string;
  /** The service prefix is Kinesis and the operation is in the model. */
  readonly known: boolean;
}

function parseTarget(header: string | string[] | undefined): Target {
  const target = String(header ?? '');
  const dot = target.indexOf('.');
  const service = dot >= 0 ? target.slice(0, dot) : target;
  const operation = dot >= 0 ? target.slice(dot + 1) : '';
  return { operation, known: service === model.targetPrefix && Object.hasOwn(model.operations, operation) };
}

function queryOf(url: string | undefined): URLSearchParams {
  const q = url === undefined ? -1 : url.indexOf('?');
  return q < 0 ? NO_QUERY : new URLSearchParams((url as string).slice(q + 1));
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

async function handle(dispatcher: Dispatcher, opts: HandlerOptions, req: Req, res: Res): Promise<void> {
  if (dispatcher.route?.(req, res)) return;
  if (req.method === 'DELETE') return hangUp(req);

  let body = await readBody(req, opts.bodyBytesMax);
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

  const query = queryOf(req.url);
  const authorization = req.headers.authorization;
  const hasAuth = authorization !== undefined || query.has('X-Amz-Algorithm');
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const wire = req.method === 'POST' ? wireOf(contentType) : undefined;
  const target = parseTarget(req.headers['x-amz-target']);

  if (wire === undefined) {
    if (!hasAuth)
      sendXmlError(res, 'MissingAuthenticationTokenException', 'Missing Authentication Token', !!origin);
    else
      sendXmlError(
        res,
        'AccessDeniedException',
        'Unable to determine service/operation name to be authorized',
        !!origin,
      );
    return;
  }
  if (origin) res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
  if (wire === 'deprecated-json') {
    // The legacy JSON protocol is never served: AWS answers with its old error envelope.
    if (body.length > 0 && decodeBody(body, 'json') === undefined)
      sendDeprecatedJson(res, 'SerializationException', 'Message');
    else sendDeprecatedJson(res, 'UnknownOperationException', 'message');
    return;
  }
  if (body.length === 0)
    return sendError(
      res,
      target.known ? new SerializationException() : new UnknownOperationException(),
      wire,
    );
  // A plain PutRecord(s) body is read straight into validated input; anything else (and every
  // error) goes through the generic decode, deserialize and validate steps below.
  let fast: Record<string, unknown> | undefined;
  if (wire === 'json' && target.known && FAST_JSON_OPERATIONS.has(target.operation)) {
    const shapeName = model.operations[target.operation]?.input ?? '';
    // Only PutRecords: its input is what the workers hand back packed (shapes/fast-json-transfer.ts).
    const offloaded =
      target.operation === 'PutRecords' && body.length >= limits.decodeOffloadBytesMin
        ? opts.codecPool?.tryDecode(body, shapeName)
        : undefined;
    if (offloaded === undefined) fast = readJsonInputFast(body, shapeName);
    else {
      const decoded = await offloaded;
      if ('input' in decoded) fast = decoded.input;
      else body = decoded.body;
    }
  }
  const parsed = fast ?? decodeBody(body, wire);
  if (parsed === undefined) return sendError(res, new SerializationException(), wire);
  if (!target.known) return sendError(res, new UnknownOperationException(), wire);

  const auth = checkAuth(authorization, query, Boolean(req.headers['x-amz-date'] || req.headers.date));
  if (auth.kind === 'missing')
    return sendError(res, new MissingAuthenticationTokenException('Missing Authentication Token'), wire);
  if (auth.kind === 'both')
    return sendError(
      res,
      new InvalidSignatureException(
        "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
      ),
      wire,
    );
  if (auth.kind === 'incomplete') return sendError(res, new IncompleteSignatureException(auth.message), wire);

  // The signal is made on first use (few operations want one): an AbortController per request
  // showed in PutRecord profiles, and abort() builds a DOMException, so only a response cut short
  // (closed before it finished) aborts.
  let abort: AbortController | undefined;
  let cutShort = false;
  res.once('close', () => {
    if (res.writableFinished) return;
    cutShort = true;
    abort?.abort();
  });
  const ctx: CallContext = {
    requestId,
    region: auth.auth.region,
    accessKeyId: auth.auth.accessKeyId,
    wire,
    get signal() {
      if (abort === undefined) {
        abort = new AbortController();
        if (cutShort) abort.abort();
      }
      return abort.signal;
    },
  };
  await runOperation(dispatcher, target.operation, parsed, fast !== undefined, ctx, req, res);
}

function sendPreflight(req: Req, res: Res): void {
  const h = req.headers['access-control-request-headers'];
  const m = req.headers['access-control-request-method'];
  if (h) res.setHeader('Access-Control-Allow-Headers', h);
  if (m) res.setHeader('Access-Control-Allow-Methods', m);
  res.setHeader('Access-Control-Max-Age', CORS_MAX_AGE_S);
  send(res, 200, '');
}

/**
 * Runs an operation from inside the process (bootstrap, tools) through the same deserialization
 * and validation as a wire request, so it gets exactly the checks and errors a client would.
 */
export async function invokeOperation(
  dispatcher: Dispatcher,
  operation: string,
  jsonInput: Record<string, unknown>,
  ctx: CallContext,
): Promise<unknown> {
  const opModel = model.operations[operation];
  if (!opModel) throw new UnknownOperationException();
  const input = opModel.input ? readStructure(jsonInput, opModel.input, 'json') : {};
  if (opModel.input) assertValid(input, opModel.input);
  return dispatcher.dispatch(operation, input, ctx);
}

async function runOperation(
  dispatcher: Dispatcher,
  operation: string,
  parsed: Record<string, unknown>,
  validated: boolean,
  ctx: CallContext,
  req: Req,
  res: Res,
): Promise<void> {
  try {
    let input = parsed;
    const opModel = model.operations[operation];
    if (!validated) {
      input = opModel?.input ? readStructure(parsed, opModel.input, ctx.wire) : {};
      if (opModel?.input) assertValid(input, opModel.input);
    }
    const faults = dispatcher.faults?.active;
    if (faults !== undefined) {
      const fault = await faults.beforeCall('kinesis', operation, input, ctx.region, req);
      if (fault === 'dropped') return;
      if (fault?.error === INTERNAL_FAILURE_TYPE) return sendInternalFailure(res, ctx.wire);
      if (fault)
        return sendError(res, new KinesisError(fault.error, fault.message, 'client', fault.status), ctx.wire);
    }
    const result = await dispatcher.dispatch(operation, input, ctx);
    if (isStreaming(result)) return await result.run(req, res, ctx);
    const out =
      result === undefined
        ? Buffer.alloc(0)
        : result instanceof EncodedBody
          ? result.bytes
          : encodeBody(result, ctx.wire);
    send(res, 200, out, contentTypeOf(ctx.wire));
  } catch (err) {
    if (err instanceof KinesisError) return sendError(res, err, ctx.wire);
    dispatcher.onError?.(err, operation);
    sendInternalFailure(res, ctx.wire);
  }
}

function isStreaming(result: unknown): result is StreamingResult {
  return (
    typeof result === 'object' && result !== null && (result as { streaming?: unknown }).streaming === true
  );
}
