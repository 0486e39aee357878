// The console's Kinesis calls go through the repo's one client (src/client, served compiled under
// /console/client/): AWS JSON 1.1 POSTs to the server that serves the console, SigV4-signed with
// WebCrypto (or the pure SHA-256 outside secure contexts). Also the metrics JSON endpoint.
import { createBrowserClient, KinesisApiError } from './client/browser.js';

export const region = new URLSearchParams(location.search).get('region') ?? 'us-east-1';

/** Shardline does not check signatures; the console signs with this fixed, recognisable key. */
const client = createBrowserClient({
  region,
  credentials: { accessKeyId: 'CONSOLE', secretAccessKey: 'shardline-console' },
});

/** An API or network error: `type` (e.g. ResourceNotFoundException, NetworkError) and message. */
export const ApiError = KinesisApiError;

export function call(operation, input = {}) {
  return client.call(operation, input);
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
