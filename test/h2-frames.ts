// A raw HTTP/2 peer for abuse tests: writes frames byte by byte the way a hostile client would
// (ignoring limits a real client library enforces) and records what the server sends back.
import net from 'node:net';

export const FrameType = {
  DATA: 0,
  HEADERS: 1,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  WINDOW_UPDATE: 8,
  CONTINUATION: 9,
} as const;
export const Flag = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4 } as const;
export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export interface Frame {
  readonly type: number;
  readonly flags: number;
  readonly streamId: number;
  readonly payload: Buffer;
}

export function frame(
  type: number,
  flags: number,
  streamId: number,
  payload: Buffer = Buffer.alloc(0),
): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([head, payload]);
}

/** HPACK integer with an N-bit prefix (RFC 7541 §5.1). */
function hpackInt(value: number, prefixBits: number, firstByteFlags = 0): Buffer {
  const max = (1 << prefixBits) - 1;
  if (value < max) return Buffer.from([firstByteFlags | value]);
  const out = [firstByteFlags | max];
  let rest = value - max;
  while (rest >= 128) {
    out.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Buffer.from(out);
}

/** A header block of "literal without indexing, new name" entries: no table state to track. */
export function headerBlock(headers: ReadonlyArray<readonly [string, string]>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of headers) {
    const n = Buffer.from(name, 'latin1');
    const v = Buffer.from(value, 'latin1');
    parts.push(Buffer.from([0]), hpackInt(n.length, 7), n, hpackInt(v.length, 7), v);
  }
  return Buffer.concat(parts);
}

export function requestHeaders(
  extra: ReadonlyArray<readonly [string, string]> = [],
): Array<readonly [string, string]> {
  return [
    [':method', 'POST'],
    [':scheme', 'http'],
    [':path', '/'],
    [':authority', 'localhost'],
    ['content-type', 'application/x-amz-json-1.1'],
    ['x-amz-target', 'Kinesis_20131202.ListStreams'],
    ['x-amz-date', '20260101T000000Z'],
    [
      'authorization',
      'AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=a',
    ],
    ...extra,
  ];
}

export function rstStream(streamId: number, code: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(code);
  return frame(FrameType.RST_STREAM, 0, streamId, payload);
}

/** A raw connection that parses the server's frames as they arrive. */
export class RawH2 {
  readonly frames: Frame[] = [];
  readonly socket: net.Socket;
  closed = false;
  #buf = Buffer.alloc(0);
  readonly #waiters = new Set<() => void>();

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, chunk]);
      while (this.#buf.length >= 9) {
        const length = this.#buf.readUIntBE(0, 3);
        if (this.#buf.length < 9 + length) break;
        this.frames.push({
          type: this.#buf[3] as number,
          flags: this.#buf[4] as number,
          streamId: this.#buf.readUInt32BE(5) & 0x7fffffff,
          payload: this.#buf.subarray(9, 9 + length),
        });
        this.#buf = this.#buf.subarray(9 + length);
      }
      this.#wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
  }

  static async connect(port: number, handshake = true): Promise<RawH2> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const h2 = new RawH2(socket);
    if (handshake) h2.write(Buffer.concat([PREFACE, frame(FrameType.SETTINGS, 0, 0)]));
    return h2;
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  #wake(): void {
    for (const w of this.#waiters) w();
  }

  /** Resolves when `done()` holds (checked on every frame and on close), or false after `timeoutMs`. */
  async until(done: () => boolean, timeoutMs = 5000): Promise<boolean> {
    if (done()) return true;
    return new Promise((resolve) => {
      const check = (): void => {
        if (!done()) return;
        cleanup();
        resolve(true);
      };
      const timer = setTimeout(() => {
        cleanup();
        resolve(done());
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
    });
  }

  goaway(): { lastStreamId: number; code: number } | undefined {
    const f = this.frames.find((x) => x.type === FrameType.GOAWAY);
    return f
      ? { lastStreamId: f.payload.readUInt32BE(0) & 0x7fffffff, code: f.payload.readUInt32BE(4) }
      : undefined;
  }

  of(type: number, streamId?: number): Frame[] {
    return this.frames.filter((f) => f.type === type && (streamId === undefined || f.streamId === streamId));
  }

  destroy(): void {
    this.socket.destroy();
  }
}
