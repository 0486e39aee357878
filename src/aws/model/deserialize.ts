// Turns a parsed JSON or CBOR body into typed input, the way the AWS front end does: unknown
// members and nulls are dropped, wrong types are a SerializationException with Coral's wording.
import { type AwsError, SerializationException } from '../errors.js';
import { type ServiceModel, type Shape, shapeIn } from './shapes.js';

export type Wire = 'json' | 'cbor';

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
/** A Date decoded by cbor-x from tag 1 with epoch milliseconds (as Java sends) is 1000× too late. */
const CBOR_MS_AS_SECONDS_THRESHOLD_MS = 1e14;

function typeError(message: string): AwsError {
  const err = new SerializationException(message);
  return err;
}

function describeStructural(value: unknown): AwsError | undefined {
  if (Array.isArray(value)) return typeError('Start of list found where not expected');
  if (
    value !== null &&
    typeof value === 'object' &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Date)
  )
    return typeError('Start of structure or map found where not expected.');
  return undefined;
}

function javaClassOf(value: unknown): string {
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (typeof value === 'string') return 'java.lang.String';
  // Coral's JSON parser holds every number as this class (kinesalite's tests, recorded against AWS).
  return 'com.amazon.coral.value.json.numbers.TruncatingBigNumber';
}

/** Strings Coral's Boolean conversion accepts (kinesalite observed these converting on AWS). */
const BOOLEAN_STRINGS: Readonly<Record<string, boolean>> = {
  TRUE: true,
  FALSE: false,
  YES: true,
  NO: false,
  '1': true,
  '0': false,
};

function readBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  const structural = describeStructural(value);
  if (structural) throw structural;
  if (typeof value === 'string') {
    const upper = value.toUpperCase();
    const known = BOOLEAN_STRINGS[upper];
    if (known !== undefined) return known;
    throw typeError(`'${upper}' can not be converted to an Boolean`);
  }
  // Integral numbers are refused; fractional ones convert (AWS accepts 34.56 here).
  if (typeof value === 'number' && !Number.isInteger(value)) return value !== 0;
  throw typeError(`class ${javaClassOf(value)} can not be converted to an Boolean`);
}

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

function readInteger(value: unknown, javaType: 'Integer' | 'Long'): number {
  if (typeof value === 'number' && Number.isFinite(value)) {
    const n = Math.floor(value);
    // Coral narrows to a Java int: out-of-range Integers saturate (as kinesalite models AWS).
    return javaType === 'Integer' ? Math.min(Math.max(n, INT32_MIN), INT32_MAX) : n;
  }
  if (typeof value === 'bigint') return Number(value);
  const structural = describeStructural(value);
  if (structural) throw structural;
  throw typeError(`class ${javaClassOf(value)} can not be converted to an ${javaType}`);
}

function readString(value: unknown): string {
  if (typeof value === 'string') return value;
  const structural = describeStructural(value);
  if (structural) throw structural;
  throw typeError(`class ${javaClassOf(value)} can not be converted to an String`);
}

function readBlob(value: unknown, wire: Wire): Buffer {
  if (value instanceof Uint8Array) {
    if (wire === 'json') throw typeError('Start of structure or map found where not expected.');
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  if (typeof value === 'string') {
    const buf = decodeBase64Blob(value);
    if (buf !== undefined) return buf;
    throw blobError(value);
  }
  const structural = describeStructural(value);
  if (structural) throw structural;
  throw typeError(`class ${javaClassOf(value)} can not be converted to a Blob`);
}

/**
 * Decodes standard base64 with padding, as Coral accepts it for a blob; undefined when the string
 * is anything else (blobError then says why). The JSON fast path (fast-json-input.ts) decodes
 * its own way but judges the text with the same base64TextOk, so both accept exactly the same
 * strings and produce the same bytes.
 */
export function decodeBase64Blob(value: string): Buffer | undefined {
  if (value.length % 4 !== 0) return undefined;
  const buf = Buffer.from(value, 'base64');
  return base64TextOk(value, buf.length) ? buf : undefined;
}

const EQUALS = 0x3d;

/**
 * Whether `value` (its length a multiple of 4) is canonical standard base64, given how many bytes
 * Node's decoder produced from it. Node's decoder skips characters outside the alphabet and stops
 * at inner padding, so a string is well-formed exactly when it decodes to the full length (the
 * regex, slow on large blobs, is only needed to name the offending character). Node also accepts
 * the URL-safe alphabet, which Coral's standard decoder does not. Non-canonical trailing bits
 * (e.g. "AB==") decode but do not round-trip.
 */
export function base64TextOk(value: string, decodedLength: number): boolean {
  const n = value.length;
  const pad = n > 0 && value.charCodeAt(n - 1) === EQUALS ? (value.charCodeAt(n - 2) === EQUALS ? 2 : 1) : 0;
  if (decodedLength !== (n / 4) * 3 - pad) return false;
  for (let i = Math.max(0, n - 4); i < n - pad; i++) if (sextetOf(value.charCodeAt(i)) < 0) return false;
  if (value.indexOf('-') >= 0 || value.indexOf('_') >= 0) return false;
  if (pad === 1) return (sextetOf(value.charCodeAt(n - 2)) & 0x3) === 0;
  if (pad === 2) return (sextetOf(value.charCodeAt(n - 3)) & 0xf) === 0;
  return true;
}

/** The 6-bit value of a standard base64 character, or -1. */
function sextetOf(c: number): number {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
  if (c === 0x2b) return 62;
  if (c === 0x2f) return 63;
  return -1;
}

const padOf = (value: string): number => (value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0);

/** Coral's message for a string decodeBase64Blob refused. */
function blobError(value: string): AwsError {
  const prefix = `'${value}' can not be converted to a Blob:`;
  if (value.length % 4 !== 0)
    return typeError(
      `${prefix} Base64 encoded length is expected a multiple of 4 bytes but found: ${value.length}`,
    );
  const decodedLength = (value.length / 4) * 3 - padOf(value);
  const bad = /[^A-Za-z0-9+/=]|=[^=]/.exec(value);
  if (
    bad !== null ||
    Buffer.from(value, 'base64').length !== decodedLength ||
    !BASE64_RE.test(value.slice(-4))
  )
    return typeError(`${prefix} Invalid Base64 character: '${bad?.[0]?.[0] ?? '='}'`);
  return typeError(`${prefix} Invalid last non-pad Base64 character dectected`);
}

/** Returns epoch milliseconds. JSON sends epoch seconds (fractional); CBOR sends tag 1 (see above). */
function readTimestamp(value: unknown, wire: Wire): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    return ms > CBOR_MS_AS_SECONDS_THRESHOLD_MS ? ms / 1000 : ms;
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (wire === 'cbor' && value > CBOR_MS_AS_SECONDS_THRESHOLD_MS / 1000) return value;
    return Math.round(value * 1000);
  }
  if (typeof value === 'bigint') return Number(value);
  const structural = describeStructural(value);
  if (structural) throw structural;
  if (typeof value === 'string')
    throw typeError(`class java.lang.String can not be converted to milliseconds since epoch`);
  throw typeError(`class ${javaClassOf(value)} can not be converted to milliseconds since epoch`);
}

function readList(m: ServiceModel, value: unknown, shape: Shape, wire: Wire): unknown[] {
  if (!Array.isArray(value)) {
    if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array))
      throw typeError('Start of structure or map found where not expected.');
    throw typeError('Expected list or null');
  }
  const memberShape = shape.member ?? 'String';
  const out: unknown[] = [];
  for (const item of value) out.push(item === null ? null : readValue(m, item, memberShape, wire));
  return out;
}

function readMap(m: ServiceModel, value: unknown, shape: Shape, wire: Wire): Record<string, unknown> {
  if (Array.isArray(value)) throw typeError('Start of list found where not expected');
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array)
    throw typeError('Expected map or null');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    out[k] = readValue(m, v, shape.value ?? 'String', wire);
  }
  return out;
}

export function readStructure(
  m: ServiceModel,
  value: unknown,
  shapeName: string,
  wire: Wire,
): Record<string, unknown> {
  const shape = shapeIn(m, shapeName);
  if (Array.isArray(value)) throw typeError('Start of list found where not expected');
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array)
    throw typeError('Expected null');
  const input = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, memberShape] of membersOf(shape)) {
    if (!Object.hasOwn(input, name)) continue;
    const v = input[name];
    if (v === null || v === undefined) continue;
    out[name] = readValue(m, v, memberShape, wire);
  }
  return out;
}

const memberLists = new WeakMap<Shape, readonly (readonly [string, string])[]>();
function membersOf(shape: Shape): readonly (readonly [string, string])[] {
  let list = memberLists.get(shape);
  if (!list) {
    list = Object.entries(shape.members ?? {});
    memberLists.set(shape, list);
  }
  return list;
}

function readValue(m: ServiceModel, value: unknown, shapeName: string, wire: Wire): unknown {
  const shape = shapeIn(m, shapeName);
  switch (shape.type) {
    case 'boolean':
      return readBoolean(value);
    case 'integer':
      return readInteger(value, 'Integer');
    case 'long':
      return readInteger(value, 'Long');
    case 'string':
      return readString(value);
    case 'blob':
      return readBlob(value, wire);
    case 'timestamp':
      return readTimestamp(value, wire);
    case 'list':
      return readList(m, value, shape, wire);
    case 'map':
      return readMap(m, value, shape, wire);
    case 'structure':
      return readStructure(m, value, shapeName, wire);
    default:
      throw new Error(`unsupported shape type ${shape.type}`);
  }
}
