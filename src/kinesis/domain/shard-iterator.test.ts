import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  amzUtcString,
  decodeIterator,
  encodeIterator,
  ITERATOR_BYTES_MAX,
  ITERATOR_CHARS_MAX,
  ITERATOR_KEY_BYTES,
  type IteratorPosition,
  unquoteIterator,
} from './shard-iterator.js';

const key = randomBytes(ITERATOR_KEY_BYTES);

const position = fc.record({
  account: fc.stringMatching(/^\d{12}$/),
  region: fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-gov-west-1'),
  streamName: fc.stringMatching(/^[a-zA-Z0-9_.-]{1,128}$/),
  streamUid: fc.uuid(),
  shardIndex: fc.integer({ min: 0, max: 2_147_483_647 }),
  offset: fc.maxSafeNat(),
  issuedAtMs: fc.integer({ min: 0, max: 2 ** 47 }),
});

describe('shard iterator codec', () => {
  it('round-trips every field and stays within 512 characters', () => {
    fc.assert(
      fc.property(position, (pos: IteratorPosition) => {
        const token = encodeIterator(key, pos);
        assert.ok(token.length <= ITERATOR_CHARS_MAX, `length ${token.length}`);
        assert.deepEqual(decodeIterator(key, token), { ...pos });
      }),
    );
  });

  // kinesalite's test/helpers.js assertShardIterator (run against AWS): canonical base64, the first
  // 8 bytes 0000000000000001, 152 + 16·k bytes.
  it("has AWS's shape: canonical base64, 8-byte header 0000000000000001, 152 + 16·k bytes", () => {
    fc.assert(
      fc.property(position, (pos: IteratorPosition) => {
        const token = encodeIterator(key, pos);
        const buffer = Buffer.from(token, 'base64');
        assert.equal(buffer.toString('base64'), token);
        assert.equal(buffer.subarray(0, 8).toString('hex'), '0000000000000001');
        assert.ok(buffer.length >= 152, `${buffer.length} bytes`);
        assert.equal((buffer.length - 152) % 16, 0, `${buffer.length} bytes`);
        assert.ok(buffer.length <= ITERATOR_BYTES_MAX);
      }),
    );
  });

  it('fits the model limit (1..512 characters) for the longest names: 376 bytes, 504 characters at most', () => {
    assert.equal(ITERATOR_BYTES_MAX, 376);
    assert.equal(Buffer.alloc(ITERATOR_BYTES_MAX).toString('base64').length, 504);
    const longest = {
      ...sample('s'.repeat(128)),
      region: 'ap-southeast-5-longer-than-any',
      shardIndex: 2 ** 32 - 1,
      offset: Number.MAX_SAFE_INTEGER,
    };
    const token = encodeIterator(key, longest);
    assert.ok(token.length <= ITERATOR_CHARS_MAX, `${token.length} characters`);
    assert.deepEqual(decodeIterator(key, token), longest);
    // A short stream name still pads up to the 152-byte minimum.
    assert.equal(Buffer.from(encodeIterator(key, sample('a')), 'base64').length, 152);
  });

  it('rejects any byte change, header included, and any length off the 152 + 16·k grid', () => {
    fc.assert(
      fc.property(position, fc.nat(), fc.integer({ min: 1, max: 255 }), (pos, at, flip) => {
        const sealed = Buffer.from(encodeIterator(key, pos), 'base64');
        const copy = Buffer.from(sealed);
        const i = at % copy.length;
        copy[i] = (copy[i] ?? 0) ^ flip;
        assert.equal(decodeIterator(key, copy.toString('base64')), undefined);
        assert.equal(
          decodeIterator(key, sealed.subarray(0, sealed.length - 16).toString('base64')),
          undefined,
        );
        assert.equal(
          decodeIterator(key, Buffer.concat([sealed, Buffer.alloc(16)]).toString('base64')),
          undefined,
        );
      }),
    );
  });

  it('still reads iterators of the earlier layout (issued before an upgrade)', () => {
    fc.assert(
      fc.property(position, (pos: IteratorPosition) => {
        assert.deepEqual(decodeIterator(key, legacyToken(key, pos)), { ...pos });
        assert.equal(decodeIterator(randomBytes(ITERATOR_KEY_BYTES), legacyToken(key, pos)), undefined);
      }),
    );
  });

  it('unquoteIterator strips one pair of surrounding double quotes only', () => {
    const token = encodeIterator(key, sample('q'));
    assert.equal(unquoteIterator(`"${token}"`), token);
    assert.equal(unquoteIterator(token), token);
    assert.equal(unquoteIterator('"'), '"');
    assert.equal(unquoteIterator(`"${token}`), `"${token}`);
    assert.equal(decodeIterator(key, `"${token}"`), undefined, 'the codec itself takes no quotes');
  });

  it('is opaque: the stream name does not appear in the token', () => {
    const pos = sample('visible-stream-name');
    const token = encodeIterator(key, pos);
    assert.ok(!Buffer.from(token, 'base64').toString('latin1').includes('visible-stream-name'));
    assert.notEqual(encodeIterator(key, pos), token, 'each token has a fresh IV');
  });

  it('rejects tokens sealed under another key', () => {
    const token = encodeIterator(randomBytes(ITERATOR_KEY_BYTES), sample('s'));
    assert.equal(decodeIterator(key, token), undefined);
  });

  it('rejects any single-byte tampering', () => {
    const sealed = Buffer.from(encodeIterator(key, sample('tamper')), 'base64');
    fc.assert(
      fc.property(fc.nat({ max: sealed.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const copy = Buffer.from(sealed);
        copy[at] = (copy[at] ?? 0) ^ flip;
        assert.equal(decodeIterator(key, copy.toString('base64')), undefined);
      }),
    );
  });

  it('rejects garbage, truncation and non-canonical base64', () => {
    const token = encodeIterator(key, sample('g'));
    for (const bad of [
      '',
      'abc',
      'not an iterator',
      token.slice(0, -4),
      `${token}AAAA`,
      token.replace(/=+$/, ''),
      'A'.repeat(600),
    ])
      assert.equal(decodeIterator(key, bad), undefined, bad);
    fc.assert(fc.property(fc.string({ maxLength: 600 }), (s) => decodeIterator(key, s) === undefined));
  });

  it('formats times like Java Date#toString in UTC', () => {
    assert.equal(amzUtcString(Date.UTC(2015, 0, 22, 1, 22, 2)), 'Thu Jan 22 01:22:02 UTC 2015');
  });
});

function sample(streamName: string): IteratorPosition {
  return {
    account: '000000000000',
    region: 'us-east-1',
    streamName,
    streamUid: '0b8f3c1e-3c2a-4a8e-9d8e-5c7c8e9a0b1c',
    shardIndex: 3,
    offset: 12345,
    issuedAtMs: Date.now(),
  };
}

/** The layout before AWS's shape (version byte 1 as associated data, no padding), built by hand. */
function legacyToken(k: Buffer, pos: IteratorPosition): string {
  const strings = [pos.streamUid, pos.account, pos.region, pos.streamName].map((x) => Buffer.from(x, 'utf8'));
  const fixed = Buffer.alloc(18);
  fixed.writeUIntBE(pos.issuedAtMs, 0, 6);
  fixed.writeUInt32BE(pos.shardIndex, 6);
  fixed.writeUInt32BE(Math.floor(pos.offset / 2 ** 32), 10);
  fixed.writeUInt32BE(pos.offset % 2 ** 32, 14);
  const plain = Buffer.concat([fixed, ...strings.flatMap((x) => [Buffer.from([x.length]), x])]);
  const header = Buffer.from([1]);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', k, iv);
  cipher.setAAD(header);
  return Buffer.concat([header, iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]).toString(
    'base64',
  );
}
