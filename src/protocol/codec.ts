// Wire codecs for AWS JSON 1.1 and CBOR 1.1 bodies. Pure: bytes in, values out, no I/O.
// Output values use Uint8Array for blobs and Date for timestamps; each codec renders them its way.
import { isUtf8 } from 'node:buffer';
import { Decoder, Encoder, Tag } from 'cbor-x';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
export const CBOR_CONTENT_TYPE = 'application/x-amz-cbor-1.1';

export type WireFormat = 'json' | 'cbor';

/**
 * No Kinesis input nests deeper than a handful of levels; anything deeper than this is hostile.
 * The CBOR decoder recurses, so depth is checked before it runs.
 */
export const CBOR_DEPTH_MAX = 32;

// int64AsNumber: Java sends timestamps as tag 1 + uint64 milliseconds; BigInt would break the Date tag.
const cborDecoder = new Decoder({ mapsAsObjects: true, useRecords: false, int64AsNumber: true } as never);
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
      if (!cborWellFormed(body, CBOR_DEPTH_MAX)) return undefined;
      value = cborDecoder.decode(body);
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
  return JSON.stringify(value, jsonReplacer);
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

interface Frame {
  /** Items still expected; Infinity for indefinite-length containers (ended by a break byte). */
  left: number;
  /** For indefinite strings: the major type every chunk must have; -1 otherwise. */
  chunkMajor: number;
  /** Items seen in an indefinite map (must be even at the break). */
  seen: number;
  isMap: boolean;
}

/**
 * True when `buf` holds exactly one well-formed CBOR item (RFC 8949 §5.3.1) nested at most
 * `depthMax` containers/tags deep, with valid UTF-8 text. Iterative: hostile input cannot
 * exhaust the stack, and every declared length is checked against the bytes present.
 */
export function cborWellFormed(buf: Uint8Array, depthMax: number): boolean {
  const stack: Frame[] = [{ left: 1, chunkMajor: -1, seen: 0, isMap: false }];
  let pos = 0;
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as Frame;
    if (top.left === 0) {
      stack.pop();
      continue;
    }
    if (pos >= buf.length) return false;
    const initial = buf[pos++] as number;
    if (initial === 0xff) {
      if (top.left !== Number.POSITIVE_INFINITY || (top.isMap && top.seen % 2 !== 0)) return false;
      stack.pop();
      continue;
    }
    top.left--;
    top.seen++;
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (top.chunkMajor >= 0 && (major !== top.chunkMajor || info === 31)) return false;
    let arg = info;
    if (info >= 24 && info <= 27) {
      const size = 1 << (info - 24);
      if (pos + size > buf.length) return false;
      arg = 0;
      for (let i = 0; i < size; i++) arg = arg * 256 + (buf[pos + i] as number);
      pos += size;
    } else if (info >= 28 && info <= 30) return false;
    const indefinite = info === 31;
    if (indefinite && (major < 2 || major === 6)) return false; // only strings, arrays, maps (and break)
    const remaining = buf.length - pos;
    let child: Frame | undefined;
    switch (major) {
      case 2:
      case 3:
        if (indefinite) child = { left: Number.POSITIVE_INFINITY, chunkMajor: major, seen: 0, isMap: false };
        else {
          if (arg > remaining) return false;
          if (major === 3 && !isUtf8(buf.subarray(pos, pos + arg))) return false;
          pos += arg;
        }
        break;
      case 4:
      case 5: {
        const items = major === 5 ? arg * 2 : arg;
        if (!indefinite && items > remaining) return false; // every item takes at least one byte
        if (indefinite || items > 0)
          child = {
            left: indefinite ? Number.POSITIVE_INFINITY : items,
            chunkMajor: -1,
            seen: 0,
            isMap: major === 5,
          };
        break;
      }
      case 6:
        child = { left: 1, chunkMajor: -1, seen: 0, isMap: false };
        break;
      case 7:
        if (info === 24 && arg < 32) return false; // two-byte simple values below 32 are not well-formed
        break;
      default:
        break; // unsigned and negative integers carry no content
    }
    if (child) {
      if (stack.length > depthMax) return false;
      stack.push(child);
    }
  }
  return pos === buf.length;
}
