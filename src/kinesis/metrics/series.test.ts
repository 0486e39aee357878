import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Series } from './series.js';

describe('Series', () => {
  const kinds = ['counter', 'gauge'] as const;

  it('keeps 1-second points, fills gaps with 0 / null, and rolls minutes', () => {
    const s = new Series([...kinds], 10, 3);
    const base = 6000; // a minute boundary (epoch seconds)
    s.push(base, Float64Array.of(5, 100));
    s.push(base + 3, Float64Array.of(2, Number.NaN));
    const w = s.window('1s', base + 4);
    assert.equal(w.start, base - 6);
    assert.deepEqual(w.values[0]?.slice(-4), [5, 0, 0, 2]);
    assert.deepEqual(w.values[1]?.slice(-4), [100, null, null, null]);
    s.push(base + 61, Float64Array.of(1, 7));
    const m = s.window('1m', base + 62);
    assert.equal(m.step, 60);
    // The completed minute sums the counter and keeps the gauge's maximum; the last is partial.
    assert.deepEqual(m.values[0], [0, 7, 1]);
    assert.deepEqual(m.values[1], [null, 100, 7]);
  });

  it('forgets points older than the ring', () => {
    const s = new Series([...kinds], 4, 2);
    for (let sec = 100; sec < 110; sec++) s.push(sec, Float64Array.of(sec, sec));
    const w = s.window('1s', 110);
    assert.deepEqual(w.values[0], [106, 107, 108, 109]);
  });
});
