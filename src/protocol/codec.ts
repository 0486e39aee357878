// Wire codecs for AWS JSON 1.1 and CBOR 1.1 bodies. Pure: bytes in, values out, no I/O.
// Output values use Uint8Array for blobs and Date for timestamps; each codec renders them its way.
import { Decoder, Encoder, Tag } from 'cbor-x';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
export const CBOR_CONTENT_TYPE = 'application/x-amz-cbor-1.1';

export type WireFormat = 'json' | 'cbor';

const cborDecoder = new Decoder({ mapsAsObjects: true, useRecords: false, int64AsType: 'number' } as never);
const cborEncoder = new Encoder({ useRecords: false, tagUint8Array: false, variableMapSize: true } as never);

/** Parses a request body; returns undefined when it is not one JSON/CBOR object. */
export function decodeBody(body: Buffer, wire: WireFormat): Record<string, unknown> | undefined {
  try {
    const value: unknown = wire === 'json' ? JSON.parse(body.toString('utf8')) : cborDecoder.decode(body);
    if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) return undefined;
    return value as Record<string, unknown>;
  } catch {
    return undefined;
  }
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
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
  if (raw instanceof Date) return raw.getTime() / 1000;
  return value;
}

function toCborValue(value: unknown): unknown {
  if (value instanceof Date) return new Tag(value.getTime(), 1);
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toCborValue);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) out[k] = toCborValue(v);
  return out;
}

/** CBOR with blobs as byte strings and timestamps as tag 1 + integer epoch milliseconds (as Java SDKs expect). */
export function encodeCbor(value: unknown): Buffer {
  if (value === undefined) return Buffer.alloc(0);
  return Buffer.from(cborEncoder.encode(toCborValue(value)));
}
