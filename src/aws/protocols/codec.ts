// Wire codecs for AWS JSON 1.1 and CBOR 1.1 bodies. Pure: bytes in, values out, no I/O.
// Output values use Uint8Array for blobs and Date for timestamps; each codec renders them its way.
import { isUtf8 } from 'node:buffer';
import { Encoder, Tag } from 'cbor-x';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
export const CBOR_CONTENT_TYPE = 'application/x-amz-cbor-1.1';

export type WireFormat = 'json' | 'cbor';

/** No Kinesis input nests deeper than a handful of levels; anything deeper than this is hostile. */
export const CBOR_DEPTH_MAX = 32;

const cborEncoder = new Encoder({ useRecords: false, tagUint8Array: false, variableMapSize: true } as never);

const UINT32_MAX = 0xffff_ffff;

/** Parses a request body; returns undefined when it is not exactly one JSON/CBOR object. */
export function decodeBody(body: Uint8Array, wire: WireFormat): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    if (wire === 'json') {
      if (!isUtf8(body)) return undefined;
      value = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
    } else {
      value = decodeCbor(body);
    }
  } catch {
    return undefined;
  }
  return isPlainObject(value) ? value : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function encodeBody(value: unknown, wire: WireFormat): Buffer {
  return wire === 'json' ? Buffer.from(encodeJson(value), 'utf8') : encodeCbor(value);
}

/** JSON with blobs as base64 and timestamps as epoch seconds (fraction for milliseconds). */
export function encodeJson(value: unknown): string {
  if (value === undefined) return '';
  // A replacer function takes JSON.stringify off V8's fast path; most answers have no blob or
  // timestamp at all (PutRecords' 500 results), and for those it changes nothing.
  return needsReplacer(value, 0) ? JSON.stringify(value, jsonReplacer) : JSON.stringify(value);
}

/** Beyond this depth the walk stops and the replacer is used (answers are a few levels deep). */
const PLAIN_WALK_DEPTH_MAX = 16;

/** Whether a value holds a blob or a timestamp anywhere (which only the replacer renders right). */
function needsReplacer(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (value instanceof Uint8Array || value instanceof Date || depth >= PLAIN_WALK_DEPTH_MAX) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (needsReplacer(value[i], depth + 1)) return true;
    return false;
  }
  // Any other toJSON (none in our answers) could return anything: leave it to the replacer path.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return true;
  for (const key in value)
    if (Object.hasOwn(value, key) && needsReplacer((value as Record<string, unknown>)[key], depth + 1))
      return true;
  return false;
}

function jsonReplacer(this: unknown, key: string, value: unknown): unknown {
  // JSON.stringify calls Buffer#toJSON before the replacer; read the raw holder value instead.
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof Uint8Array)
    return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
  if (raw instanceof Date) return raw.getTime() / 1000;
  return value;
}

function toCborValue(value: unknown): unknown {
  // Java SDKs read integers only: a float where a long or a timestamp is expected breaks them.
  if (value instanceof Date) return new Tag(BigInt(value.getTime()), 1);
  if (typeof value === 'number')
    return Number.isSafeInteger(value) && Math.abs(value) > UINT32_MAX ? BigInt(value) : value;
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toCborValue);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    if (v !== undefined) out[k] = toCborValue(v);
  return out;
}

/** CBOR with blobs as byte strings and timestamps as tag 1 + integer epoch milliseconds (as Java SDKs expect). */
export function encodeCbor(value: unknown): Buffer {
  if (value === undefined) return Buffer.alloc(0);
  return Buffer.from(cborEncoder.encode(toCborValue(value)));
}

/** A CBOR text string's head (major type 3) for a UTF-8 length. */
function cborTextHead(length: number): Buffer {
  if (length < 24) return Buffer.from([0x60 + length]);
  if (length < 0x100) return Buffer.from([0x78, length]);
  const head = Buffer.alloc(length < 0x10000 ? 3 : 5);
  head[0] = length < 0x10000 ? 0x79 : 0x7a;
  if (length < 0x10000) head.writeUInt16BE(length, 1);
  else head.writeUInt32BE(length, 1);
  return head;
}

/**
 * A map of text strings as AWS's Jackson writes its CBOR errors: an indefinite-length map
 * (0xbf … 0xff), e.g. `bf 66 "__type" 78 19 "UnknownOperationException" ff` (recorded against
 * AWS in kinesalite's test/connection.js).
 */
export function encodeCborTextMap(members: Readonly<Record<string, string>>): Buffer {
  const parts: Buffer[] = [Buffer.from([0xbf])];
  for (const [key, value] of Object.entries(members))
    for (const text of [key, value]) {
      const bytes = Buffer.from(text, 'utf8');
      parts.push(cborTextHead(bytes.length), bytes);
    }
  parts.push(Buffer.from([0xff]));
  return Buffer.concat(parts);
}

class CborError extends Error {}

const fail = (what: string): never => {
  throw new CborError(what);
};

/**
 * Decodes exactly one CBOR item (RFC 8949) as the Java SDKs write it: definite or indefinite maps,
 * arrays and strings; byte strings become Buffers; tag 1 becomes a Date the way cbor-x reads it
 * (content × 1000), which shapes/deserialize.ts expects. Strict: truncation, trailing bytes,
 * reserved values, invalid UTF-8, non-text map keys and nesting beyond `depthMax` all throw.
 * Recursion is bounded by `depthMax`, so hostile nesting cannot exhaust the stack.
 */
export function decodeCbor(buf: Uint8Array, depthMax = CBOR_DEPTH_MAX): unknown {
  const r = new CborReader(buf, depthMax);
  const value = r.item(0);
  if (r.pos !== buf.length) fail('trailing bytes');
  return value;
}

const BREAK = Symbol('break');

class CborReader {
  pos = 0;
  readonly #buf: Buffer;
  readonly #view: DataView;
  readonly #depthMax: number;

  constructor(buf: Uint8Array, depthMax: number) {
    this.#buf = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.#depthMax = depthMax;
  }

  #need(n: number): number {
    if (n > this.#buf.length - this.pos) fail('truncated');
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /** The argument of an initial byte; undefined for indefinite length (31). */
  #argument(info: number): number | undefined {
    if (info < 24) return info;
    switch (info) {
      case 24:
        return this.#view.getUint8(this.#need(1));
      case 25:
        return this.#view.getUint16(this.#need(2));
      case 26:
        return this.#view.getUint32(this.#need(4));
      case 27:
        return Number(this.#view.getBigUint64(this.#need(8)));
      case 31:
        return undefined;
      default:
        return fail('reserved additional information');
    }
  }

  item(depth: number): unknown {
    const value = this.#itemOrBreak(depth);
    if (value === BREAK) fail('unexpected break');
    return value;
  }

  #itemOrBreak(depth: number): unknown {
    const initial = this.#view.getUint8(this.#need(1));
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === 7) return this.#simple(info);
    const arg = this.#argument(info);
    switch (major) {
      case 0:
        return arg ?? fail('indefinite integer');
      case 1:
        return arg === undefined ? fail('indefinite integer') : -1 - arg;
      case 2:
        return arg === undefined
          ? this.#chunks(2)
          : Buffer.from(this.#buf.subarray(this.#need(arg), this.pos));
      case 3:
        return arg === undefined ? this.#chunks(3).toString('utf8') : this.#text(arg);
      case 4:
        return this.#array(arg, this.#deeper(depth));
      case 5:
        return this.#map(arg, this.#deeper(depth));
      default: {
        if (arg === undefined) return fail('indefinite tag');
        const content = this.item(this.#deeper(depth));
        if (arg !== 1) return content;
        if (typeof content !== 'number') return fail('tag 1 without a number');
        return new Date(Math.round(content * 1000));
      }
    }
  }

  #deeper(depth: number): number {
    if (depth >= this.#depthMax) fail('nested too deeply');
    return depth + 1;
  }

  #text(length: number): string {
    const at = this.#need(length);
    const bytes = this.#buf.subarray(at, this.pos);
    if (!isUtf8(bytes)) fail('invalid UTF-8');
    return bytes.toString('utf8');
  }

  /** An indefinite-length string: definite chunks of the same major type up to a break. */
  #chunks(major: number): Buffer {
    const parts: Buffer[] = [];
    for (;;) {
      const initial = this.#view.getUint8(this.#need(1));
      if (initial === 0xff) break;
      if (initial >> 5 !== major || (initial & 0x1f) === 31) fail('bad string chunk');
      const length = this.#argument(initial & 0x1f) as number;
      const at = this.#need(length);
      const chunk = this.#buf.subarray(at, this.pos);
      if (major === 3 && !isUtf8(chunk)) fail('invalid UTF-8');
      parts.push(chunk);
    }
    return Buffer.concat(parts);
  }

  #array(length: number | undefined, depth: number): unknown[] {
    // Every item takes at least one byte: a declared length beyond the body is corrupt.
    if (length !== undefined && length > this.#buf.length - this.pos) fail('truncated');
    const out: unknown[] = [];
    for (let i = 0; length === undefined || i < length; i++) {
      const value = this.#itemOrBreak(depth);
      if (value === BREAK) {
        if (length !== undefined) fail('unexpected break');
        break;
      }
      out.push(value);
    }
    return out;
  }

  #map(length: number | undefined, depth: number): Record<string, unknown> {
    if (length !== undefined && length * 2 > this.#buf.length - this.pos) fail('truncated');
    const out: Record<string, unknown> = {};
    for (let i = 0; length === undefined || i < length; i++) {
      const key = this.#itemOrBreak(depth);
      if (key === BREAK) {
        if (length !== undefined) fail('unexpected break');
        break;
      }
      if (typeof key !== 'string') fail('map key is not text');
      // defineProperty: a "__proto__" key must stay data, not replace the prototype.
      Object.defineProperty(out, key as string, {
        value: this.item(depth),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }

  #simple(info: number): unknown {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
      case 23:
        return null;
      case 24: {
        const value = this.#view.getUint8(this.#need(1));
        return value < 32 ? fail('bad simple value') : null;
      }
      case 25:
        return halfToNumber(this.#view.getUint16(this.#need(2)));
      case 26:
        return this.#view.getFloat32(this.#need(4));
      case 27:
        return this.#view.getFloat64(this.#need(8));
      case 31:
        return BREAK;
      default:
        return info < 20 ? null : fail('reserved simple value');
    }
  }
}

function halfToNumber(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
