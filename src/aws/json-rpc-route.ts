// The JSON 1.0/1.1 + CBOR route of the front end, for the service a request was routed to: the
// gateway's checks in the order AWS applies them (recorded against AWS in kinesalite's
// test/connection.js; docs/protocol.md): method, empty body, content type, decoding, target,
// authentication, deserialization and validation against the service's model, authorization, then
// the operation, its encoding and its errors.
import { randomUUID } from 'node:crypto';
import {
  AwsError,
  INTERNAL_FAILURE_TYPE,
  SerializationException,
  UnknownOperationException,
} from './errors.js';
import { type FaultInjector, faultError, INTERNAL_FAILURE } from './faults.js';
import { send, sendXmlError } from './http-util.js';
import { readStructure } from './model/deserialize.js';
import { assertValid } from './model/validate.js';
import { type CallContext, EncodedBody, isStreaming, type Req, type Res } from './operation.js';
import {
  CBOR_CONTENT_TYPE,
  decodeBody,
  encodeBody,
  encodeCborTextMap,
  JSON_CONTENT_TYPE,
  type WireFormat,
} from './protocols/codec.js';
import type { JsonRpcService } from './service.js';
import { authError, authenticate } from './sigv4.js';

// Every answer to a request with an Origin exposes these (the preflight answers in pipeline.ts).
const EXPOSE_HEADERS =
  'x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date';

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

/** `{"__type": name, message?}`; in CBOR the indefinite-length map AWS writes. */
export function errorBody(err: AwsError, wire: WireFormat): Buffer {
  const body: Record<string, string> = { __type: err.name };
  if (err.hasMessage) body[err.messageKey] = err.message;
  return wire === 'cbor' ? encodeCborTextMap(body) : encodeBody(body, wire);
}

const contentTypeOf = (wire: WireFormat): string => (wire === 'json' ? JSON_CONTENT_TYPE : CBOR_CONTENT_TYPE);

export function sendError(res: Res, err: AwsError, wire: WireFormat): void {
  if (!res.headersSent) res.setHeader('x-amzn-ErrorType', err.name);
  send(res, err.status, errorBody(err, wire), contentTypeOf(wire));
}

export function sendInternalFailure(res: Res, wire: WireFormat): void {
  if (!res.headersSent) res.setHeader('x-amzn-ErrorType', INTERNAL_FAILURE_TYPE);
  const body = { __type: INTERNAL_FAILURE_TYPE };
  send(res, 500, wire === 'cbor' ? encodeCborTextMap(body) : encodeBody(body, wire), contentTypeOf(wire));
}

/** The retired `application/json` protocol's envelope: `{"Output":{"__type":"com.amazon.coral.service#…"},"Version":"1.0"}`. */
function sendDeprecatedJson(res: Res, status: number, type: string): void {
  send(
    res,
    status,
    `{"Output":{"__type":"com.amazon.coral.service#${type}"},"Version":"1.0"}`,
    'application/json',
  );
}

function wireOf(contentType: string): WireFormat | 'deprecated-json' | undefined {
  if (contentType === JSON_CONTENT_TYPE) return 'json';
  if (contentType === CBOR_CONTENT_TYPE) return 'cbor';
  if (contentType === 'application/json') return 'deprecated-json';
  return undefined;
}

interface Target {
  /** Before the first dot (the whole header when there is none). */
  readonly prefix: string;
  /** After the first dot ('' when there is none). */
  readonly operation: string;
  /** The prefix is the service's and the operation is in its model. */
  readonly known: boolean;
}

function parseTarget(service: JsonRpcService, header: string | string[] | undefined): Target {
  const target = header === undefined ? '' : String(header);
  const dot = target.indexOf('.');
  const prefix = dot >= 0 ? target.slice(0, dot) : target;
  const operation = dot >= 0 ? target.slice(dot + 1) : '';
  return {
    prefix,
    operation,
    known: prefix === service.targetPrefix && Object.hasOwn(service.model.operations, operation),
  };
}

interface XmlAnswer {
  readonly status: number;
  readonly type: string;
  readonly message?: string;
}

/**
 * AWS's answer to a request it cannot read as JSON/CBOR (not a POST, or a body under another
 * content type): authentication first, then what the target names, all as bare XML.
 */
function gatewayXmlAnswer(
  service: JsonRpcService,
  req: Req,
  query: URLSearchParams,
  target: Target,
): XmlAnswer {
  const auth = authenticate(req.headers, query);
  if (auth.kind !== 'ok') {
    const err = authError(auth);
    return { status: 403, type: err.name, message: err.message };
  }
  if (target.prefix === '' || target.operation === '')
    return {
      status: 403,
      type: 'AccessDeniedException',
      message: 'Unable to determine service/operation name to be authorized',
    };
  if (target.prefix !== service.targetPrefix)
    return {
      status: 403,
      type: 'UnrecognizedClientException',
      message: `No authorization strategy was found for service: ${target.prefix}, operation: ${target.operation}`,
    };
  if (!target.known) return { status: 500, type: INTERNAL_FAILURE_TYPE };
  return { status: 404, type: 'UnknownOperationException' };
}

function sendGatewayXml(
  service: JsonRpcService,
  req: Req,
  res: Res,
  query: URLSearchParams,
  target: Target,
): void {
  const { status, type, message } = gatewayXmlAnswer(service, req, query, target);
  sendXmlError(res, status, type, message);
}

/**
 * Serves one request routed to a JSON-RPC service (the body is read, ids and CORS are set), in
 * the order AWS checks (docs/protocol.md, steps 6–15).
 */
export async function serveJsonRpc(
  service: JsonRpcService,
  hooks: JsonRpcHooks,
  req: Req,
  res: Res,
  requestBody: Buffer,
  requestId: string,
  query: URLSearchParams,
): Promise<void> {
  let body = requestBody;
  if (req.headers.origin) res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
  const target = parseTarget(service, req.headers['x-amz-target']);
  if (req.method !== 'POST') return sendGatewayXml(service, req, res, query, target);
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (body.length === 0)
    return sendError(
      res,
      target.known ? new SerializationException() : new UnknownOperationException(),
      contentType === JSON_CONTENT_TYPE ? 'json' : 'cbor',
    );
  const wire = wireOf(contentType);
  if (wire === undefined) return sendGatewayXml(service, req, res, query, target);
  if (wire === 'deprecated-json') {
    // The retired JSON protocol is never served: AWS answers with its old error envelope.
    if (decodeBody(body, 'json') === undefined) sendDeprecatedJson(res, 400, 'SerializationException');
    else sendDeprecatedJson(res, 404, 'UnknownOperationException');
    return;
  }
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

  const auth = authenticate(req.headers, query);
  if (auth.kind !== 'ok') return sendError(res, authError(auth), wire);

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
      if (fault) return sendError(res, faultError(fault), call.wire);
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
