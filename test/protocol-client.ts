// A raw HTTP/1.1 client for front-end tests: full control over method, headers and body, and the
// exact response bytes back (fetch adds headers and hides others).
import http from 'node:http';
import http2 from 'node:http2';
import { REGION } from './helpers.js';

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
}

export interface RawOptions {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** Adds a syntactically complete SigV4 Authorization header and X-Amz-Date (signatures are not verified). */
  readonly sign?: boolean;
}

export const SIGNED_HEADERS: Readonly<Record<string, string>> = {
  'x-amz-date': '20260101T000000Z',
  authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/${REGION}/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc`,
};

export const UUID_RE = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;

export function rawHttp(endpoint: string, opts: RawOptions = {}): Promise<RawResponse> {
  const url = new URL(endpoint);
  const headers: Record<string, string> = { ...(opts.sign === false ? {} : SIGNED_HEADERS), ...opts.headers };
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: opts.method ?? 'POST',
        path: opts.path ?? '/',
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The same request as `rawHttp` over cleartext HTTP/2 (prior knowledge), on a session of its own. */
export function rawHttp2(endpoint: string, opts: RawOptions = {}): Promise<RawResponse> {
  const headers: http2.OutgoingHttpHeaders = {
    ':method': opts.method ?? 'POST',
    ':path': opts.path ?? '/',
  };
  for (const [name, value] of Object.entries({
    ...(opts.sign === false ? {} : SIGNED_HEADERS),
    ...opts.headers,
  }))
    headers[name.toLowerCase()] = value;
  return new Promise((resolve, reject) => {
    const session = http2.connect(endpoint);
    session.on('error', reject);
    const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
    const req = session.request(headers, { endStream: body === undefined || body.length === 0 });
    req.on('error', (err) => {
      session.close();
      reject(err);
    });
    let status = 0;
    let responseHeaders: http.IncomingHttpHeaders = {};
    req.on('response', (h) => {
      status = Number(h[':status']);
      const { ':status': _status, ...rest } = h;
      responseHeaders = rest as http.IncomingHttpHeaders;
    });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      session.close();
      const data = Buffer.concat(chunks);
      resolve({ status, headers: responseHeaders, body: data, text: data.toString('utf8') });
    });
    if (body !== undefined && body.length > 0) req.end(body);
  });
}

/** JSON 1.1 request headers for `target` (an operation name, or a full/invalid target string). */
export function jsonHeaders(
  target?: string,
  contentType = 'application/x-amz-json-1.1',
): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (target !== undefined)
    headers['x-amz-target'] = target.includes('.') ? target : `Kinesis_20131202.${target}`;
  return headers;
}

/**
 * True when the record path (PutRecord/GetRecords) is implemented: an unimplemented operation
 * answers "Shardline does not implement …", an implemented one a real error for a missing stream.
 */
export async function recordPathAvailable(endpoint: string): Promise<boolean> {
  for (const op of ['PutRecord', 'PutRecords', 'GetShardIterator', 'GetRecords']) {
    const body =
      op === 'GetRecords'
        ? { ShardIterator: 'AAAA' }
        : {
            StreamName: 'probe-missing',
            PartitionKey: 'k',
            Data: 'AA==',
            Records: [{ PartitionKey: 'k', Data: 'AA==' }],
            ShardId: 'shardId-000000000000',
            ShardIteratorType: 'LATEST',
          };
    const res = await rawHttp(endpoint, { headers: jsonHeaders(op), body: JSON.stringify(body) });
    if (/does not implement/.test(res.text)) return false;
  }
  return true;
}
