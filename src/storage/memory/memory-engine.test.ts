import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMemoryEngine } from './memory-engine.js';

const rec = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ partitionKey: `k${i}`, data: new Uint8Array([i]) }));

describe('memory engine fault injection', () => {
  test('failNextAppend fails exactly one append and stores nothing for it', async () => {
    const engine = createMemoryEngine();
    await engine.logs.create('s/0');
    engine.faults.failNextAppend(new Error('disk on fire'));
    await assert.rejects(engine.logs.append('s/0', rec(3)), /disk on fire/);
    assert.deepEqual(await engine.logs.bounds('s/0'), { startOffset: 0, endOffset: 0 });
    assert.equal((await engine.logs.append('s/0', rec(2))).firstOffset, 0);
  });

  test('delayed appends still commit in call order', async () => {
    const engine = createMemoryEngine();
    await engine.logs.create('s/0');
    engine.faults.delayAppendMs = 5;
    const started = performance.now();
    const results = await Promise.all([engine.logs.append('s/0', rec(2)), engine.logs.append('s/0', rec(1))]);
    assert.ok(performance.now() - started >= 9);
    assert.deepEqual(
      results.map((r) => r.firstOffset),
      [0, 2],
    );
  });

  test('failNextMetaWrite fails one write and changes nothing', async () => {
    const engine = createMemoryEngine();
    engine.faults.failNextMetaWrite(new Error('nope'));
    await assert.rejects(engine.meta.put('k', 'v'), /nope/);
    assert.equal(await engine.meta.get('k'), undefined);
    await engine.meta.put('k', 'v');
    assert.equal((await engine.meta.get('k'))?.value, 'v');
  });
});
