// The TLS port: HTTPS with ALPN h2 and http/1.1, a self-signed certificate made at start when
// none is given, or the user's key and certificate.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http2 from 'node:http2';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import tls from 'node:tls';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListStreamsCommand,
} from '@aws-sdk/client-kinesis';
import { Decoder } from 'cbor-x';
import { selfSignedCertificate } from '../src/aws/self-signed.js';
import { needsInProcess, REGION, randomName, startTestServer, type TestServer } from './helpers.js';
import { SIGNED_HEADERS } from './protocol-client.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

let server: TestServer;
let cert: string;
let tlsPort: number;
let endpoint: string;

before(async () => {
  server = await startTestServer({ tlsPort: 0 });
  if (server.external) return; // every case below skips
  assert.ok(server.server?.tlsPort && server.server.tlsCert && server.server.tlsEndpoint);
  tlsPort = server.server.tlsPort;
  cert = server.server.tlsCert;
  endpoint = server.server.tlsEndpoint;
});
after(async () => {
  await server.close();
});

function alpnOf(protocols: string[] | undefined): Promise<string | false> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host: '127.0.0.1', port: tlsPort, ca: cert, ...(protocols ? { ALPNProtocols: protocols } : {}) },
      () => {
        resolve(socket.alpnProtocol ?? false);
        socket.end();
      },
    );
    socket.on('error', reject);
  });
}

describe('TLS port', { skip: needsInProcess('flags', '--tls-port') }, () => {
  it('presents a self-signed certificate valid for loopback', () => {
    const x509 = new X509Certificate(cert);
    assert.ok(x509.checkIP('127.0.0.1'));
    assert.ok(x509.checkHost('localhost'));
    assert.ok(x509.verify(x509.publicKey), 'self-signed');
  });

  it('negotiates h2 and http/1.1 by ALPN', async () => {
    assert.equal(await alpnOf(['h2', 'http/1.1']), 'h2');
    assert.equal(await alpnOf(['http/1.1']), 'http/1.1');
  });

  it('serves the JS SDK over HTTPS + HTTP/2, trusting only this certificate', async () => {
    const client = new KinesisClient({
      endpoint,
      region: REGION,
      credentials,
      maxAttempts: 1,
      requestHandler: { nodeHttp2ConnectOptions: { ca: cert } },
    });
    try {
      const name = randomName('tls');
      await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
      const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
      assert.equal(out.StreamDescriptionSummary?.StreamName, name);
    } finally {
      client.destroy();
    }
  });

  it('rejects clients that do not trust the certificate (nothing is served in clear)', async () => {
    const client = new KinesisClient({ endpoint, region: REGION, credentials, maxAttempts: 1 });
    try {
      await assert.rejects(client.send(new ListStreamsCommand({})), /self[- ]signed|certificate/i);
    } finally {
      client.destroy();
    }
  });

  it('serves an HTTP/1.1 https request', async () => {
    const body = await new Promise<{ status: number; text: string; alpn: string | false }>(
      (resolve, reject) => {
        const req = https.request(
          {
            host: '127.0.0.1',
            port: tlsPort,
            method: 'POST',
            path: '/',
            ca: cert,
            agent: false,
            headers: {
              'content-type': 'application/x-amz-json-1.1',
              'x-amz-target': 'Kinesis_20131202.ListStreams',
              ...SIGNED_HEADERS,
            },
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => {
              text += c.toString();
            });
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                text,
                alpn: (res.socket as tls.TLSSocket).alpnProtocol ?? false,
              }),
            );
          },
        );
        req.on('error', reject);
        req.end('{}');
      },
    );
    assert.equal(body.status, 200, body.text);
    assert.equal(typeof JSON.parse(body.text).HasMoreStreams, 'boolean');
  });

  it('serves CBOR over h2 as the Java SDK v2 does', async () => {
    const session = http2.connect(endpoint, { ca: cert });
    try {
      const req = session.request({
        ':method': 'POST',
        ':path': '/',
        'content-type': 'application/x-amz-cbor-1.1',
        'x-amz-target': 'Kinesis_20131202.ListStreams',
        ...SIGNED_HEADERS,
      });
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.end(Buffer.from([0xbf, 0xff])); // {} as an indefinite-length map
      const status = await new Promise<number>((resolve, reject) => {
        req.on('response', (h) => resolve(Number(h[':status'])));
        req.on('error', reject);
      });
      await new Promise((r) => req.on('end', r));
      assert.equal(status, 200);
      const out = new Decoder({ mapsAsObjects: true, int64AsNumber: true } as never).decode(
        Buffer.concat(chunks),
      ) as {
        StreamNames: string[];
      };
      assert.ok(Array.isArray(out.StreamNames));
    } finally {
      session.close();
    }
  });

  it('still serves cleartext HTTP/1.1 and h2c on the main port', async () => {
    const res = await fetch(server.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.ListStreams',
        ...SIGNED_HEADERS,
      },
      body: '{}',
    });
    assert.equal(res.status, 200);
  });
});

describe('TLS with the user’s key and certificate', {
  skip: needsInProcess('flags', '--tls-port, --tls-key and --tls-cert'),
}, () => {
  it('serves the given certificate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shardline-tls-test-'));
    const own = await selfSignedCertificate('127.0.0.1');
    await writeFile(join(dir, 'key.pem'), own.key);
    await writeFile(join(dir, 'cert.pem'), own.cert);
    const s = await startTestServer({
      tlsPort: 0,
      tlsKeyFile: join(dir, 'key.pem'),
      tlsCertFile: join(dir, 'cert.pem'),
    });
    try {
      const port = s.server?.tlsPort ?? 0;
      const served = await new Promise<string>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port, ca: own.cert }, () => {
          resolve(socket.getPeerX509Certificate()?.fingerprint256 ?? '');
          socket.end();
        });
        socket.on('error', reject);
      });
      assert.equal(served, new X509Certificate(own.cert).fingerprint256);
    } finally {
      await s.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
