// The AWS REST-JSON protocol (Lambda, and later others): routes a request to an operation by its
// model's `http` binding (method + requestUri template), binds input members from URI labels, the
// query string, headers and the JSON body (or a raw payload member), and encodes outputs and
// errors the way these services answer. Pure: bytes in, bytes out. See docs/protocols.md for what
// each answer is checked against.
import { isUtf8 } from 'node:buffer';
import {
  type BindingModel,
  type Decoded,
  errorShapeOf,
  type MemberRef,
  type Protocol,
  ProtocolError,
  type ServiceOperation,
  type ServiceShape,
  shapeIn,
  type TimestampFormat,
  timestampMs,
  type WireError,
  type WireRequest,
  type WireResponse,
} from './protocol.js';

export const REST_JSON_CONTENT_TYPE = 'application/json';

/** Beyond this many path segments a request matches no route (no AWS URI has more than a dozen). */
export const restPathSegmentsMax = 64;
/** Input structures nest a handful of levels; the walk stops (SerializationException) beyond this. */
export const restJsonDepthMax = 32;

/** The Coral front end's answer to a request no operation matches (see docs/protocols.md). */
export const UNKNOWN_OPERATION_BODY = '<UnknownOperationException/>\n';
export const unknownOperation = (): ProtocolError =>
  new ProtocolError('UnknownOperationException', undefined, 404);
/**
 * What Lambda was seen answering a signed request it could not route (docs/protocols.md): the
 * authorization layer's 403, as other REST services send it.
 */
export const UNROUTABLE_MESSAGE = 'Unable to determine service/operation name to be authorized';
export const unroutableAccessDenied = (): ProtocolError =>
  new ProtocolError('AccessDeniedException', UNROUTABLE_MESSAGE, 403, 'client', 'Message');
const serialization = (message: string): ProtocolError =>
  new ProtocolError('SerializationException', message, 400, 'client', 'Message');

// ---- Routing ---------------------------------------------------------------------------------------

type Segment = { readonly literal: string } | { readonly label: string; readonly greedy: boolean };

interface Route {
  readonly operation: string;
  readonly method: string;
  readonly segments: readonly Segment[];
  /** Query keys the URI requires (`?versions`), with the value when it names one (`?List=ALL`). */
  readonly query: readonly (readonly [string, string | undefined])[];
  readonly rank: number;
}

const routeTables = new WeakMap<BindingModel, readonly Route[]>();

function routesOf(model: BindingModel): readonly Route[] {
  let routes = routeTables.get(model);
  if (!routes) {
    routes = Object.entries(model.operations).map(([name, op]) => compileRoute(name, op));
    routeTables.set(model, routes);
  }
  return routes;
}

const splitPath = (path: string): string[] => {
  const parts = path.split('/').slice(1);
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
};

function compileRoute(operation: string, op: ServiceOperation): Route {
  const [path = '/', queryText] = op.http.requestUri.split('?', 2);
  const segments: Segment[] = splitPath(path).map((part) => {
    const m = /^\{([^}+]+)(\+?)\}$/.exec(part);
    return m ? { label: m[1] as string, greedy: m[2] === '+' } : { literal: part };
  });
  const query: [string, string | undefined][] = [];
  for (const pair of (queryText ?? '').split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    query.push(at < 0 ? [pair, undefined] : [pair.slice(0, at), pair.slice(at + 1)]);
  }
  const literals = segments.filter((s) => 'literal' in s).length;
  const greedy = segments.some((s) => 'greedy' in s && s.greedy);
  // The most specific route wins: query constraints, then literal segments, then no greedy label.
  const rank = query.length * 10_000 + literals * 10 + (greedy ? 0 : 1);
  return { operation, method: op.http.method.toUpperCase(), segments, query, rank };
}

function decodeSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** The labels a route binds from the request's (still encoded) path segments, or undefined. */
function matchSegments(route: Route, parts: readonly string[]): Map<string, string> | undefined {
  const labels = new Map<string, string>();
  const match = (si: number, pi: number): boolean => {
    if (si === route.segments.length) return pi === parts.length;
    const seg = route.segments[si] as Segment;
    if ('literal' in seg) {
      const part = parts[pi];
      return part !== undefined && decodeSegment(part) === seg.literal && match(si + 1, pi + 1);
    }
    if (!seg.greedy) {
      const part = parts[pi];
      if (part === undefined || part === '') return false;
      const value = decodeSegment(part);
      if (value === undefined) return false;
      labels.set(seg.label, value);
      return match(si + 1, pi + 1);
    }
    // A greedy label takes one or more segments; the segments after it need the rest.
    const after = route.segments.length - si - 1;
    for (let end = parts.length - after; end > pi; end--) {
      const values = parts.slice(pi, end).map(decodeSegment);
      if (values.some((v) => v === undefined) || values.join('') === '') continue;
      labels.set(seg.label, values.join('/'));
      if (match(si + 1, end)) return true;
    }
    return false;
  };
  return match(0, 0) ? labels : undefined;
}

export interface RouteMatch {
  readonly operation: string;
  readonly labels: ReadonlyMap<string, string>;
}

/** The operation a method + path + query selects, or undefined (answered as UnknownOperationException). */
export function route(
  model: BindingModel,
  method: string,
  path: string,
  query: URLSearchParams,
): RouteMatch | undefined {
  const parts = splitPath(path.startsWith('/') ? path : `/${path}`);
  if (parts.length > restPathSegmentsMax) return undefined;
  const verb = method.toUpperCase();
  let best: { route: Route; labels: Map<string, string> } | undefined;
  for (const r of routesOf(model)) {
    if (r.method !== verb || (best && best.route.rank >= r.rank)) continue;
    if (!r.query.every(([k, v]) => (v === undefined ? query.has(k) : query.getAll(k).includes(v)))) continue;
    const labels = matchSegments(r, parts);
    if (labels) best = { route: r, labels };
  }
  return best && { operation: best.route.operation, labels: best.labels };
}

// ---- Scalars from strings (labels, query, headers) ------------------------------------------------

const INTEGER_RE = /^[+-]?\d{1,20}$/;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodeBase64Strict(text: string): Buffer | undefined {
  return BASE64_RE.test(text) ? Buffer.from(text, 'base64') : undefined;
}

function parseTimestamp(text: string, format: TimestampFormat): number | undefined {
  if (format === 'unixTimestamp') {
    const n = Number(text);
    return text.trim() !== '' && Number.isFinite(n) ? Math.round(n * 1000) : undefined;
  }
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** One string from a label, query parameter or header as the member's shape type, or a thrown error. */
function scalarFrom(text: string, shape: ServiceShape, where: string, tsDefault: TimestampFormat): unknown {
  switch (shape.type) {
    case 'string':
      return text;
    case 'integer':
    case 'long':
      if (!INTEGER_RE.test(text))
        throw serialization(`Invalid value for ${where}: '${text}' is not an integer`);
      return Number(text);
    case 'float':
    case 'double': {
      const n = Number(text);
      if (text.trim() === '' || Number.isNaN(n)) throw serialization(`Invalid value for ${where}: '${text}'`);
      return n;
    }
    case 'boolean':
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw serialization(`Invalid value for ${where}: '${text}' is not a boolean`);
    case 'timestamp': {
      const ms = parseTimestamp(text, shape.timestampFormat ?? tsDefault);
      if (ms === undefined) throw serialization(`Invalid value for ${where}: '${text}' is not a timestamp`);
      return ms;
    }
    case 'blob': {
      const buf = decodeBase64Strict(text);
      if (!buf) throw serialization(`Invalid value for ${where}: not base64`);
      return buf;
    }
    default:
      throw serialization(`Unsupported binding of ${where}`);
  }
}

function headerValue(headers: WireRequest['headers'], name: string): string | undefined {
  const lower = name.toLowerCase();
  let v = headers[lower];
  // node:http gives lower-case names; anything else (a test, another transport) is searched.
  if (v === undefined)
    for (const [k, hv] of Object.entries(headers))
      if (k.toLowerCase() === lower) {
        v = hv;
        break;
      }
  return Array.isArray(v) ? v.join(', ') : v;
}

// ---- Decoding --------------------------------------------------------------------------------------

function decodeRequest(
  req: WireRequest,
  model: BindingModel,
  noRoute: () => ProtocolError = unknownOperation,
): Decoded | WireError {
  const matched = route(model, req.method, req.path, req.query);
  if (!matched) return noRoute();
  const op = model.operations[matched.operation] as ServiceOperation;
  if (!op.input) return { operation: matched.operation, input: {} };
  try {
    return { operation: matched.operation, input: bindInput(req, model, op.input, matched.labels) };
  } catch (err) {
    if (err instanceof ProtocolError) return err;
    throw err;
  }
}

function bindInput(
  req: WireRequest,
  model: BindingModel,
  shapeName: string,
  labels: ReadonlyMap<string, string>,
): Record<string, unknown> {
  const shape = shapeIn(model, shapeName);
  const input: Record<string, unknown> = {};
  const bodyMembers: [string, MemberRef][] = [];
  const claimedQuery = new Set<string>();
  let queryMap: [string, MemberRef] | undefined;
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const where = ref.locationName ?? name;
    const target = shapeIn(model, ref.shape);
    switch (ref.location) {
      case 'uri': {
        const value = labels.get(where);
        if (value !== undefined) input[name] = scalarFrom(value, target, where, 'iso8601');
        break;
      }
      case 'querystring': {
        if (target.type === 'map') {
          queryMap = [name, ref];
          break;
        }
        claimedQuery.add(where);
        const values = req.query.getAll(where);
        if (values.length === 0) break;
        if (target.type === 'list') {
          const item = shapeIn(model, target.member?.shape ?? 'String');
          input[name] = values.map((v) => scalarFrom(v, item, where, 'iso8601'));
        } else input[name] = scalarFrom(values[0] as string, target, where, 'iso8601');
        break;
      }
      case 'header': {
        const value = headerValue(req.headers, where);
        if (value === undefined) break;
        if (target.type === 'list') {
          const item = shapeIn(model, target.member?.shape ?? 'String');
          input[name] = value.split(',').map((v) => scalarFrom(v.trim(), item, where, 'rfc822'));
        } else input[name] = scalarFrom(value, target, where, 'rfc822');
        break;
      }
      case 'headers': {
        const prefix = (ref.locationName ?? '').toLowerCase();
        const out: Record<string, unknown> = {};
        for (const [h, v] of Object.entries(req.headers))
          if (v !== undefined && h.toLowerCase().startsWith(prefix))
            defineData(out, h.slice(prefix.length), Array.isArray(v) ? v.join(', ') : v);
        if (Object.keys(out).length > 0) input[name] = out;
        break;
      }
      case 'statusCode':
        break;
      default:
        bodyMembers.push([name, ref]);
    }
  }
  if (queryMap) {
    const [name, ref] = queryMap;
    const valueShape = shapeIn(model, shapeIn(model, ref.shape).value?.shape ?? 'String');
    const out: Record<string, unknown> = {};
    for (const key of new Set(req.query.keys())) {
      if (claimedQuery.has(key)) continue;
      const values = req.query.getAll(key);
      defineData(out, key, valueShape.type === 'list' ? values : values[0]);
    }
    if (Object.keys(out).length > 0) input[name] = out;
  }
  if (shape.payload) {
    const ref = shape.members?.[shape.payload];
    if (!ref) throw new Error(`${shapeName}: payload ${shape.payload} is not a member`);
    const target = shapeIn(model, ref.shape);
    if (target.type === 'blob') {
      if (req.body.length > 0) input[shape.payload] = req.body;
    } else if (target.type === 'string') {
      if (req.body.length > 0) input[shape.payload] = utf8(req.body);
    } else if (req.body.length > 0) {
      input[shape.payload] = readJson(parseJsonBody(req.body), model, ref.shape, 0);
    }
    return input;
  }
  if (bodyMembers.length > 0 && req.body.length > 0) {
    const body = parseJsonBody(req.body);
    for (const [name, ref] of bodyMembers) {
      const key = ref.jsonName ?? name;
      if (!Object.hasOwn(body, key)) continue;
      const v = body[key];
      if (v !== null && v !== undefined) input[name] = readJson(v, model, ref.shape, 1);
    }
  }
  return input;
}

function utf8(body: Buffer): string {
  if (!isUtf8(body)) throw serialization('Request body is not valid UTF-8');
  return body.toString('utf8');
}

function parseJsonBody(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(utf8(body));
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    throw serialization('Could not parse request body into json');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw serialization('Request body must be a JSON object');
  return value as Record<string, unknown>;
}

/** Copies a JSON value into the shape: known members only, blobs decoded, timestamps to epoch ms. */
function readJson(value: unknown, model: BindingModel, shapeName: string, depth: number): unknown {
  if (depth > restJsonDepthMax) throw serialization('Request body is nested too deeply');
  const shape = shapeIn(model, shapeName);
  switch (shape.type) {
    case 'structure': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
      const obj = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const key = ref.jsonName ?? name;
        if (!Object.hasOwn(obj, key)) continue;
        const v = obj[key];
        if (v !== null && v !== undefined) out[name] = readJson(v, model, ref.shape, depth + 1);
      }
      return out;
    }
    case 'list':
      if (!Array.isArray(value)) return value;
      return value.map((v) =>
        v === null ? null : readJson(v, model, shape.member?.shape ?? 'String', depth + 1),
      );
    case 'map': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>))
        if (v !== null) defineData(out, k, readJson(v, model, shape.value?.shape ?? 'String', depth + 1));
      return out;
    }
    case 'blob': {
      if (typeof value !== 'string') return value;
      const buf = decodeBase64Strict(value);
      if (!buf) throw serialization(`'${value.slice(0, 64)}' can not be converted to a Blob`);
      return buf;
    }
    case 'timestamp':
      if (typeof value === 'number' && Number.isFinite(value)) return Math.round(value * 1000);
      if (typeof value === 'string') {
        const ms = parseTimestamp(value, shape.timestampFormat ?? 'iso8601');
        if (ms === undefined)
          throw serialization(`'${value.slice(0, 64)}' can not be converted to a timestamp`);
        return ms;
      }
      return value;
    default:
      return value;
  }
}

/** Sets a data property even for a key like "__proto__". */
function defineData(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

// ---- Encoding --------------------------------------------------------------------------------------

/** RFC 7231 IMF-fixdate, the default for timestamps in headers. */
const httpDate = (ms: number): string => new Date(ms).toUTCString();

function headerText(value: unknown, shape: ServiceShape, model: BindingModel): string | undefined {
  if (value === undefined || value === null) return undefined;
  switch (shape.type) {
    case 'timestamp': {
      const ms = timestampMs(value);
      if (ms === undefined) return undefined;
      const f = shape.timestampFormat ?? 'rfc822';
      return f === 'unixTimestamp'
        ? String(ms / 1000)
        : f === 'iso8601'
          ? new Date(ms).toISOString()
          : httpDate(ms);
    }
    case 'blob':
      return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : String(value);
    case 'list':
      return Array.isArray(value)
        ? value.map((v) => headerText(v, shapeIn(model, shape.member?.shape ?? 'String'), model)).join(', ')
        : undefined;
    default:
      return String(value);
  }
}

/** A value as JSON by its shape: timestamps as epoch seconds, blobs as base64, nulls dropped. */
/** The modeled members a structure value has, in the value's key order (the operation's choice). */
function membersIn(shape: ServiceShape, value: Record<string, unknown>): [string, MemberRef][] {
  const members = shape.members ?? {};
  return Object.keys(value)
    .filter((name) => Object.hasOwn(members, name))
    .map((name) => [name, members[name] as MemberRef]);
}

function jsonValue(value: unknown, model: BindingModel, shapeName: string, depth: number): unknown {
  if (depth > restJsonDepthMax) throw new Error('output nested too deeply');
  const shape = shapeIn(model, shapeName);
  switch (shape.type) {
    case 'structure': {
      const obj = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, ref] of membersIn(shape, obj)) {
        const v = obj[name];
        if (v !== undefined && v !== null)
          out[ref.jsonName ?? name] = jsonValue(v, model, ref.shape, depth + 1);
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((v) =>
        v === null ? null : jsonValue(v, model, shape.member?.shape ?? 'String', depth + 1),
      );
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>))
        if (v !== undefined && v !== null)
          defineData(out, k, jsonValue(v, model, shape.value?.shape ?? 'String', depth + 1));
      return out;
    }
    case 'timestamp': {
      const ms = timestampMs(value);
      if (ms === undefined) return value;
      const f = shape.timestampFormat ?? 'unixTimestamp';
      return f === 'iso8601' ? new Date(ms).toISOString() : f === 'rfc822' ? httpDate(ms) : ms / 1000;
    }
    case 'blob':
      return value instanceof Uint8Array
        ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
        : value;
    default:
      return value;
  }
}

function encodeOutput(
  operation: string,
  output: unknown,
  model: BindingModel,
  requestId: string,
): WireResponse {
  const op = model.operations[operation];
  if (!op) throw new Error(`unknown operation ${operation}`);
  const headers: Record<string, string> = { 'x-amzn-RequestId': requestId };
  let status = op.http.responseCode ?? 200;
  if (!op.output || output === undefined || output === null)
    return { status, headers: { ...headers, 'Content-Length': '0' }, body: Buffer.alloc(0) };
  const shape = shapeIn(model, op.output);
  const out = output as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  const hasBodyMembers =
    !shape.payload && Object.values(shape.members ?? {}).some((ref) => ref.location === undefined);
  for (const [name, ref] of membersIn(shape, out)) {
    const v = out[name];
    const target = shapeIn(model, ref.shape);
    switch (ref.location) {
      case 'statusCode':
        if (typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599) status = v;
        break;
      case 'header': {
        const text = headerText(v, target, model);
        if (text !== undefined) headers[ref.locationName ?? name] = text;
        break;
      }
      case 'headers':
        if (v && typeof v === 'object')
          for (const [k, hv] of Object.entries(v as Record<string, unknown>))
            if (hv !== undefined && hv !== null) headers[`${ref.locationName ?? ''}${k}`] = String(hv);
        break;
      case 'uri':
      case 'querystring':
        break;
      default:
        if (shape.payload) break;
        if (v !== undefined && v !== null) body[ref.jsonName ?? name] = jsonValue(v, model, ref.shape, 1);
    }
  }
  if (shape.payload) {
    const ref = shape.members?.[shape.payload] as MemberRef;
    const target = shapeIn(model, ref.shape);
    const v = out[shape.payload];
    let bytes: Buffer;
    if (v === undefined || v === null) bytes = Buffer.alloc(0);
    else if (target.type === 'blob') {
      bytes = Buffer.from(v as Uint8Array);
      headers['Content-Type'] = 'application/octet-stream';
    } else if (target.type === 'string') {
      bytes = Buffer.from(String(v), 'utf8');
      headers['Content-Type'] = 'text/plain';
    } else {
      bytes = Buffer.from(JSON.stringify(jsonValue(v, model, ref.shape, 1)), 'utf8');
      headers['Content-Type'] = REST_JSON_CONTENT_TYPE;
    }
    return { status, headers: { ...headers, 'Content-Length': String(bytes.length) }, body: bytes };
  }
  if (!hasBodyMembers)
    return { status, headers: { ...headers, 'Content-Length': '0' }, body: Buffer.alloc(0) };
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  return {
    status,
    headers: { ...headers, 'Content-Type': REST_JSON_CONTENT_TYPE, 'Content-Length': String(bytes.length) },
    body: bytes,
  };
}

/**
 * An error as Lambda answers it: status from the error, `x-amzn-ErrorType: <Code>`, and a JSON
 * body whose members follow the modeled error shape: `Type` ("User" for client faults, "Service"
 * for server faults) where the shape has it, and the message under the shape's own spelling
 * (`Message` for ResourceNotFoundException, `message` for InvalidParameterValueException). Errors
 * the model does not list (the front end's) carry only the message under `err.messageKey`.
 * An UnknownOperationException with status 404 is the Coral front end's bare XML answer.
 */
export function encodeRestJsonError(err: WireError, requestId: string, model?: BindingModel): WireResponse {
  if (err.name === 'UnknownOperationException' && err.status === 404) {
    const bytes = Buffer.from(UNKNOWN_OPERATION_BODY, 'utf8');
    return {
      status: 404,
      headers: { 'x-amzn-RequestId': requestId, 'Content-Length': String(bytes.length) },
      body: bytes,
    };
  }
  const shape = model ? errorShapeOf(model, err.name) : undefined;
  const body: Record<string, unknown> = {};
  let messageKey: string = err.messageKey;
  if (shape) {
    const members = shape.members ?? {};
    if (Object.hasOwn(members, 'Type')) body.Type = err.fault === 'server' ? 'Service' : 'User';
    if (Object.hasOwn(members, 'Message')) messageKey = 'Message';
    else if (Object.hasOwn(members, 'message')) messageKey = 'message';
  }
  if (err.hasMessage) body[messageKey] = err.message;
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  return {
    status: err.status,
    headers: {
      'x-amzn-RequestId': requestId,
      'x-amzn-ErrorType': err.name,
      'Content-Type': REST_JSON_CONTENT_TYPE,
      'Content-Length': String(bytes.length),
    },
    body: bytes,
  };
}

export interface RestJsonOptions {
  /**
   * The answer to a request no operation matches: `unknown-operation` (default), the Coral front
   * end's bare 404 `<UnknownOperationException/>`; `access-denied`, the 403 AccessDeniedException
   * "Unable to determine service/operation name to be authorized" Lambda was seen answering. Which
   * one real Lambda sends in every case is not settled (docs/protocols.md).
   */
  readonly unknownRoute?: 'unknown-operation' | 'access-denied';
}

export function createRestJson(options: RestJsonOptions = {}): Protocol<BindingModel> {
  const noRoute = options.unknownRoute === 'access-denied' ? unroutableAccessDenied : unknownOperation;
  return {
    name: 'rest-json',
    decode: (req, model) => decodeRequest(req, model, noRoute),
    encodeOutput,
    encodeError: encodeRestJsonError,
  };
}

export const restJson: Protocol<BindingModel> = createRestJson();
