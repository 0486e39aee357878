// A small AWS JSON 1.1 client for the CLI tools, so the runtime needs no AWS SDK. Shardline does
// not verify signatures, so requests carry a well-formed but unsigned SigV4 header; against real
// AWS this client would be refused (it is meant for Shardline).

import http from 'node:http';
import https from 'node:https';
import { limits } from '../kinesis/limits.js';

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 8 });

/** An error answered by the server (`__type` and message), or a transport failure. */
export class KinesisApiError extends Error {
  readonly type: string;
  readonly status: number;

  constructor(type: string, message: string, status: number) {
    super(message);
    this.name = 'KinesisApiError';
    this.type = type;
    this.status = status;
  }
}

export interface ClientOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly timeoutMs?: number;
}

const TARGET_PREFIX = 'Kinesis_20131202.';

function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export class KinesisClient {
  readonly endpoint: string;
  readonly region: string;
  readonly #timeoutMs: number;

  constructor(options: ClientOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.region = options.region;
    this.#timeoutMs = options.timeoutMs ?? limits.cliRequestTimeoutMs;
  }

  async call<T = Record<string, unknown>>(operation: string, input: Record<string, unknown>): Promise<T> {
    const date = amzDate(new Date());
    let res: { status: number; statusText: string; errorType: string | undefined; text: string };
    try {
      res = await this.#post(JSON.stringify(input), {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': TARGET_PREFIX + operation,
        'x-amz-date': date,
        authorization:
          `AWS4-HMAC-SHA256 Credential=SHARDLINECLI/${date.slice(0, 8)}/${this.region}/kinesis/aws4_request, ` +
          'SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0',
      });
    } catch (err) {
      throw new KinesisApiError('NetworkError', this.#explainNetwork(err), 0);
    }
    const { status, text } = res;
    let body: Record<string, unknown> | undefined;
    try {
      body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      body = undefined;
    }
    if (status >= 200 && status < 300 && body !== undefined) return body as T;
    const rawType = String(body?.__type ?? res.errorType ?? `HTTP ${status}`);
    const type = rawType.slice(rawType.lastIndexOf('#') + 1).split(':')[0] ?? rawType;
    const message = String(body?.message ?? body?.Message ?? (text.slice(0, 200) || res.statusText));
    throw new KinesisApiError(type, message, status);
  }

  /** One POST over node:http(s) with a keep-alive agent (fetch refuses some ports). */
  #post(
    body: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; statusText: string; errorType: string | undefined; text: string }> {
    const url = new URL(this.endpoint);
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
          agent: url.protocol === 'https:' ? httpsAgent : httpAgent,
          timeout: this.#timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? '',
              errorType: res.headers['x-amzn-errortype'] as string | undefined,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' })));
      req.on('error', reject);
      req.end(body);
    });
  }

  #explainNetwork(err: unknown): string {
    const e = err as { name?: string; cause?: { code?: string; message?: string }; message?: string };
    if (e?.name === 'TimeoutError') return `no answer from ${this.endpoint} within ${this.#timeoutMs} ms`;
    const code = (e as { code?: string })?.code ?? e?.cause?.code;
    if (code === 'ECONNREFUSED') return `cannot reach Shardline at ${this.endpoint}: connection refused`;
    if (code === 'ENOTFOUND') return `cannot reach ${this.endpoint}: unknown host`;
    return `cannot reach ${this.endpoint}: ${e?.cause?.message ?? e?.message ?? String(err)}`;
  }
}

/** Stream name or ARN → the input member that addresses it. */
export function streamRef(stream: string): { StreamName: string } | { StreamARN: string } {
  return stream.startsWith('arn:') ? { StreamARN: stream } : { StreamName: stream };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
