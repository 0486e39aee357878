// The client on Node: node:http(s) with a keep-alive agent (fetch refuses some ports, and costs more
// CPU per request, which the benchmark's load generator cannot afford) and node:crypto hashing.
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import {
  type KinesisClient as Client,
  KinesisClient,
  type NetError,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from './kinesis.js';
import type { Credentials, SigningCrypto } from './sigv4.js';

export const nodeCrypto: SigningCrypto = {
  sha256Hex: (data) => createHash('sha256').update(data).digest('hex'),
  hmacSha256: (key, data) => createHmac('sha256', key).update(data).digest(),
};

export interface NodeTransportOptions {
  /** Per-request bound (connect to last byte); 0 for none. */
  readonly timeoutMs: number;
  /** Default 8. */
  readonly maxSockets?: number;
  readonly maxFreeSockets?: number;
  readonly scheduling?: 'fifo' | 'lifo';
}

const EMPTY = Buffer.alloc(0);

export class NodeHttpTransport implements Transport<Buffer> {
  readonly #agent: http.Agent;
  readonly #request: typeof http.request;
  readonly #hostname: string;
  readonly #port: number;
  readonly #path: string;
  readonly #timeoutMs: number;

  constructor(endpoint: string, options: NodeTransportOptions) {
    const url = new URL(endpoint.replace(/\/+$/, ''));
    const tls = url.protocol === 'https:';
    if (!tls && url.protocol !== 'http:') throw new Error(`unsupported endpoint protocol ${url.protocol}`);
    const agentOptions: http.AgentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets ?? 8,
      ...(options.maxFreeSockets === undefined ? {} : { maxFreeSockets: options.maxFreeSockets }),
      ...(options.scheduling === undefined ? {} : { scheduling: options.scheduling }),
    };
    this.#agent = tls ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.#request = tls ? https.request : http.request;
    this.#hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.#port = Number(url.port || (tls ? 443 : 80));
    this.#path = url.pathname || '/';
    this.#timeoutMs = options.timeoutMs;
  }

  send(request: TransportRequest): Promise<TransportResponse<Buffer>> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (
        status: number,
        statusText: string,
        headers: http.IncomingHttpHeaders,
        body: Buffer,
        netError?: NetError,
      ) => {
        if (settled) return;
        settled = true;
        resolve({ status, statusText, headers, body, netError });
      };
      const fail = (err: NodeJS.ErrnoException) => {
        const code = err.code ?? err.name ?? 'ERROR';
        finish(0, '', {}, EMPTY, {
          code,
          message: err.message,
          ...(code === 'TIMEOUT' ? { timeoutMs: this.#timeoutMs } : {}),
        });
      };
      const headers: Record<string, string> = request.headers;
      headers['content-length'] = String(request.body.length);
      const req = this.#request(
        {
          agent: this.#agent,
          hostname: this.#hostname,
          port: this.#port,
          method: 'POST',
          path: this.#path,
          headers,
          ...(this.#timeoutMs > 0 ? { timeout: this.#timeoutMs } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let length = 0;
          res.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            length += chunk.length;
          });
          res.on('end', () => {
            const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length);
            finish(res.statusCode ?? 0, res.statusMessage ?? '', res.headers, body);
          });
          res.on('error', fail);
          res.on('aborted', () => fail(Object.assign(new Error('response aborted'), { code: 'ABORTED' })));
        },
      );
      req.on('error', fail);
      req.on('timeout', () => req.destroy(Object.assign(new Error('request timeout'), { code: 'TIMEOUT' })));
      req.end(request.body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

export interface NodeClientOptions extends NodeTransportOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials?: Credentials;
  readonly immutableBodies?: boolean;
}

/** A KinesisClient over node:http(s) (responses as Buffers), signing with node:crypto. */
export function createNodeClient(options: NodeClientOptions): Client<Buffer> {
  return new KinesisClient<Buffer>({
    endpoint: options.endpoint,
    region: options.region,
    transport: new NodeHttpTransport(options.endpoint, options),
    crypto: nodeCrypto,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.immutableBodies === undefined ? {} : { immutableBodies: options.immutableBodies }),
  });
}
