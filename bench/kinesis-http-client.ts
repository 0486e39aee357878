// Minimal AWS JSON 1.1 client for load generation: node:http with a keep-alive
// agent, request bodies passed in pre-built, responses returned as raw Buffers so
// each scenario pays only for the parsing it needs. The official SDK costs several
// times more CPU per request, which on a 2-core box would measure the client.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const TARGET_PREFIX = 'Kinesis_20131202.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

export interface RawResponse {
  /** HTTP status; 0 when the request failed below HTTP (connection error, timeout). */
  readonly status: number;
  readonly body: Buffer;
  readonly errorHeader: string | undefined;
  readonly netError: string | undefined;
  /** performance.now() when the request was issued and when the response ended. */
  readonly t0: number;
  readonly t1: number;
  readonly ms: number;
}

export class BenchCallError extends Error {
  readonly type: string;
  readonly status: number;
  constructor(type: string, message: string, status: number) {
    super(`${type}: ${message}`);
    this.name = 'BenchCallError';
    this.type = type;
    this.status = status;
  }
}

/** The error type of a failed response: `__type` (without namespace), else the header, else HTTPnnn / Net:code. */
export function errorTypeOf(res: RawResponse): string {
  if (res.netError !== undefined) return `Net:${res.netError}`;
  if (res.body.length > 0) {
    try {
      const parsed = JSON.parse(res.body.toString('utf8')) as { __type?: unknown };
      if (typeof parsed.__type === 'string') return parsed.__type.split('#').pop() ?? parsed.__type;
    } catch {
      // not JSON: fall through to the header / status
    }
  }
  if (res.errorHeader) return res.errorHeader.split(':')[0] ?? res.errorHeader;
  return `HTTP${res.status}`;
}

function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export interface ClientOptions {
  readonly maxSockets: number;
  readonly timeoutMs: number;
}

export class KinesisHttpClient {
  readonly #agent: http.Agent;
  readonly #hostname: string;
  readonly #port: number;
  readonly #baseHeaders: Record<string, string>;

  constructor(endpoint: string, options: ClientOptions) {
    const url = new URL(endpoint);
    if (url.protocol !== 'http:') throw new Error(`bench client speaks plain http only (got ${endpoint})`);
    if (url.hostname !== '127.0.0.1' && url.hostname !== '[::1]') {
      throw new Error(`bench traffic must stay on loopback (got ${url.hostname})`);
    }
    this.#hostname = url.hostname;
    this.#port = Number(url.port || 80);
    this.#agent = new http.Agent({
      keepAlive: true,
      maxSockets: options.maxSockets,
      maxFreeSockets: options.maxSockets,
      scheduling: 'fifo',
      timeout: options.timeoutMs,
    });
    const date = amzDate(new Date());
    // Well-formed SigV4 shape: servers under test check presence and syntax, not the signature.
    const authorization =
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLEBENCH/${date.slice(0, 8)}/us-east-1/kinesis/aws4_request, ` +
      `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`;
    this.#baseHeaders = {
      host: url.host,
      'content-type': CONTENT_TYPE,
      'x-amz-date': date,
      authorization,
    };
  }

  /** Sends one request; never rejects (failures come back with status 0 and netError). */
  send(operation: string, body: Buffer): Promise<RawResponse> {
    return new Promise((resolve) => {
      const t0 = performance.now();
      let settled = false;
      const finish = (status: number, payload: Buffer, errorHeader?: string, netError?: string) => {
        if (settled) return;
        settled = true;
        const t1 = performance.now();
        resolve({ status, body: payload, errorHeader, netError, t0, t1, ms: t1 - t0 });
      };
      const req = http.request(
        {
          agent: this.#agent,
          hostname: this.#hostname,
          port: this.#port,
          method: 'POST',
          path: '/',
          headers: {
            ...this.#baseHeaders,
            'content-length': String(body.length),
            'x-amz-target': TARGET_PREFIX + operation,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let length = 0;
          res.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            length += chunk.length;
          });
          res.on('end', () => {
            const header = res.headers['x-amzn-errortype'];
            const payload = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length);
            finish(res.statusCode ?? 0, payload, typeof header === 'string' ? header : undefined);
          });
          res.on('error', (err: NodeJS.ErrnoException) =>
            finish(0, Buffer.alloc(0), undefined, err.code ?? err.message),
          );
          res.on('aborted', () => finish(0, Buffer.alloc(0), undefined, 'ABORTED'));
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) =>
        finish(0, Buffer.alloc(0), undefined, err.code ?? err.message),
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('request timeout'), { code: 'TIMEOUT' })));
      req.end(body);
    });
  }

  /** JSON call for setup and control paths: resolves the parsed output, rejects BenchCallError. */
  async call<T = Record<string, unknown>>(operation: string, input: object): Promise<T> {
    const res = await this.send(operation, Buffer.from(JSON.stringify(input)));
    if (res.status === 200) {
      const text = res.body.length > 0 ? res.body.toString('utf8') : '{}';
      return JSON.parse(text) as T;
    }
    let message = res.netError ?? '';
    if (res.body.length > 0) {
      try {
        message = String((JSON.parse(res.body.toString('utf8')) as { message?: unknown }).message ?? '');
      } catch {
        message = res.body.toString('utf8').slice(0, 200);
      }
    }
    throw new BenchCallError(errorTypeOf(res), message, res.status);
  }

  close(): void {
    this.#agent.destroy();
  }
}
