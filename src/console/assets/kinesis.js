// Browser-side Kinesis client: AWS JSON 1.1 POSTs to the server that serves the console, with a
// well-formed but unsigned SigV4 header (Shardline does not verify signatures), and the metrics
// JSON endpoint.

export const region = new URLSearchParams(location.search).get('region') ?? 'us-east-1';

function amzDate() {
  return new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export class ApiError extends Error {
  constructor(type, message) {
    super(message);
    this.type = type;
  }
}

export async function call(operation, input = {}) {
  const date = amzDate();
  const res = await fetch('/', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `Kinesis_20131202.${operation}`,
      'x-amz-date': date,
      authorization: `AWS4-HMAC-SHA256 Credential=CONSOLE/${date.slice(0, 8)}/${region}/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0`,
    },
    body: JSON.stringify(input),
  });
  const text = await res.text();
  let body;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = undefined;
  }
  if (res.ok && body) return body;
  const type = String(body?.__type ?? `HTTP ${res.status}`)
    .split('#')
    .pop();
  throw new ApiError(type, body?.message ?? body?.Message ?? text.slice(0, 200));
}

/** Every page of a paginated list operation (bounded). */
export async function listAll(operation, input, member) {
  const out = [];
  let token;
  for (let page = 0; page < 100; page++) {
    const res = await call(
      operation,
      token === undefined ? input : { ...(operation === 'ListShards' ? {} : input), NextToken: token },
    );
    out.push(...(res[member] ?? []));
    token = res.NextToken;
    if (!token || res.HasMoreStreams === false) break;
  }
  return out;
}

export async function metricsJson(stream, resolution = '1s') {
  const q =
    stream === undefined
      ? ''
      : `?stream=${encodeURIComponent(stream)}&region=${encodeURIComponent(region)}&resolution=${resolution}`;
  const res = await fetch(`/metrics.json${q}`);
  if (!res.ok) throw new Error(`metrics: HTTP ${res.status}`);
  return res.json();
}

/** base64 → bytes */
export function bytesOf(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
