// AWS event-stream framing (application/vnd.amazon.eventstream), the body of SubscribeToShard.
// Pure: bytes in, bytes out.
//
//   total_len u32 | headers_len u32 | prelude_crc u32 | headers | payload | message_crc u32
//
// All integers big-endian; prelude_crc is the CRC32 of the first 8 bytes, message_crc the CRC32
// of everything before it. A header is `name_len u8 | name | type u8 | value`.
import { crc32 } from 'node:zlib';

export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

/** Prelude (12 bytes) plus the trailing message CRC (4 bytes). */
export const MESSAGE_OVERHEAD_BYTES = 16;
const PRELUDE_BYTES = 12;
/** The framing's own bounds (aws-c-event-stream): 16 MiB per message, 128 KiB of headers. */
export const MESSAGE_BYTES_MAX = 16 * 1024 * 1024;
export const HEADERS_BYTES_MAX = 128 * 1024;
const HEADER_NAME_BYTES_MAX = 255;
const HEADER_VALUE_BYTES_MAX = 0xffff;

export const HeaderType = {
  boolTrue: 0,
  boolFalse: 1,
  byte: 2,
  short: 3,
  integer: 4,
  long: 5,
  bytes: 6,
  string: 7,
  timestamp: 8,
  uuid: 9,
} as const;

export type HeaderValue =
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'byte' | 'short' | 'integer'; readonly value: number }
  | { readonly type: 'long'; readonly value: bigint }
  | { readonly type: 'binary'; readonly value: Uint8Array }
  | { readonly type: 'string'; readonly value: string }
  /** Epoch milliseconds. */
  | { readonly type: 'timestamp'; readonly value: number }
  /** 32 hex digits, dashes allowed. */
  | { readonly type: 'uuid'; readonly value: string };

export type Headers = Readonly<Record<string, HeaderValue>>;

export interface Message {
  readonly headers: Headers;
  readonly payload: Buffer;
}

export class EventStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventStreamError';
  }
}

export const stringHeader = (value: string): HeaderValue => ({ type: 'string', value });

function encodeHeaderValue(h: HeaderValue): Buffer {
  switch (h.type) {
    case 'boolean':
      return Buffer.of(h.value ? HeaderType.boolTrue : HeaderType.boolFalse);
    case 'byte': {
      const b = Buffer.alloc(2);
      b[0] = HeaderType.byte;
      b.writeInt8(h.value, 1);
      return b;
    }
    case 'short': {
      const b = Buffer.alloc(3);
      b[0] = HeaderType.short;
      b.writeInt16BE(h.value, 1);
      return b;
    }
    case 'integer': {
      const b = Buffer.alloc(5);
      b[0] = HeaderType.integer;
      b.writeInt32BE(h.value, 1);
      return b;
    }
    case 'long': {
      const b = Buffer.alloc(9);
      b[0] = HeaderType.long;
      b.writeBigInt64BE(h.value, 1);
      return b;
    }
    case 'timestamp': {
      const b = Buffer.alloc(9);
      b[0] = HeaderType.timestamp;
      b.writeBigInt64BE(BigInt(Math.trunc(h.value)), 1);
      return b;
    }
    case 'binary':
      return lengthPrefixed(
        HeaderType.bytes,
        Buffer.from(h.value.buffer, h.value.byteOffset, h.value.byteLength),
      );
    case 'string':
      return lengthPrefixed(HeaderType.string, Buffer.from(h.value, 'utf8'));
    case 'uuid': {
      const hex = h.value.replace(/-/g, '');
      if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new EventStreamError(`invalid UUID header value ${h.value}`);
      return Buffer.concat([Buffer.of(HeaderType.uuid), Buffer.from(hex, 'hex')]);
    }
  }
}

function lengthPrefixed(type: number, value: Buffer): Buffer {
  if (value.length > HEADER_VALUE_BYTES_MAX)
    throw new EventStreamError('header value longer than 65535 bytes');
  const b = Buffer.alloc(3 + value.length);
  b[0] = type;
  b.writeUInt16BE(value.length, 1);
  value.copy(b, 3);
  return b;
}

export function encodeHeaders(headers: Headers): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, 'utf8');
    if (nameBytes.length === 0 || nameBytes.length > HEADER_NAME_BYTES_MAX)
      throw new EventStreamError(`header name must be 1..255 bytes: ${name}`);
    parts.push(Buffer.of(nameBytes.length), nameBytes, encodeHeaderValue(value));
  }
  return Buffer.concat(parts);
}

/**
 * One framed message. `headers` may be pre-encoded (the same few header blocks repeat all the time);
 * the payload may come in parts, written straight into the message (no intermediate join).
 */
export function encodeMessage(
  headers: Headers | Buffer,
  payload: Uint8Array | readonly Uint8Array[],
): Buffer {
  const headerBytes = Buffer.isBuffer(headers) ? headers : encodeHeaders(headers);
  if (headerBytes.length > HEADERS_BYTES_MAX) throw new EventStreamError('headers exceed 128 KiB');
  const parts = payload instanceof Uint8Array ? [payload] : payload;
  let payloadBytes = 0;
  for (const p of parts) payloadBytes += p.byteLength;
  const total = MESSAGE_OVERHEAD_BYTES + headerBytes.length + payloadBytes;
  if (total > MESSAGE_BYTES_MAX) throw new EventStreamError('message exceeds 16 MiB');
  const out = Buffer.allocUnsafe(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(headerBytes.length, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  headerBytes.copy(out, PRELUDE_BYTES);
  let at = PRELUDE_BYTES + headerBytes.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  out.writeUInt32BE(crc32(out.subarray(0, total - 4)), total - 4);
  return out;
}

/**
 * The start of a message whose payload ends with a per-recipient suffix of known length: prelude,
 * headers and the shared payload bytes, with their running CRC. Built once, it serves every
 * recipient whose suffix has that length; `finishMessage` then costs only the suffix.
 */
export interface MessageHead {
  readonly head: Buffer;
  readonly crc: number;
  readonly suffixBytes: number;
}

export function encodeMessageHead(
  headers: Buffer,
  sharedPayload: Uint8Array,
  suffixBytes: number,
): MessageHead {
  const head = encodeMessage(headers, [sharedPayload, Buffer.alloc(suffixBytes)]).subarray(
    0,
    PRELUDE_BYTES + headers.length + sharedPayload.byteLength,
  );
  return { head, crc: crc32(head), suffixBytes };
}

/** The rest of the message after `h.head`: the suffix and the message CRC. */
export function finishMessage(h: MessageHead, suffix: Uint8Array): Buffer {
  if (suffix.byteLength !== h.suffixBytes)
    throw new EventStreamError('suffix length does not match the head');
  const out = Buffer.allocUnsafe(suffix.byteLength + 4);
  out.set(suffix, 0);
  out.writeUInt32BE(crc32(suffix, h.crc), suffix.byteLength);
  return out;
}

/** Decodes exactly one message; throws EventStreamError on bad lengths, CRCs or headers. */
export function decodeMessage(bytes: Uint8Array): Message {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < MESSAGE_OVERHEAD_BYTES) throw new EventStreamError('message shorter than 16 bytes');
  const total = buf.readUInt32BE(0);
  const headersLen = buf.readUInt32BE(4);
  if (buf.readUInt32BE(8) !== crc32(buf.subarray(0, 8))) throw new EventStreamError('prelude CRC mismatch');
  if (total !== buf.length)
    throw new EventStreamError(`message length ${total} does not match ${buf.length} bytes`);
  if (headersLen > total - MESSAGE_OVERHEAD_BYTES)
    throw new EventStreamError('headers length exceeds message');
  if (buf.readUInt32BE(total - 4) !== crc32(buf.subarray(0, total - 4)))
    throw new EventStreamError('message CRC mismatch');
  const headers = decodeHeaders(buf.subarray(PRELUDE_BYTES, PRELUDE_BYTES + headersLen));
  return { headers, payload: buf.subarray(PRELUDE_BYTES + headersLen, total - 4) };
}

function decodeHeaders(buf: Buffer): Headers {
  const out: Record<string, HeaderValue> = {};
  let at = 0;
  const need = (n: number): void => {
    if (at + n > buf.length) throw new EventStreamError('truncated header');
  };
  while (at < buf.length) {
    need(1);
    const nameLen = buf[at++] as number;
    need(nameLen + 1);
    const name = buf.toString('utf8', at, at + nameLen);
    at += nameLen;
    if (nameLen === 0 || Object.hasOwn(out, name))
      throw new EventStreamError(`bad or repeated header name "${name}"`);
    const type = buf[at++] as number;
    let value: HeaderValue;
    switch (type) {
      case HeaderType.boolTrue:
      case HeaderType.boolFalse:
        value = { type: 'boolean', value: type === HeaderType.boolTrue };
        break;
      case HeaderType.byte:
        need(1);
        value = { type: 'byte', value: buf.readInt8(at) };
        at += 1;
        break;
      case HeaderType.short:
        need(2);
        value = { type: 'short', value: buf.readInt16BE(at) };
        at += 2;
        break;
      case HeaderType.integer:
        need(4);
        value = { type: 'integer', value: buf.readInt32BE(at) };
        at += 4;
        break;
      case HeaderType.long:
        need(8);
        value = { type: 'long', value: buf.readBigInt64BE(at) };
        at += 8;
        break;
      case HeaderType.timestamp:
        need(8);
        value = { type: 'timestamp', value: Number(buf.readBigInt64BE(at)) };
        at += 8;
        break;
      case HeaderType.bytes:
      case HeaderType.string: {
        need(2);
        const len = buf.readUInt16BE(at);
        at += 2;
        need(len);
        const slice = buf.subarray(at, at + len);
        at += len;
        value =
          type === HeaderType.bytes
            ? { type: 'binary', value: Buffer.from(slice) }
            : { type: 'string', value: slice.toString('utf8') };
        break;
      }
      case HeaderType.uuid: {
        need(16);
        const hex = buf.toString('hex', at, at + 16);
        at += 16;
        value = {
          type: 'uuid',
          value: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
        };
        break;
      }
      default:
        throw new EventStreamError(`unknown header type ${type}`);
    }
    out[name] = value;
  }
  return out;
}

/**
 * Splits a byte stream into messages as chunks arrive. Holds at most one partial message
 * (bounded by MESSAGE_BYTES_MAX); a corrupt prelude stops it for good. Chunks of a partial message
 * are kept as a list and joined once the message is complete, so a 1 MiB event arriving in 16 KiB
 * DATA frames is copied once, not once per frame. It keeps views of the pushed chunks: callers must
 * not reuse a chunk's memory after pushing it (stream 'data' chunks are never reused).
 */
export class MessageSplitter {
  #chunks: Buffer[] = [];
  #bytes = 0;
  /** Length of the message being collected, once its prelude has been checked. */
  #need = 0;

  /** Returns the complete messages now available, decoded. */
  push(chunk: Uint8Array): Message[] {
    if (chunk.byteLength > 0) {
      this.#chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.#bytes += chunk.byteLength;
    }
    const out: Message[] = [];
    for (;;) {
      if (this.#need === 0) {
        if (this.#bytes < PRELUDE_BYTES) break;
        const prelude = this.#peek(PRELUDE_BYTES);
        const total = prelude.readUInt32BE(0);
        if (prelude.readUInt32BE(8) !== crc32(prelude.subarray(0, 8)))
          throw new EventStreamError('prelude CRC mismatch');
        if (total < MESSAGE_OVERHEAD_BYTES || total > MESSAGE_BYTES_MAX)
          throw new EventStreamError(`message length ${total} out of bounds`);
        this.#need = total;
      }
      if (this.#bytes < this.#need) break;
      const whole = this.#peek(this.#need);
      this.#consume(this.#need);
      this.#need = 0;
      out.push(decodeMessage(whole));
    }
    return out;
  }

  /** The first `n` held bytes as one buffer (joins the chunks that hold them; n ≤ held bytes). */
  #peek(n: number): Buffer {
    const first = this.#chunks[0] as Buffer;
    if (first.length >= n) return first.subarray(0, n);
    const joined = Buffer.concat(this.#chunks, this.#bytes);
    this.#chunks = [joined];
    return joined.subarray(0, n);
  }

  #consume(n: number): void {
    // #peek(n) left the first n bytes in the first chunk.
    const first = this.#chunks[0] as Buffer;
    if (first.length === n) this.#chunks.shift();
    else this.#chunks[0] = first.subarray(n);
    this.#bytes -= n;
  }

  /** Bytes of an incomplete message still held. */
  get pendingBytes(): number {
    return this.#bytes;
  }
}

// The three kinds of messages an AWS service sends on an event stream.

export function eventHeaders(eventType: string, contentType: string): Buffer {
  return encodeHeaders({
    ':event-type': stringHeader(eventType),
    ':content-type': stringHeader(contentType),
    ':message-type': stringHeader('event'),
  });
}

export function exceptionMessage(exceptionType: string, contentType: string, payload: Uint8Array): Buffer {
  return encodeMessage(
    {
      ':exception-type': stringHeader(exceptionType),
      ':content-type': stringHeader(contentType),
      ':message-type': stringHeader('exception'),
    },
    payload,
  );
}

export function errorMessage(code: string, message: string): Buffer {
  return encodeMessage(
    {
      ':error-code': stringHeader(code),
      ':error-message': stringHeader(message),
      ':message-type': stringHeader('error'),
    },
    Buffer.alloc(0),
  );
}
