// readToEnd: a page that reaches the end of a log picks up the commits under way, within bounds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppendRecord } from '../../storage/engine.js';
import { MemoryLogStore } from '../../storage/memory/memory-log-store.js';
import { readToEnd } from './get-records.js';

const rec = (key: string, bytes: number): AppendRecord => ({
  partitionKey: key,
  data: new Uint8Array(bytes),
});
const keys = (page: { records: { partitionKey: string }[] }): string[] =>
  page.records.map((r) => r.partitionKey);
const all = { maxRecords: 10_000, maxBytes: 1 << 20 };

async function store(): Promise<MemoryLogStore> {
  const logs = new MemoryLogStore(Date.now);
  await logs.create('s/0');
  return logs;
}

describe('readToEnd', () => {
  it('adds records whose commit finishes within the wait', async () => {
    const logs = await store();
    await logs.append('s/0', [rec('a', 10)]);
    logs.delayAppendMs = 20;
    const pending = logs.append('s/0', [rec('b', 10), rec('c', 10)]);
    const page = await readToEnd(logs, 's/0', 0, all, 5_000);
    assert.deepEqual(keys(page), ['a', 'b', 'c']);
    assert.equal(page.nextOffset, 3);
    assert.equal(page.endOffset, 3);
    await pending;
  });

  it('answers with what is visible when the commit outlasts the wait', async () => {
    const logs = await store();
    await logs.append('s/0', [rec('a', 10)]);
    logs.delayAppendMs = 2_000;
    const pending = logs.append('s/0', [rec('b', 10)]);
    const t0 = performance.now();
    const page = await readToEnd(logs, 's/0', 0, all, 10);
    assert.ok(performance.now() - t0 < 1_000, 'bounded by the wait, not the commit');
    assert.deepEqual(keys(page), ['a']);
    assert.equal(page.nextOffset, 1);
    await pending;
  });

  it('does not wait when the page is full or the reader is behind the end', async () => {
    const logs = await store();
    await logs.append('s/0', [rec('a', 10), rec('b', 10)]);
    logs.delayAppendMs = 2_000;
    const pending = logs.append('s/0', [rec('c', 10)]);
    const t0 = performance.now();
    assert.deepEqual(keys(await readToEnd(logs, 's/0', 0, { maxRecords: 1, maxBytes: 1 << 20 }, 5_000)), [
      'a',
    ]);
    assert.deepEqual(keys(await readToEnd(logs, 's/0', 0, { maxRecords: 2, maxBytes: 1 << 20 }, 5_000)), [
      'a',
      'b',
    ]);
    // 'a' alone fills 11 of 11 bytes.
    assert.deepEqual(keys(await readToEnd(logs, 's/0', 0, { maxRecords: 10, maxBytes: 11 }, 5_000)), ['a']);
    assert.ok(performance.now() - t0 < 1_000, 'none of these waited for the commit');
    await pending;
  });

  it('keeps the page within maxRecords and maxBytes across both reads', async () => {
    const logs = await store();
    await logs.append('s/0', [rec('a', 599)]);
    logs.delayAppendMs = 20;
    const pending = logs.append('s/0', [rec('b', 299), rec('c', 299), rec('d', 1)]);
    // 600 + 300 fit in 1,000 bytes; 'c' would make 1,200.
    const byBytes = await readToEnd(logs, 's/0', 0, { maxRecords: 10, maxBytes: 1_000 }, 5_000);
    assert.deepEqual(keys(byBytes), ['a', 'b']);
    assert.equal(byBytes.nextOffset, 2);
    await pending;
    logs.delayAppendMs = 20;
    const more = logs.append('s/0', [rec('e', 1), rec('f', 1), rec('g', 1)]);
    const byCount = await readToEnd(logs, 's/0', 4, { maxRecords: 2, maxBytes: 1 << 20 }, 5_000);
    assert.deepEqual(keys(byCount), ['e', 'f']);
    assert.equal(byCount.nextOffset, 6);
    await more;
  });

  it('an empty log with a pending first append returns that append', async () => {
    const logs = await store();
    logs.delayAppendMs = 20;
    const pending = logs.append('s/0', [rec('a', 3)]);
    assert.deepEqual(keys(await readToEnd(logs, 's/0', 0, all, 5_000)), ['a']);
    await pending;
  });
});
