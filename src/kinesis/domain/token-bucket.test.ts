import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('allows the burst at once, then the rate', () => {
    const b = new TokenBucket(1000, 1000, 0);
    assert.equal(b.tryTake(1000, 0), true);
    assert.equal(b.tryTake(1, 0), false);
    assert.equal(b.tryTake(500, 499), false);
    assert.equal(b.tryTake(500, 500), true);
    assert.equal(b.tryTake(1, 500), false);
  });

  it('never refills above capacity', () => {
    const b = new TokenBucket(10, 5, 0);
    assert.equal(b.available(60_000), 5);
  });

  it('lets one oversized cost through a full bucket, then waits out the debt', () => {
    const b = new TokenBucket(1024, 1024, 0);
    assert.equal(b.tryTake(4096, 0), true);
    assert.equal(b.available(0), -3072);
    assert.equal(b.tryTake(1, 2_000), false);
    assert.equal(b.tryTake(4096, 3_999), false);
    assert.equal(b.tryTake(4096, 4_000), true);
  });

  it('charge after the fact: a 10 MiB read on a 2 MiB/s bucket blocks reads for about 4 s', () => {
    const mib = 1024 * 1024;
    const b = new TokenBucket(2 * mib, 2 * mib, 0);
    assert.equal(b.hasCredit(0), true);
    b.charge(10 * mib, 0);
    assert.equal(b.hasCredit(3_900), false);
    assert.equal(b.hasCredit(4_001), true);
  });

  it('over any window, accepted volume ≤ capacity + rate × window (a bucket, not a fixed window)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dtMs: fc.integer({ min: 0, max: 300 }), n: fc.integer({ min: 1, max: 400 }) }), {
          minLength: 1,
          maxLength: 200,
        }),
        (ops) => {
          const rate = 1000;
          const cap = 1000;
          const b = new TokenBucket(rate, cap, 0);
          let t = 0;
          const accepted: { t: number; n: number }[] = [];
          for (const { dtMs, n } of ops) {
            t += dtMs;
            if (b.tryTake(n, t)) accepted.push({ t, n });
          }
          for (const a of accepted) {
            let sum = 0;
            for (const x of accepted) if (x.t >= a.t && x.t <= a.t + 1000) sum += x.n;
            assert.ok(sum <= cap + rate + 1e-6, `${sum} in the second after ${a.t}`);
          }
        },
      ),
    );
  });

  it('waitMs says when a cost fits', () => {
    const b = new TokenBucket(100, 100, 0);
    b.tryTake(100, 0);
    assert.equal(b.waitMs(50, 0), 500);
    assert.equal(b.tryTake(50, 499), false);
    assert.equal(b.tryTake(50, 500), true);
  });
});
