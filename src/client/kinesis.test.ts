// The client over both transports (node:http, fetch) against a small server that checks each
// request's SigV4 signature and answers what the test asks for.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createBrowserClient, FetchTransport } from './browser.js';
import { KinesisApiError, KinesisClient, LOCAL_CREDENTIALS } from './kinesis.js';
import { createNodeClient, nodeCrypto } from './node.js';
import { pureCrypto } from './sha256.js';
import { SigV4Signer } from './sigv4.js';

interface Seen {
  target: string;
  body: string;
  signatureOk: boolean;
}

let server: http.Server;
let endpoint: string;
const seen: Seen[] = [];

async function verify(req: http.IncomingMessage, body: Buffer): Promise<boolean> {
  const auth = String(req.headers.authorization);
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) headers[name] = String(req.headers[name]);
  const payloadHash = createHash('sha256').update(body).digest('hex');
  if (headers['x-amz-content-sha256'] !== payloadHash) return false;
  const expected = await new SigV4Signer(nodeCrypto).sign({
    method: 'POST',
    path: req.url ?? '/',
    headers,
    payloadHash,
    region: 'us-east-1',
    service: 'kinesis',
    credentials: LOCAL_CREDENTIALS,
  });
  return expected.authorization === auth && signedHeaders.includes('x-amz-target');
}

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const target = String(req.headers['x-amz-target']);
      seen.push({ target, body: body.toString(), signatureOk: await verify(req, body) });
      const op = target.slice(target.indexOf('.') + 1);
      if (op === 'Missing') {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(
          '{"__type":"com.amazonaws.kinesis#ResourceNotFoundException","message":"Stream x not found"}',
        );
      } else if (op === 'HeaderOnly') {
        res.writeHead(500, { 'x-amzn-errortype': 'InternalFailure:http://internal.amazon.com/' });
        res.end();
      } else if (op === 'Slow') {
        setTimeout(() => res.end('{}'), 1_000);
      } else {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ echo: JSON.parse(body.toString()) }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const clients: [string, () => KinesisClient][] = [
  ['node:http', () => createNodeClient({ endpoint, region: 'us-east-1', timeoutMs: 300 })],
  ['fetch + WebCrypto', () => createBrowserClient({ endpoint, region: 'us-east-1', timeoutMs: 300 })],
  [
    'fetch + pure SHA-256',
    () =>
      new KinesisClient({
        endpoint,
        region: 'us-east-1',
        transport: new FetchTransport(endpoint, { timeoutMs: 300 }),
        crypto: pureCrypto,
      }),
  ],
];

for (const [name, make] of clients) {
  describe(`KinesisClient over ${name}`, () => {
    it('sends signed JSON 1.1 calls and parses the answer', async () => {
      const client = make();
      try {
        seen.length = 0;
        const out = await client.call<{ echo: unknown }>('ListStreams', { Limit: 3, Name: 'é' });
        assert.deepEqual(out, { echo: { Limit: 3, Name: 'é' } });
        assert.deepEqual(seen, [
          { target: 'Kinesis_20131202.ListStreams', body: '{"Limit":3,"Name":"é"}', signatureOk: true },
        ]);
      } finally {
        client.close();
      }
    });

    it('reads errors from __type (namespace dropped) and from x-amzn-errortype', async () => {
      const client = make();
      try {
        await assert.rejects(client.call('Missing', {}), (err: unknown) => {
          assert.ok(err instanceof KinesisApiError);
          assert.equal(err.type, 'ResourceNotFoundException');
          assert.equal(err.message, 'Stream x not found');
          assert.equal(err.status, 400);
          return true;
        });
        await assert.rejects(client.call('HeaderOnly', {}), { type: 'InternalFailure', status: 500 });
      } finally {
        client.close();
      }
    });

    it('reports transport failures as NetworkError with status 0', async () => {
      const client = make();
      try {
        await assert.rejects(client.call('Slow', {}), (err: unknown) => {
          assert.ok(err instanceof KinesisApiError);
          assert.equal(err.type, 'NetworkError');
          assert.equal(err.status, 0);
          assert.equal(err.message, `no answer from ${endpoint} within 300 ms`);
          return true;
        });
      } finally {
        client.close();
      }
    });
  });
}

describe('KinesisClient over node:http', () => {
  it('returns raw Buffers from sendRaw and explains a refused connection', async () => {
    const client = createNodeClient({
      endpoint,
      region: 'us-east-1',
      timeoutMs: 1_000,
      immutableBodies: true,
    });
    const body = Buffer.from(JSON.stringify({ pad: 'x'.repeat(20_000) }));
    seen.length = 0;
    for (let i = 0; i < 2; i++) {
      const res = await client.sendRaw('PutRecords', body);
      assert.equal(res.status, 200);
      assert.ok(Buffer.isBuffer(res.body));
      assert.ok(res.t1 >= res.t0 && res.ms >= 0);
    }
    assert.ok(seen.every((s) => s.signatureOk));
    client.close();
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = createNodeClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      timeoutMs: 1_000,
    });
    await assert.rejects(refused.call('ListStreams', {}), {
      type: 'NetworkError',
      status: 0,
      message: `cannot reach Shardline at http://127.0.0.1:${port}: connection refused`,
    });
    refused.close();
  });
});
