// The client in a browser: fetch, and WebCrypto where the page is a secure context (https or
// localhost), else the pure SHA-256 of sha256.ts. No node: import: the web console loads the
// compiled module from /console/client/browser.js (src/console/routes.ts).
import {
  KinesisClient,
  type NetError,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from './kinesis.js';
import { pureCrypto } from './sha256.js';
import { type Credentials, type SigningCrypto, toHex } from './sigv4.js';

export { KinesisApiError, KinesisClient, streamRef } from './kinesis.js';

const encoder = new TextEncoder();
const bytesOf = (data: Uint8Array | string): BufferSource =>
  (typeof data === 'string' ? encoder.encode(data) : data) as BufferSource;

/** SHA-256 and HMAC through `crypto.subtle` (asynchronous). */
export function webCrypto(subtle: SubtleCrypto): SigningCrypto {
  return {
    sha256Hex: async (data) => toHex(new Uint8Array(await subtle.digest('SHA-256', bytesOf(data)))),
    hmacSha256: async (key, data) => {
      const k = await subtle.importKey('raw', bytesOf(key), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
      ]);
      return new Uint8Array(await subtle.sign('HMAC', k, bytesOf(data)));
    },
  };
}

/** WebCrypto when the page may use it, else the pure implementation. */
export function browserCrypto(): SigningCrypto {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  return subtle === undefined ? pureCrypto : webCrypto(subtle);
}

export interface FetchTransportOptions {
  /** Per-request bound; 0 or absent for none. */
  readonly timeoutMs?: number;
}

/** POSTs with fetch. The browser sets host and content-length itself (it refuses them from scripts). */
export class FetchTransport implements Transport<Uint8Array> {
  readonly #url: string;
  readonly #timeoutMs: number;

  constructor(endpoint: string, options: FetchTransportOptions = {}) {
    this.#url = endpoint.replace(/\/+$/, '') || '/';
    if (!/^https?:\/\/[^/]+\//.test(this.#url)) this.#url += '/';
    this.#timeoutMs = options.timeoutMs ?? 0;
  }

  async send(request: TransportRequest): Promise<TransportResponse<Uint8Array>> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (name !== 'host') headers[name] = value;
    try {
      const res = await fetch(this.#url, {
        method: 'POST',
        headers,
        body: request.body as BodyInit,
        ...(this.#timeoutMs > 0 ? { signal: AbortSignal.timeout(this.#timeoutMs) } : {}),
      });
      const body = new Uint8Array(await res.arrayBuffer());
      const out: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        out[name] = value;
      });
      return { status: res.status, statusText: res.statusText, headers: out, body, netError: undefined };
    } catch (err) {
      const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
      const netError: NetError =
        e?.name === 'TimeoutError'
          ? { code: 'TIMEOUT', message: String(e.message), timeoutMs: this.#timeoutMs }
          : {
              code: e?.cause?.code ?? e?.name ?? 'ERROR',
              message: e?.cause?.message ?? e?.message ?? String(err),
            };
      return { status: 0, statusText: '', headers: {}, body: new Uint8Array(0), netError };
    }
  }
}

export interface BrowserClientOptions extends FetchTransportOptions {
  /** Default: the page's origin. */
  readonly endpoint?: string;
  readonly region: string;
  readonly credentials?: Credentials;
}

export function createBrowserClient(options: BrowserClientOptions): KinesisClient<Uint8Array> {
  const endpoint = options.endpoint ?? (globalThis as { location?: { origin: string } }).location?.origin;
  if (endpoint === undefined) throw new Error('createBrowserClient: no endpoint and no page origin');
  return new KinesisClient({
    endpoint,
    region: options.region,
    transport: new FetchTransport(endpoint, options),
    crypto: browserCrypto(),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  });
}
