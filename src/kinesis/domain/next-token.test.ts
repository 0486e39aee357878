import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { limits } from '../limits.js';
import { decodeNextToken, encodeNextToken } from './next-token.js';

describe('next tokens', () => {
  it('round-trip their body until they expire', () => {
    const token = encodeNextToken({ after: 'b', arn: 'x' }, 1000);
    assert.deepEqual(decodeNextToken(token, 1000 + limits.nextTokenLifetimeMs), {
      after: 'b',
      arn: 'x',
      t: 1000,
    });
    assert.equal(decodeNextToken(token, 1001 + limits.nextTokenLifetimeMs), 'expired');
  });

  it('reject garbage', () => {
    assert.equal(decodeNextToken('!!!', 0), undefined);
    assert.equal(decodeNextToken(Buffer.from('{"t":1}').toString('base64url'), 0), undefined);
  });
});
