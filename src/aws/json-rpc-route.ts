// The JSON 1.0/1.1 + CBOR route of the front end, for the service a request was routed to: the
// gateway's checks in the order AWS applies them (documented by kinesalite's tests, recorded
// against AWS): method and content type, target, authentication, deserialization, validation
// against the service's model, authorization, then the operation, its encoding and its errors.
import { randomUUID } from 'node:crypto';
import {
  AwsError,
  INTERNAL_FAILURE_TYPE,
  IncompleteSignatureException,
  InvalidSignatureException,
  MissingAuthenticationTokenException,
  SerializationException,
  UnknownOperationException,
} from './errors.js';
import { type FaultInjector, INTERNAL_FAILURE } from './faults.js';
import { send, sendXmlError } from './http-util.js';
import { readStructure } from './model/deserialize.js';
import { assertValid } from './model/validate.js';
import { type CallContext, EncodedBody, isStreaming, type Req, type Res } from './operation.js';
import {
  CBOR_CONTENT_TYPE,
  decodeBody,
  encodeBody,
  JSON_CONTENT_TYPE,
  type WireFormat,
} from './protocols/codec.js';
import type { JsonRpcService } from './service.js';
import { checkAuth } from './sigv4.js';

// JSON answers expose the full list; AWS's XML 403s expose only two (http-util.ts).
const EXPOSE_HEADERS =
  'x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date';
const NO_QUERY: URLSearchParams = new URLSearchParams();

/** Hooks of the pipeline that every JSON-RPC call passes through. */
export interface JsonRpcHooks {
  /** Authorization (a no-op until access control lands): throws an AwsError to deny. */
  authorize?(
    service: JsonRpcService,
    operation: string,
    input: Record<string, unknown>,
    call: CallContext,
  ): void;
  onError?(err: unknown, operation: string | undefined): void;
  /** Fault rules applied right before each operation runs (aws/faults.ts). */
  readonly faults?: FaultInjector;
}

export function errorBody(err: AwsError, wire: WireFormat): Buffer {
  const body: Record<string, unknown> = { __type: err.name };
  if (err.hasMessage) body[err.messageKey] = err.message;
  return encodeBody(body, wire);
}

const contentTypeOf = (wire: WireFormat): string => (wire === 'json' ? JSON_CONTENT_TYPE : CBOR_CONTENT_TYPE);

export function sendError(res: Res, err: AwsError, wire: WireFormat): void {
  if (!res.headersSent) res.setHeader('x-amzn-ErrorType', err.name);
  send(res, err.status, errorBody(err, wire), contentTypeOf(wire));
}

export function sendInternalFailure(res: Res, wire: WireFormat): void {
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

interface Target {
  readonly operation: string;
  /** The prefix is the service's and the operation is in its model. */
  readonly known: boolean;
}

function parseTarget(service: JsonRpcService, header: string | string[] | undefined): Target {
  const target = String(header ?? '');
  const dot = target.indexOf('.');
  const prefix = dot >= 0 ? target.slice(0, dot) : target;
  const operation = dot >= 0 ? target.slice(dot + 1) : '';
  return {
    operation,
    known: prefix === service.targetPrefix && Object.hasOwn(service.model.operations, operation),
  };
}

function queryOf(url: string | undefined): URLSearchParams {
  const q = url === undefined ? -1 : url.indexOf('?');
  return q < 0 ? NO_QUERY : new URLSearchParams((url as string).slice(q + 1));
}

/** Serves one request routed to a JSON-RPC service (the body is read, ids and CORS are set). */
export async function serveJsonRpc(
  service: JsonRpcService,
  hooks: JsonRpcHooks,
  req: Req,
  res: Res,
  requestBody: Buffer,
  requestId: string,
): Promise<void> {
  let body = requestBody;
  const origin = req.headers.origin;
  const query = queryOf(req.url);
  const authorization = req.headers.authorization;
  const hasAuth = authorization !== undefined || query.has('X-Amz-Algorithm');
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const wire = req.method === 'POST' ? wireOf(contentType) : undefined;
  const target = parseTarget(service, req.headers['x-amz-target']);

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
  // An operation with a fast path has its plain JSON body read straight into validated input;
  // anything else (and every error) goes through the generic decode, deserialize and validate.
  let fast: Record<string, unknown> | undefined;
  const entry = target.known ? service.operation(target.operation) : undefined;
  if (wire === 'json' && entry?.fastPath !== undefined && service.readFastInput) {
    const read = service.readFastInput(entry, body);
    const got = read instanceof Promise ? await read : read;
    if (got !== undefined) {
      if ('input' in got) fast = got.input;
      else body = got.body;
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
  const call: CallContext = {
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
  await runOperation(service, hooks, target.operation, parsed, fast !== undefined, call, req, res);
}

/** Model-driven deserialization and validation of a JSON-shaped input (wire or in-process). */
export function readInput(
  service: JsonRpcService,
  operation: string,
  parsed: Record<string, unknown>,
  wire: WireFormat,
): Record<string, unknown> {
  const shapeName = service.model.operations[operation]?.input;
  if (!shapeName) return {};
  const input = readStructure(service.model, parsed, shapeName, wire);
  assertValid(service.model, input, shapeName);
  return input;
}

/**
 * Runs an operation from inside the process (bootstrap, tools) through the same deserialization
 * and validation as a wire request, so it gets exactly the checks and errors a client would.
 */
export async function invokeOperation(
  service: JsonRpcService,
  operation: string,
  jsonInput: Record<string, unknown>,
  call: CallContext,
): Promise<unknown> {
  if (!Object.hasOwn(service.model.operations, operation)) throw new UnknownOperationException();
  return service.dispatch(operation, readInput(service, operation, jsonInput, 'json'), call);
}

async function runOperation(
  service: JsonRpcService,
  hooks: JsonRpcHooks,
  operation: string,
  parsed: Record<string, unknown>,
  validated: boolean,
  call: CallContext,
  req: Req,
  res: Res,
): Promise<void> {
  try {
    const input = validated ? parsed : readInput(service, operation, parsed, call.wire);
    hooks.authorize?.(service, operation, input, call);
    const faults = hooks.faults?.active;
    if (faults !== undefined) {
      const fault = await faults.beforeCall(service.name, operation, input, call.region, req);
      if (fault === 'dropped') return;
      if (fault?.error === INTERNAL_FAILURE) return sendInternalFailure(res, call.wire);
      if (fault)
        return sendError(
          res,
          new AwsError(fault.error, fault.message, {
            fault: 'client',
            status: fault.status,
            messageKey: 'message',
          }),
          call.wire,
        );
    }
    const result = await service.dispatch(operation, input, call);
    if (isStreaming(result)) return await result.run(req, res, call);
    const out =
      result === undefined
        ? Buffer.alloc(0)
        : result instanceof EncodedBody
          ? result.bytes
          : encodeBody(result, call.wire);
    send(res, 200, out, contentTypeOf(call.wire));
  } catch (err) {
    if (err instanceof AwsError) return sendError(res, err, call.wire);
    hooks.onError?.(err, operation);
    sendInternalFailure(res, call.wire);
  }
}

export const newRequestId = (): string => randomUUID();
