// SigV4 against AWS's documented examples, with each hashing implementation the client may use
// (node:crypto, WebCrypto, the pure sha256.ts), and a Kinesis request signed as the JS SDK does.
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { webCrypto } from './browser.js';
import { KinesisClient } from './kinesis.js';
import { nodeCrypto } from './node.js';
import { hmacSha256, pureCrypto, sha256 } from './sha256.js';
import { deriveSigningKey, type SigningCrypto, SigV4Signer, toHex } from './sigv4.js';

// The example credentials of AWS's SigV4 documentation and test suite.
const EXAMPLE = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const cryptos: [string, SigningCrypto][] = [
  ['node:crypto', nodeCrypto],
  ['WebCrypto', webCrypto(globalThis.crypto.subtle)],
  ['pure sha256.ts', pureCrypto],
];

for (const [name, crypto] of cryptos) {
  describe(`SigV4 with ${name}`, () => {
    it('signs the IAM ListUsers example of the SigV4 documentation', async () => {
      // GET https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08 at 20150830T123600Z.
      const payloadHash = await crypto.sha256Hex('');
      assert.equal(payloadHash, EMPTY_SHA256);
      const out = await new SigV4Signer(crypto).sign({
        method: 'GET',
        path: '/',
        query: { Version: '2010-05-08', Action: 'ListUsers' },
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          host: 'iam.amazonaws.com',
          'x-amz-date': '20150830T123600Z',
        },
        payloadHash,
        region: 'us-east-1',
        service: 'iam',
        credentials: EXAMPLE,
      });
      assert.equal(
        out.canonicalRequest,
        'GET\n/\nAction=ListUsers&Version=2010-05-08\n' +
          'content-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\n' +
          `x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n${EMPTY_SHA256}`,
      );
      assert.equal(
        await crypto.sha256Hex(out.canonicalRequest),
        'f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59',
      );
      assert.equal(
        toHex(await deriveSigningKey(crypto, EXAMPLE.secretAccessKey, '20150830', 'us-east-1', 'iam')),
        'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9',
      );
      assert.equal(out.signature, '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
      assert.equal(
        out.authorization,
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, ' +
          'SignedHeaders=content-type;host;x-amz-date, ' +
          'Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
      );
    });

    it('signs get-vanilla of the SigV4 test suite', async () => {
      const out = await new SigV4Signer(crypto).sign({
        method: 'GET',
        path: '/',
        headers: { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' },
        payloadHash: EMPTY_SHA256,
        region: 'us-east-1',
        service: 'service',
        credentials: EXAMPLE,
      });
      assert.equal(
        out.authorization,
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
          'SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
      );
    });

    it('signs a Kinesis call with the headers and signature of the AWS SDK for JavaScript', async () => {
      // Expected value computed with @smithy/signature-v4 (the SDK's signer) for the same request.
      const client = new KinesisClient({
        endpoint: 'http://127.0.0.1:4567/',
        region: 'us-east-1',
        transport: { send: () => Promise.reject(new Error('not sent')) },
        crypto,
        credentials: EXAMPLE,
      });
      const headers = await client.signedHeaders(
        'DescribeStreamSummary',
        new TextEncoder().encode('{"StreamName":"orders"}'),
        Date.parse('2015-08-30T12:36:00.123Z'),
      );
      assert.deepEqual(headers, {
        host: '127.0.0.1:4567',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-content-sha256': 'c51186d8dde7c68a806475a9ef419978a1f2a935c9db54fe2d405937607b5f7d',
        'x-amz-date': '20150830T123600Z',
        'x-amz-target': 'Kinesis_20131202.DescribeStreamSummary',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/kinesis/aws4_request, ' +
          'SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target, ' +
          'Signature=bb7bdf6dedd67ca27b4fb390d2171aff5273f1f78130345d9a7f49bfd24566a6',
      });
    });
  });
}

describe('pure SHA-256', () => {
  it('agrees with node:crypto across block boundaries, long keys and UTF-8', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 70_000]) {
      const data = randomBytes(n);
      assert.equal(toHex(sha256(data)), createHash('sha256').update(data).digest('hex'), `${n} bytes`);
      for (const keyBytes of [0, 20, 64, 65, 200]) {
        const key = randomBytes(keyBytes);
        assert.equal(
          toHex(hmacSha256(key, data)),
          createHmac('sha256', key).update(data).digest('hex'),
          `HMAC, ${keyBytes}-byte key, ${n} bytes`,
        );
      }
    }
    assert.equal(toHex(sha256('héllo ✓')), createHash('sha256').update('héllo ✓', 'utf8').digest('hex'));
  });
});
