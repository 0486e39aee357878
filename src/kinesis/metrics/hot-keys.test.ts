import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HotKeys } from './hot-keys.js';

describe('HotKeys (Space-Saving)', () => {
  it('finds every key above total/k among many distinct keys, with bounded memory', () => {
    const sketch = new HotKeys(16);
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const truth = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      const r = rand();
      const key = r < 0.3 ? 'big' : r < 0.45 ? 'medium' : `k${Math.floor(rand() * 10_000)}`;
      truth.set(key, (truth.get(key) ?? 0) + 1);
      sketch.add(key, 1, 10);
    }
    assert.equal(sketch.size, 16);
    const top = sketch.top(2);
    assert.deepEqual(
      top.map((k) => k.key),
      ['big', 'medium'],
    );
    for (const k of top) {
      const real = truth.get(k.key) ?? 0;
      assert.ok(k.count >= real && k.count - k.error <= real, `${k.key}: ${k.count}±${k.error} vs ${real}`);
    }
  });

  it('decays so that old keys fade out', () => {
    const sketch = new HotKeys(4);
    sketch.add('old', 10, 100);
    sketch.decay(0.5);
    assert.equal(sketch.top()[0]?.count, 5);
    for (let i = 0; i < 5; i++) sketch.decay(0.5);
    assert.equal(sketch.size, 0);
    sketch.add('new', 1, 1);
    assert.deepEqual(
      sketch.top().map((k) => k.key),
      ['new'],
    );
  });
});
