// The Kinesis client every part of the repo uses (CLI tools, benchmark, web console): AWS JSON 1.1
// requests, SigV4-signed like the AWS SDK for JavaScript (host, x-amz-date, x-amz-target,
// content-type, x-amz-content-sha256), errors read from `__type` / `x-amzn-errortype`. The bytes
// travel through a Transport (node.ts: node:http keep-alive; browser.ts: fetch), and the hashing is
// injected, so this module has no node: import and is served to the browser as compiled.
import { amzDate, type Credentials, type SigningCrypto, SigV4Signer } from './sigv4.js';

export const KINESIS_TARGET_PREFIX = 'Kinesis_20131202.';
export const KINESIS_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Credentials for servers that do not check them (Shardline, kinesalite): a fixed, well-formed pair. */
export const LOCAL_CREDENTIALS: Credentials = {
  accessKeyId: 'SHARDLINELOCAL',
  secretAccessKey: 'shardline-local-secret',
};

/** A failure below HTTP: no connection, reset, timeout. */
export interface NetError {
  readonly code: string;
  readonly message: string;
  /** Set with code `TIMEOUT`. */
  readonly timeoutMs?: number;
}

export interface TransportRequest {
  /** Signed headers (lower-case names); the transport adds content-length, and may drop host. */
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

export interface TransportResponse<B extends Uint8Array = Uint8Array> {
  /** HTTP status; 0 when the request failed below HTTP (then netError says why). */
  readonly status: number;
  readonly statusText: string;
  /** Response headers, lower-case names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: B;
  readonly netError: NetError | undefined;
}

/** Carries one POST to the endpoint it was made for. Never rejects: failures come back as netError. */
export interface Transport<B extends Uint8Array = Uint8Array> {
  send(request: TransportRequest): Promise<TransportResponse<B>>;
  close?(): void;
}

export interface RawResponse<B extends Uint8Array = Uint8Array> extends TransportResponse<B> {
  /** performance.now() when the call started (before signing) and when the response ended. */
  readonly t0: number;
  readonly t1: number;
  readonly ms: number;
}

/** An error answered by the server (`__type` and message), or a transport failure (status 0). */
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

export interface KinesisClientOptions<B extends Uint8Array = Uint8Array> {
  /** `http(s)://host:port`; requests go to its path (`/` when none). */
  readonly endpoint: string;
  readonly region: string;
  readonly transport: Transport<B>;
  readonly crypto: SigningCrypto;
  /** Default LOCAL_CREDENTIALS. */
  readonly credentials?: Credentials;
  /**
   * The caller never changes a body after passing it to sendRaw, so each body object's SHA-256, and
   * its latest signed headers (reused within the same second for the same operation), are kept
   * (the benchmark rotates a few pre-built bodies).
   */
  readonly immutableBodies?: boolean;
}

/** What `immutableBodies` keeps per body object. */
interface BodyMemo {
  readonly hash: string;
  date: string;
  operation: string;
  headers: Readonly<Record<string, string>> | undefined;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** The error type and message of a failed answer: `__type` without namespace, else the header's type. */
export function parseErrorResponse(res: Pick<TransportResponse, 'headers' | 'body'>): {
  type: string | undefined;
  message: string | undefined;
  text: string;
} {
  const text = res.body.length > 0 ? decoder.decode(res.body) : '';
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  const header = res.headers['x-amzn-errortype'];
  const raw = body?.__type ?? (typeof header === 'string' ? header : undefined);
  const type =
    raw === undefined || raw === null
      ? undefined
      : String(raw)
          .slice(String(raw).lastIndexOf('#') + 1)
          .split(':')[0];
  const message = body?.message ?? body?.Message;
  return { type: type || undefined, message: message === undefined ? undefined : String(message), text };
}

/** The sentence a CLI user reads for a transport failure. */
export function describeNetError(endpoint: string, e: NetError): string {
  if (e.code === 'TIMEOUT') return `no answer from ${endpoint} within ${e.timeoutMs ?? '?'} ms`;
  if (e.code === 'ECONNREFUSED') return `cannot reach Shardline at ${endpoint}: connection refused`;
  if (e.code === 'ENOTFOUND') return `cannot reach ${endpoint}: unknown host`;
  return `cannot reach ${endpoint}: ${e.message}`;
}

export class KinesisClient<B extends Uint8Array = Uint8Array> {
  readonly endpoint: string;
  readonly region: string;
  readonly #transport: Transport<B>;
  readonly #crypto: SigningCrypto;
  readonly #signer: SigV4Signer;
  readonly #credentials: Credentials;
  readonly #host: string;
  readonly #path: string;
  readonly #memo: WeakMap<Uint8Array, BodyMemo> | undefined;
  #dateSecond = -1;
  #date = '';

  constructor(options: KinesisClientOptions<B>) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.region = options.region;
    const url = new URL(this.endpoint);
    this.#host = url.host;
    this.#path = url.pathname || '/';
    this.#transport = options.transport;
    this.#crypto = options.crypto;
    this.#signer = new SigV4Signer(options.crypto);
    this.#credentials = options.credentials ?? LOCAL_CREDENTIALS;
    this.#memo = options.immutableBodies ? new WeakMap() : undefined;
  }

  /** The signed headers of one request (exposed for tests and for callers with their own transport). */
  async signedHeaders(
    operation: string,
    body: Uint8Array,
    nowMs = Date.now(),
  ): Promise<Record<string, string>> {
    const date = this.#amzDate(nowMs);
    let memo: BodyMemo | undefined;
    if (this.#memo !== undefined) {
      memo = this.#memo.get(body);
      if (memo?.headers !== undefined && memo.date === date && memo.operation === operation)
        return { ...memo.headers };
    }
    const hash = memo?.hash ?? (await this.#crypto.sha256Hex(body));
    const headers: Record<string, string> = {
      host: this.#host,
      'content-type': KINESIS_CONTENT_TYPE,
      'x-amz-content-sha256': hash,
      'x-amz-date': date,
      'x-amz-target': KINESIS_TARGET_PREFIX + operation,
    };
    if (this.#credentials.sessionToken !== undefined)
      headers['x-amz-security-token'] = this.#credentials.sessionToken;
    const { authorization } = await this.#signer.sign({
      method: 'POST',
      path: this.#path,
      headers,
      payloadHash: headers['x-amz-content-sha256'] as string,
      region: this.region,
      service: 'kinesis',
      credentials: this.#credentials,
    });
    headers.authorization = authorization;
    if (this.#memo !== undefined) {
      if (memo === undefined) this.#memo.set(body, { hash, date, operation, headers: { ...headers } });
      else Object.assign(memo, { date, operation, headers: { ...headers } });
    }
    return headers;
  }

  /** One signed request with a pre-built JSON body; the answer comes back unparsed. Never rejects. */
  async sendRaw(operation: string, body: Uint8Array): Promise<RawResponse<B>> {
    const t0 = performance.now();
    const res = await this.#transport.send({ headers: await this.signedHeaders(operation, body), body });
    const t1 = performance.now();
    return {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
      body: res.body,
      netError: res.netError,
      t0,
      t1,
      ms: t1 - t0,
    };
  }

  /** A JSON call: resolves the parsed output, rejects KinesisApiError (status 0: transport failure). */
  async call<T = Record<string, unknown>>(operation: string, input: object): Promise<T> {
    const res = await this.sendRaw(operation, encoder.encode(JSON.stringify(input)));
    if (res.netError !== undefined)
      throw new KinesisApiError('NetworkError', describeNetError(this.endpoint, res.netError), 0);
    if (res.status >= 200 && res.status < 300) {
      if (res.body.length === 0) return {} as T;
      try {
        return JSON.parse(decoder.decode(res.body)) as T;
      } catch {
        // not JSON: reported below
      }
    }
    const err = parseErrorResponse(res);
    throw new KinesisApiError(
      err.type ?? `HTTP ${res.status}`,
      err.message ?? (err.text.slice(0, 200) || res.statusText),
      res.status,
    );
  }

  close(): void {
    this.#transport.close?.();
  }

  #amzDate(nowMs: number): string {
    const second = Math.floor(nowMs / 1000);
    if (second !== this.#dateSecond) {
      this.#dateSecond = second;
      this.#date = amzDate(second * 1000);
    }
    return this.#date;
  }
}

/** Stream name or ARN → the input member that addresses it. */
export function streamRef(stream: string): { StreamName: string } | { StreamARN: string } {
  return stream.startsWith('arn:') ? { StreamARN: stream } : { StreamName: stream };
}
