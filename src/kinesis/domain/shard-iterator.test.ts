import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  amzUtcString,
  decodeIterator,
  encodeIterator,
  ITERATOR_CHARS_MAX,
  ITERATOR_KEY_BYTES,
  type IteratorPosition,
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
