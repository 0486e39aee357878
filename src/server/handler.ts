// The request pipeline, in the order the AWS front end applies its checks: CORS, content type,
// body, target, authentication, deserialization, validation, then the operation.
import { randomBytes, randomUUID } from 'node:crypto';
import type http from 'node:http';
import type http2 from 'node:http2';
import {
  IncompleteSignatureException,
  InvalidSignatureException,
  KinesisError,
  MissingAuthenticationTokenException,
  SerializationException,
  UnknownOperationException,
} from '../errors.js';
import { limits } from '../limits.js';
import { CBOR_CONTENT_TYPE, decodeBody, encodeBody, JSON_CONTENT_TYPE, type WireFormat } from '../protocol/codec.js';
import { readStructure } from '../shapes/deserialize.js';
import { model } from '../shapes/model.js';
import { assertValid } from '../shapes/validate.js';
import { checkAuth } from './auth.js';

type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;

export interface CallContext {
  readonly requestId: string;
  readonly region: string | undefined;
  readonly accessKeyId: string;
  readonly wire: WireFormat;
  /** Aborted when the client goes away (used by long-lived responses). */
  readonly signal: AbortSignal;
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
}

const EXPOSE_HEADERS = 'x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date';
const CORS_MAX_AGE_S = '172800';
const ID2_BYTES = 72;

function send(res: Res, status: number, body: Buffer | string, contentType?: string): void {
  if (res.headersSent || res.writableEnded) return;
  res.statusCode = status;
  if (contentType) res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

function sendXmlError(res: Res, type: string, message: string): void {
  send(res, 403, `<${type}>\n  <Message>${message}</Message>\n</${type}>\n`);
}

export function errorBody(err: KinesisError, wire: WireFormat): Buffer {
  const body: Record<string, unknown> = { __type: err.name };
  // Coral's type-mismatch SerializationExceptions spell the key "Message".
  if (err.hasMessage) body[err.name === 'SerializationException' ? 'Message' : 'message'] = err.message;
  return encodeBody(body, wire);
}

export function sendError(res: Res, err: KinesisError, wire: WireFormat): void {
  res.setHeader('x-amzn-ErrorType', err.name);
  send(res, err.status, errorBody(err, wire), wire === 'json' ? JSON_CONTENT_TYPE : CBOR_CONTENT_TYPE);
}

function sendDeprecatedJson(res: Res, type: string, messageKey: 'message' | 'Message'): void {
  const body = JSON.stringify({ Output: { __type: `com.amazon.coral.service#${type}`, [messageKey]: null }, Version: '1.0' });
  send(res, 200, body, 'application/json');
}

function wireOf(contentType: string): WireFormat | 'deprecated-json' | undefined {
  if (contentType === JSON_CONTENT_TYPE) return 'json';
  if (contentType === CBOR_CONTENT_TYPE) return 'cbor';
  if (contentType === 'application/json') return 'deprecated-json';
  return undefined;
}

/** Reads the body, bounded. Resolves undefined (after answering 413) when it is too large. */
async function readBody(req: Req, res: Res): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limits.requestBodyBytesMax) {
    tooLarge(req, res);
    return undefined;
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limits.requestBodyBytesMax) {
      tooLarge(req, res);
      return undefined;
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
}

function tooLarge(req: Req, res: Res): void {
  res.setHeader('Connection', 'close');
  send(res, 413, '');
  // Stop reading the rest of an oversized upload.
  if ('stream' in req) req.stream.close();
  else req.socket.destroy();
}

export function createRequestHandler(dispatcher: Dispatcher): (req: Req, res: Res) => void {
  return (req, res) => {
    handle(dispatcher, req, res).catch((err: unknown) => {
      dispatcher.onError?.(err, undefined);
      if (!res.headersSent) send(res, 500, JSON.stringify({ __type: 'InternalFailureException' }), JSON_CONTENT_TYPE);
      else res.destroy();
    });
  };
}

async function handle(dispatcher: Dispatcher, req: Req, res: Res): Promise<void> {
  res.on('error', () => undefined);
  req.on('error', () => undefined);
  if (dispatcher.route?.(req, res)) return;
  const requestId = randomUUID();
  res.setHeader('x-amzn-RequestId', requestId);
  const origin = req.headers.origin;
  if (req.method !== 'OPTIONS' || !origin) res.setHeader('x-amz-id-2', randomBytes(ID2_BYTES).toString('base64'));
  if (origin) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.method === 'OPTIONS') {
      const h = req.headers['access-control-request-headers'];
      const m = req.headers['access-control-request-method'];
      if (h) res.setHeader('Access-Control-Allow-Headers', h);
      if (m) res.setHeader('Access-Control-Allow-Methods', m);
      res.setHeader('Access-Control-Max-Age', CORS_MAX_AGE_S);
      send(res, 200, '');
      return;
    }
    res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
  }

  const body = await readBody(req, res);
  if (body === undefined) return;

  const url = new URL(req.url ?? '/', 'http://localhost');
  const authorization = req.headers.authorization;
  const hasAuth = authorization !== undefined || url.searchParams.has('X-Amz-Algorithm');
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const wire = req.method === 'POST' ? wireOf(contentType) : undefined;
  const target = String(req.headers['x-amz-target'] ?? '');
  const dot = target.indexOf('.');
  const service = dot >= 0 ? target.slice(0, dot) : target;
  const operation = dot >= 0 ? target.slice(dot + 1) : '';
  const known = service === model.targetPrefix && Object.hasOwn(model.operations, operation);

  if (wire === undefined) {
    if (!hasAuth) sendXmlError(res, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    else sendXmlError(res, 'AccessDeniedException', 'Unable to determine service/operation name to be authorized');
    return;
  }
  if (wire === 'deprecated-json') {
    const parsed = body.length > 0 ? decodeBody(body, 'json') : undefined;
    if (body.length > 0 && parsed === undefined) sendDeprecatedJson(res, 'SerializationException', 'Message');
    else sendDeprecatedJson(res, 'UnknownOperationException', 'message');
    return;
  }
  if (body.length === 0) {
    sendError(res, known ? new SerializationException() : new UnknownOperationException(), wire);
    return;
  }
  const parsed = decodeBody(body, wire);
  if (parsed === undefined) return sendError(res, new SerializationException(), wire);
  if (!known) return sendError(res, new UnknownOperationException(), wire);

  const auth = checkAuth(authorization, url.searchParams, Boolean(req.headers['x-amz-date'] || req.headers.date));
  if (auth.kind === 'missing') return sendError(res, new MissingAuthenticationTokenException('Missing Authentication Token'), wire);
  if (auth.kind === 'both')
    return sendError(
      res,
      new InvalidSignatureException("Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."),
      wire,
    );
  if (auth.kind === 'incomplete') return sendError(res, new IncompleteSignatureException(auth.message), wire);

  const abort = new AbortController();
  res.on('close', () => abort.abort());
  const ctx: CallContext = {
    requestId,
    region: auth.auth.region,
    accessKeyId: auth.auth.accessKeyId,
    wire,
    signal: abort.signal,
  };
  try {
    const opModel = model.operations[operation];
    const input = opModel?.input ? readStructure(parsed, opModel.input, wire) : {};
    if (opModel?.input) assertValid(input, opModel.input);
    const result = await dispatcher.dispatch(operation, input, ctx);
    if (isStreaming(result)) return await result.run(req, res, ctx);
    const out = result === undefined ? Buffer.alloc(0) : encodeBody(result, wire);
    send(res, 200, out, wire === 'json' ? JSON_CONTENT_TYPE : CBOR_CONTENT_TYPE);
  } catch (err) {
    if (err instanceof KinesisError) return sendError(res, err, wire);
    dispatcher.onError?.(err, operation);
    sendError(res, new KinesisError('InternalFailureException', undefined, 'server'), wire);
  }
}

function isStreaming(result: unknown): result is StreamingResult {
  return typeof result === 'object' && result !== null && (result as { streaming?: unknown }).streaming === true;
}
