import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hashKeyOf } from './hash-keys.js';
import { md5Words } from './md5.js';

const asBigInt = (w: Uint32Array): bigint =>
  (BigInt(w[0]!) << 96n) | (BigInt(w[1]!) << 64n) | (BigInt(w[2]!) << 32n) | BigInt(w[3]!);

describe('md5Words', () => {
  it('matches node:crypto MD5 read as a big-endian integer', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 256, unit: fc.constantFrom('grapheme', 'binary', 'grapheme-ascii') as never }),
        (key) => {
          assert.equal(asBigInt(md5Words(key)), hashKeyOf(key));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('handles every padding boundary and the RFC 1321 vectors', () => {
    for (let n = 0; n <= 300; n++) {
      const key = 'x'.repeat(n);
      assert.equal(
        asBigInt(md5Words(key)),
        BigInt(`0x${createHash('md5').update(key).digest('hex')}`),
        `length ${n}`,
      );
    }
    assert.equal(asBigInt(md5Words('')).toString(16).padStart(32, '0'), 'd41d8cd98f00b204e9800998ecf8427e');
    assert.equal(asBigInt(md5Words('abc')).toString(16), '900150983cd24fb0d6963f7d28e17f72');
    // A 256-character key of 4-byte characters: the longest UTF-8 a partition key can have.
    const astral = '😀'.repeat(128);
    assert.equal(asBigInt(md5Words(astral)), hashKeyOf(astral));
  });
});
