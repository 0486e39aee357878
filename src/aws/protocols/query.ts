// The AWS Query protocol (STS, IAM): form-encoded `Action=...&Version=...` requests with members in
// Query serialization (`A.B`, `L.member.N`, `M.entry.N.key`), XML answers wrapped in
// `<ActionResponse><ActionResult>` and `<ErrorResponse><Error>`. Pure: bytes in, bytes out. See
// docs/protocols.md for what each answer is checked against and what is not verified.
import { isUtf8 } from 'node:buffer';
import {
  type BindingModel,
  type Decoded,
  iso8601,
  type MemberRef,
  type Protocol,
  ProtocolError,
  type ServiceShape,
  shapeIn,
  type TimestampFormat,
  timestampMs,
  type WireError,
  type WireRequest,
  type WireResponse,
} from './protocol.js';

export const QUERY_CONTENT_TYPE = 'application/x-www-form-urlencoded';
export const XML_CONTENT_TYPE = 'text/xml';

/** The largest list/map index (`Tags.member.N`) accepted; beyond it the request is refused. IAM's and STS's lists hold at most a few hundred items. */
export const queryMemberIndexMax = 1000;
/** Keys with more dot-separated parts than this, and shapes nested deeper, are not read. */
export const queryDepthMax = 32;

/** The namespace of the errors AWS's generic Query front end answers (an unroutable action). */
export const AWS_FAULT_NAMESPACE = 'http://webservices.amazon.com/AWSFault/2005-15-09';
/** Where STS sends a request without an Action (302; the GET query string is appended). */
export const MISSING_ACTION_LOCATION = 'https://aws.amazon.com/iam';
/** Errors answered in AWS_FAULT_NAMESPACE rather than the service's namespace. */
const AWS_FAULT_CODES: ReadonlySet<string> = new Set(['InvalidAction']);

/** A request without an Action: STS redirects it to the IAM product page (see docs/protocols.md). */
export class MissingActionRedirect extends ProtocolError {
  readonly location: string;
  constructor(location: string) {
    super('MissingAction', undefined, 302);
    this.location = location;
  }
}

// Front-end errors: wording as AWS STS answers them (docs/protocols.md), the others from AWS's
// "Common Errors" list.
const invalidAction = (action: string, version: string | undefined): ProtocolError =>
  new ProtocolError(
    'InvalidAction',
    `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`,
    400,
  );
const malformedQuery = (): ProtocolError =>
  new ProtocolError('MalformedQueryString', 'The query string contains a syntax error.', 404);
const invalidQueryParameter = (key: string): ProtocolError =>
  new ProtocolError(
    'InvalidQueryParameter',
    `The AWS query string is malformed or does not adhere to AWS standards: ${key}`,
    400,
  );
/** A value that does not parse as its member's type: STS answers MalformedInput, mostly without a message. */
const malformedInput = (value: string): ProtocolError =>
  new ProtocolError('MalformedInput', value === '' ? 'missing value for decimal type' : undefined, 400);

// ---- Form decoding -----------------------------------------------------------------------------

function decodeComponent(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * Parses an `application/x-www-form-urlencoded` body strictly: invalid percent-encoding or
 * encoded bytes that are not UTF-8 answer undefined (WHATWG's lenient parser would keep them).
 */
export function parseForm(body: Buffer): [string, string][] | undefined {
  if (!isUtf8(body)) return undefined;
  const out: [string, string][] = [];
  const text = body.toString('utf8');
  if (text === '') return out;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const key = decodeComponent(at < 0 ? pair : pair.slice(0, at));
    const value = decodeComponent(at < 0 ? '' : pair.slice(at + 1));
    if (key === undefined || value === undefined) return undefined;
    out.push([key, value]);
  }
  return out;
}

/** Only a form body carries parameters (STS does not read a POST body without this content type). */
function isForm(req: WireRequest): boolean {
  const raw = req.headers['content-type'];
  const type = (Array.isArray(raw) ? raw[0] : raw)?.split(';')[0]?.trim().toLowerCase();
  return type === QUERY_CONTENT_TYPE;
}

/** Parameters of the body and the URL, the first occurrence of a key winning. */
function paramsOf(req: WireRequest): Map<string, string> | ProtocolError {
  const params = new Map<string, string>();
  if (req.body.length > 0 && isForm(req)) {
    const form = parseForm(req.body);
    if (!form) return malformedQuery();
    for (const [k, v] of form) if (!params.has(k)) params.set(k, v);
  }
  for (const [k, v] of req.query) if (!params.has(k)) params.set(k, v);
  return params;
}

// ---- Parameters to input -------------------------------------------------------------------------

interface Node {
  value?: string;
  children?: Map<string, Node>;
}

function treeOf(params: ReadonlyMap<string, string>): Node {
  const root: Node = {};
  for (const [key, value] of params) {
    const parts = key.split('.');
    if (parts.length > queryDepthMax) continue;
    let node = root;
    for (const part of parts) {
      node.children ??= new Map();
      let next = node.children.get(part);
      if (!next) {
        next = {};
        node.children.set(part, next);
      }
      node = next;
    }
    node.value = value;
  }
  return root;
}

const INDEX_RE = /^[1-9]\d*$/;
const INTEGER_RE = /^[+-]?\d+$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The indexed children (`.1`, `.2`, ...) of a list or map node, in index order. */
function indexed(node: Node | undefined, path: string): Node[] {
  if (!node?.children) return [];
  const items: [number, Node][] = [];
  for (const [k, child] of node.children) {
    if (!INDEX_RE.test(k)) continue;
    const i = k.length > 7 ? Number.POSITIVE_INFINITY : Number(k);
    if (i > queryMemberIndexMax) throw invalidQueryParameter(`${path}.${k}`);
    items.push([i, child]);
  }
  return items.sort((a, b) => a[0] - b[0]).map(([, n]) => n);
}

const serializedName = (ref: MemberRef | undefined, fallback: string): string =>
  ref?.locationName ?? fallback;

function readMembers(
  node: Node,
  model: BindingModel,
  shape: ServiceShape,
  path: string,
  depth: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const key = serializedName(ref, name);
    const target = shapeIn(model, ref.shape);
    const where = path ? `${path}.${key}` : key;
    let value: unknown;
    if (target.type === 'list' && (ref.flattened || target.flattened)) {
      // Flattened: `Key.N` (or `MemberName.N` when the list member names itself).
      const itemsNode = node.children?.get(target.member?.locationName ?? key);
      if (itemsNode?.value === '' && !itemsNode.children) value = [];
      else if (itemsNode) value = readList(itemsNode, model, target, where, depth);
    } else {
      const child = node.children?.get(key);
      if (child) value = readValue(child, model, ref.shape, where, depth + 1, ref.flattened);
    }
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function readList(
  itemsNode: Node,
  model: BindingModel,
  shape: ServiceShape,
  path: string,
  depth: number,
): unknown[] {
  const memberShape = shape.member?.shape ?? 'String';
  const out: unknown[] = [];
  for (const item of indexed(itemsNode, path)) {
    const v = readValue(item, model, memberShape, path, depth + 1, false);
    if (v !== undefined) out.push(v);
  }
  return out;
}

function readValue(
  node: Node,
  model: BindingModel,
  shapeName: string,
  path: string,
  depth: number,
  flattened: boolean | undefined,
): unknown {
  if (depth > queryDepthMax) return undefined;
  const shape = shapeIn(model, shapeName);
  switch (shape.type) {
    case 'structure':
      return node.children
        ? readMembers(node, model, shape, path, depth)
        : node.value !== undefined
          ? {}
          : undefined;
    case 'list': {
      // `Key=` with nothing under it is how Query serializers send an empty list.
      if (!node.children) return node.value === '' ? [] : undefined;
      const itemsNode =
        flattened || shape.flattened ? node : node.children.get(shape.member?.locationName ?? 'member');
      return itemsNode ? readList(itemsNode, model, shape, path, depth) : [];
    }
    case 'map': {
      if (!node.children) return node.value === '' ? {} : undefined;
      const entries = flattened || shape.flattened ? node : node.children.get('entry');
      const keyName = serializedName(shape.key, 'key');
      const valueName = serializedName(shape.value, 'value');
      const out: Record<string, unknown> = {};
      for (const entry of indexed(entries, path)) {
        const k = entry.children?.get(keyName)?.value;
        const vNode = entry.children?.get(valueName);
        if (k === undefined || !vNode || Object.hasOwn(out, k)) continue;
        const v = readValue(vNode, model, shape.value?.shape ?? 'String', path, depth + 1, false);
        if (v !== undefined)
          Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    default:
      return node.value === undefined ? undefined : scalarOf(node.value, shape);
  }
}

function parseTimestamp(text: string, format: TimestampFormat): number | undefined {
  if (format === 'unixTimestamp') {
    const n = Number(text);
    return text.trim() !== '' && Number.isFinite(n) ? Math.round(n * 1000) : undefined;
  }
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

function scalarOf(text: string, shape: ServiceShape): unknown {
  switch (shape.type) {
    case 'string':
      return text;
    case 'integer':
    case 'long': {
      // STS takes "+900" and "0900", refuses "900.0" and values beyond a Java int.
      if (!INTEGER_RE.test(text)) throw malformedInput(text);
      const big = BigInt(text);
      const [min, max] =
        shape.type === 'integer'
          ? [INT32_MIN, INT32_MAX]
          : [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
      if (big < BigInt(min) || big > BigInt(max)) throw malformedInput(text);
      return Number(big);
    }
    case 'float':
    case 'double': {
      const n = Number(text);
      if (text.trim() === '' || Number.isNaN(n)) throw malformedInput(text);
      return n;
    }
    case 'boolean':
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw malformedInput(text);
    case 'timestamp': {
      const ms = parseTimestamp(text, shape.timestampFormat ?? 'iso8601');
      if (ms === undefined) throw malformedInput(text);
      return ms;
    }
    case 'blob':
      if (!BASE64_RE.test(text)) throw malformedInput(text);
      return Buffer.from(text, 'base64');
    default:
      return text;
  }
}

function decodeRequest(req: WireRequest, model: BindingModel): Decoded | WireError {
  const params = paramsOf(req);
  if (params instanceof ProtocolError) return params;
  const action = params.get('Action');
  if (action === undefined) {
    const qs = req.method.toUpperCase() === 'GET' ? req.query.toString() : '';
    return new MissingActionRedirect(qs ? `${MISSING_ACTION_LOCATION}?${qs}` : MISSING_ACTION_LOCATION);
  }
  const version = params.get('Version');
  const op = Object.hasOwn(model.operations, action) ? model.operations[action] : undefined;
  if (!op || version !== model.apiVersion) return invalidAction(action, version);
  if (!op.input) return { operation: action, input: {} };
  try {
    const tree = treeOf(params);
    return { operation: action, input: readMembers(tree, model, shapeIn(model, op.input), '', 0) };
  } catch (err) {
    if (err instanceof ProtocolError) return err;
    throw err;
  }
}

// ---- Input to parameters (the client side: tests, and a future in-repo client) -----------------------

/** Serializes an operation's input the way botocore's QuerySerializer does. */
export function serializeQueryInput(
  operation: string,
  input: Record<string, unknown>,
  model: BindingModel,
): string {
  const op = model.operations[operation];
  if (!op) throw new Error(`unknown operation ${operation}`);
  const out: [string, string][] = [
    ['Action', operation],
    ['Version', model.apiVersion],
  ];
  if (op.input) writeStructure(out, input, model, shapeIn(model, op.input), '');
  return out.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

function writeStructure(
  out: [string, string][],
  value: Record<string, unknown>,
  model: BindingModel,
  shape: ServiceShape,
  prefix: string,
): void {
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const v = value[name];
    if (v === undefined || v === null) continue;
    const key = serializedName(ref, name);
    writeValue(out, v, model, ref, prefix ? `${prefix}.${key}` : key);
  }
}

function writeValue(
  out: [string, string][],
  value: unknown,
  model: BindingModel,
  ref: MemberRef,
  prefix: string,
): void {
  const shape = shapeIn(model, ref.shape);
  switch (shape.type) {
    case 'structure':
      writeStructure(out, value as Record<string, unknown>, model, shape, prefix);
      return;
    case 'list': {
      const items = value as unknown[];
      if (items.length === 0) {
        out.push([prefix, '']);
        return;
      }
      const member = shape.member ?? { shape: 'String' };
      let listPrefix: string;
      if (ref.flattened || shape.flattened)
        listPrefix = member.locationName
          ? [...prefix.split('.').slice(0, -1), member.locationName].join('.')
          : prefix;
      else listPrefix = `${prefix}.${member.locationName ?? 'member'}`;
      items.forEach((item, i) => {
        writeValue(out, item, model, member, `${listPrefix}.${i + 1}`);
      });
      return;
    }
    case 'map': {
      const base = ref.flattened || shape.flattened ? prefix : `${prefix}.entry`;
      const keyName = serializedName(shape.key, 'key');
      const valueName = serializedName(shape.value, 'value');
      Object.entries(value as Record<string, unknown>).forEach(([k, v], i) => {
        out.push([`${base}.${i + 1}.${keyName}`, k]);
        writeValue(out, v, model, shape.value ?? { shape: 'String' }, `${base}.${i + 1}.${valueName}`);
      });
      return;
    }
    default:
      out.push([prefix, scalarText(value, shape)]);
  }
}

// ---- XML ---------------------------------------------------------------------------------------------

// Characters XML 1.0 cannot carry at all, not even as references: C0 controls but TAB, LF, CR;
// lone surrogates; U+FFFE and U+FFFF. They are answered as U+FFFD.
const XML_INVALID_RE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#xD;',
};

/** Text for XML content or attribute values: markup characters escaped, invalid characters replaced. */
export function escapeXml(text: string): string {
  return text.replace(XML_INVALID_RE, '\uFFFD').replace(/[&<>"'\r]/g, (c) => XML_ESCAPES[c] as string);
}

function scalarText(value: unknown, shape: ServiceShape): string {
  switch (shape.type) {
    case 'timestamp': {
      const ms = timestampMs(value);
      if (ms === undefined) return String(value);
      const f = shape.timestampFormat ?? 'iso8601';
      return f === 'unixTimestamp'
        ? String(ms / 1000)
        : f === 'rfc822'
          ? new Date(ms).toUTCString()
          : iso8601(ms);
    }
    case 'blob':
      return value instanceof Uint8Array
        ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
        : String(value);
    case 'float':
    case 'double':
      return typeof value === 'number' && !Number.isFinite(value)
        ? Number.isNaN(value)
          ? 'NaN'
          : value > 0
            ? 'Infinity'
            : '-Infinity'
        : String(value);
    default:
      return String(value);
  }
}

/**
 * The modeled members of a structure value, in the value's own key order: AWS does not answer in
 * model order (STS: GetCallerIdentity Arn, UserId, Account; AssumeRole AssumedRoleUser before
 * Credentials), so the operation decides by how it builds its output.
 */
function xmlMembers(
  lines: string[],
  value: Record<string, unknown>,
  model: BindingModel,
  shape: ServiceShape,
  depth: number,
): void {
  const members = shape.members ?? {};
  for (const name of Object.keys(value)) {
    if (!Object.hasOwn(members, name)) continue;
    const v = value[name];
    if (v === undefined || v === null) continue;
    const ref = members[name] as MemberRef;
    xmlValue(lines, serializedName(ref, name), v, model, ref, depth + 1);
  }
}

const indent = (depth: number): string => '  '.repeat(depth);

/** One element per line, two spaces per level, as AWS's Query services answer. */
function xmlValue(
  lines: string[],
  tag: string,
  value: unknown,
  model: BindingModel,
  ref: MemberRef,
  depth: number,
): void {
  if (depth > queryDepthMax + 2) throw new Error('output nested too deeply');
  const shape = shapeIn(model, ref.shape);
  const at = indent(depth);
  switch (shape.type) {
    case 'structure':
      lines.push(`${at}<${tag}>`);
      xmlMembers(lines, value as Record<string, unknown>, model, shape, depth);
      lines.push(`${at}</${tag}>`);
      return;
    case 'list': {
      const member = shape.member ?? { shape: 'String' };
      const items = (value as unknown[]).filter((v) => v !== undefined && v !== null);
      if (ref.flattened || shape.flattened) {
        for (const item of items) xmlValue(lines, member.locationName ?? tag, item, model, member, depth);
        return;
      }
      if (items.length === 0) {
        lines.push(`${at}<${tag}/>`);
        return;
      }
      lines.push(`${at}<${tag}>`);
      for (const item of items)
        xmlValue(lines, member.locationName ?? 'member', item, model, member, depth + 1);
      lines.push(`${at}</${tag}>`);
      return;
    }
    case 'map': {
      const keyName = serializedName(shape.key, 'key');
      const valueName = serializedName(shape.value, 'value');
      const flat = ref.flattened || shape.flattened;
      const entries = Object.entries(value as Record<string, unknown>).filter(
        ([, v]) => v !== undefined && v !== null,
      );
      if (!flat && entries.length === 0) {
        lines.push(`${at}<${tag}/>`);
        return;
      }
      if (!flat) lines.push(`${at}<${tag}>`);
      const entryDepth = flat ? depth : depth + 1;
      const entryTag = flat ? tag : 'entry';
      for (const [k, v] of entries) {
        lines.push(`${indent(entryDepth)}<${entryTag}>`);
        lines.push(`${indent(entryDepth + 1)}<${keyName}>${escapeXml(k)}</${keyName}>`);
        xmlValue(lines, valueName, v, model, shape.value ?? { shape: 'String' }, entryDepth + 1);
        lines.push(`${indent(entryDepth)}</${entryTag}>`);
      }
      if (!flat) lines.push(`${at}</${tag}>`);
      return;
    }
    default:
      lines.push(`${at}<${tag}>${escapeXml(scalarText(value, shape))}</${tag}>`);
  }
}

const xmlnsAttr = (ns: string | undefined): string => (ns ? ` xmlns="${escapeXml(ns)}"` : '');

function xmlResponse(status: number, lines: readonly string[], requestId: string): WireResponse {
  const body = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
  return {
    status,
    headers: {
      'x-amzn-RequestId': requestId,
      'Content-Type': XML_CONTENT_TYPE,
      'Content-Length': String(body.length),
    },
    body,
  };
}

function encodeOutput(
  operation: string,
  output: unknown,
  model: BindingModel,
  requestId: string,
): WireResponse {
  const op = model.operations[operation];
  if (!op) throw new Error(`unknown operation ${operation}`);
  const lines = [`<${operation}Response${xmlnsAttr(model.xmlNamespace)}>`];
  if (op.output) {
    const wrapper = op.resultWrapper ?? `${operation}Result`;
    if (output === undefined || output === null) lines.push(`  <${wrapper}/>`);
    else {
      lines.push(`  <${wrapper}>`);
      xmlMembers(lines, output as Record<string, unknown>, model, shapeIn(model, op.output), 1);
      lines.push(`  </${wrapper}>`);
    }
  }
  lines.push(
    '  <ResponseMetadata>',
    `    <RequestId>${escapeXml(requestId)}</RequestId>`,
    '  </ResponseMetadata>',
  );
  lines.push(`</${operation}Response>`);
  return xmlResponse(op.http.responseCode ?? 200, lines, requestId);
}

/**
 * `<ErrorResponse>` with the error's code and message (no `<Message>` when it has none); Type is
 * Sender for client faults, Receiver for server faults. The namespace is the service's, except
 * for the front end's InvalidAction (AWS_FAULT_NAMESPACE). A MissingActionRedirect is a bare 302.
 */
export function encodeQueryError(err: WireError, requestId: string, model?: BindingModel): WireResponse {
  if (err instanceof MissingActionRedirect)
    return {
      status: 302,
      headers: { 'x-amzn-RequestId': requestId, Location: err.location, 'Content-Length': '0' },
      body: Buffer.alloc(0),
    };
  const ns = AWS_FAULT_CODES.has(err.name) ? AWS_FAULT_NAMESPACE : model?.xmlNamespace;
  const lines = [
    `<ErrorResponse${xmlnsAttr(ns)}>`,
    '  <Error>',
    `    <Type>${err.fault === 'server' ? 'Receiver' : 'Sender'}</Type>`,
    `    <Code>${escapeXml(err.name)}</Code>`,
  ];
  if (err.hasMessage) lines.push(`    <Message>${escapeXml(err.message)}</Message>`);
  lines.push('  </Error>', `  <RequestId>${escapeXml(requestId)}</RequestId>`, '</ErrorResponse>');
  return xmlResponse(err.status, lines, requestId);
}

export const query: Protocol<BindingModel> = {
  name: 'query',
  decode: decodeRequest,
  encodeOutput,
  encodeError: encodeQueryError,
};
