// The storage conformance suite: every StorageEngine backend must pass it. A backend provides a
// target that opens engines over its storage (again after close, for durable backends).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  type AppendRecord,
  type KvEntry,
  LogNotFoundError,
  LogSealedError,
  type MetaStore,
  RevisionConflictError,
  type StorageEngine,
  type StoredRecord,
} from './engine.js';
import { storageLimits } from './limits.js';
import { metaEntries } from './meta-pages.js';

export interface ConformanceTarget {
  /** True when records and metadata survive close and reopen. */
  readonly durable: boolean;
  /** Opens an engine over this target's storage, with `now` as its clock. */
  open(now: () => number): Promise<StorageEngine>;
  /** Removes whatever the target stored. */
  cleanup(): Promise<void>;
}

const startMs = 1_700_000_000_000;
const unlimited = { maxRecords: 100_000, maxBytes: 1 << 30 } as const;

class Clock {
  ms = startMs;
  readonly now = (): number => this.ms;
}

interface Fixture {
  readonly engine: StorageEngine;
  readonly clock: Clock;
  reopen(): Promise<StorageEngine>;
}

export function describeStorageConformance(name: string, makeTarget: () => Promise<ConformanceTarget>): void {
  const run = async (body: (f: Fixture) => Promise<void>): Promise<void> => {
    const target = await makeTarget();
    const clock = new Clock();
    let engine = await target.open(clock.now);
    const fixture = {
      get engine() {
        return engine;
      },
      clock,
      reopen: async () => {
        await engine.close();
        engine = await target.open(clock.now);
        return engine;
      },
    };
    try {
      await body(fixture);
    } finally {
      await engine.close();
      await target.cleanup();
    }
  };

  describe(`storage conformance: ${name}`, () => {
    describeLogs(run);
    describeRetention(run);
    describeConcurrency(run);
    describeMeta(run);
    describeMetaPaging(run);
    describeSeal(run, makeTarget);
    describeDurability(run, makeTarget);
  });
}

type Run = (body: (f: Fixture) => Promise<void>) => Promise<void>;

function record(key: string, size: number, seed: number): AppendRecord {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (seed * 31 + i * 7) & 0xff;
  return { partitionKey: key, data };
}

function records(count: number, size: number, seed = 0): AppendRecord[] {
  return Array.from({ length: count }, (_, i) => record(`key-${seed}-${i}`, size, seed + i));
}

function assertSame(got: readonly StoredRecord[], want: readonly AppendRecord[], firstOffset: number): void {
  assert.equal(got.length, want.length, 'record count');
  got.forEach((r, i) => {
    assert.equal(r.offset, firstOffset + i, 'offset');
    assert.equal(r.partitionKey, want[i]!.partitionKey, 'partition key');
    assert.deepEqual(Buffer.from(r.data), Buffer.from(want[i]!.data), `data of offset ${r.offset}`);
  });
}

async function readAll(engine: StorageEngine, logId: string, from = 0): Promise<StoredRecord[]> {
  const all: StoredRecord[] = [];
  let next = from;
  for (;;) {
    const page = await engine.logs.read(logId, next, { maxRecords: 7, maxBytes: 1 << 20 });
    all.push(...page.records);
    if (page.records.length === 0) return all;
    next = page.nextOffset;
  }
}

function describeLogs(run: Run): void {
  describe('logs', () => {
    test('append then read returns the same bytes at consecutive offsets', () =>
      run(async ({ engine, clock }) => {
        await engine.logs.create('s/0');
        const first = [record('a', 0, 1), record('ключ-🔑', 1, 2), record('k'.repeat(256), 3000, 3)];
        const second = records(5, 100, 9);
        const a = await engine.logs.append('s/0', first);
        clock.ms += 5;
        const b = await engine.logs.append('s/0', second);
        assert.deepEqual(a, { firstOffset: 0, timestampMs: startMs });
        assert.deepEqual(b, { firstOffset: 3, timestampMs: startMs + 5 });
        const page = await engine.logs.read('s/0', 0, unlimited);
        assertSame(page.records, [...first, ...second], 0);
        assert.deepEqual(
          page.records.map((r) => r.timestampMs),
          [...first.map(() => startMs), ...second.map(() => startMs + 5)],
        );
        assert.equal(page.nextOffset, 8);
        assert.equal(page.endOffset, 8);
        assert.equal(page.lastTimestampMs, startMs + 5);
        assert.deepEqual(await engine.logs.bounds('s/0'), { startOffset: 0, endOffset: 8 });
      }));

    test('the caller may reuse its buffers once append resolved', () =>
      run(async ({ engine }) => {
        await engine.logs.create('s/0');
        const data = new Uint8Array([1, 2, 3]);
        await engine.logs.append('s/0', [{ partitionKey: 'k', data }]);
        data.fill(9);
        const { records: got } = await engine.logs.read('s/0', 0, unlimited);
        assert.deepEqual([...got[0]!.data], [1, 2, 3]);
      }));

    test('reading from any offset returns exactly the suffix', () =>
      run(async ({ engine }) => {
        await engine.logs.create('s/0');
        const all: AppendRecord[] = [];
        for (let i = 0; i < 20; i++) {
          const batch = records((i % 4) + 1, 50 + i * 13, i * 10);
          await engine.logs.append('s/0', batch);
          all.push(...batch);
        }
        for (let from = 0; from <= all.length; from++) {
          assertSame(await readAll(engine, 's/0', from), all.slice(from), from);
        }
      }));

    test('an empty read says where the log ends', () =>
      run(async ({ engine }) => {
        await engine.logs.create('s/0');
        const empty = await engine.logs.read('s/0', 0, unlimited);
        assert.deepEqual(empty, { records: [], nextOffset: 0, endOffset: 0, lastTimestampMs: undefined });
        await engine.logs.append('s/0', records(2, 10));
        const atEnd = await engine.logs.read('s/0', 2, unlimited);
        assert.deepEqual(atEnd, { records: [], nextOffset: 2, endOffset: 2, lastTimestampMs: startMs });
        const pastEnd = await engine.logs.read('s/0', 5, unlimited);
        assert.equal(pastEnd.records.length, 0);
        assert.equal(pastEnd.nextOffset, 5);
      }));

    test('maxRecords and maxBytes bound a read; one record always fits', () =>
      run(async ({ engine }) => {
        await engine.logs.create('s/0');
        // Each record is 4 key bytes ("k-00") + 96 data bytes = 100 bytes.
        const all = Array.from({ length: 10 }, (_, i) => record(`k-${String(i).padStart(2, '0')}`, 96, i));
        await engine.logs.append('s/0', all.slice(0, 3));
        await engine.logs.append('s/0', all.slice(3));
        const byCount = await engine.logs.read('s/0', 1, { maxRecords: 4, maxBytes: 1 << 20 });
        assertSame(byCount.records, all.slice(1, 5), 1);
        assert.equal(byCount.nextOffset, 5);
        const exact = await engine.logs.read('s/0', 0, { maxRecords: 100, maxBytes: 500 });
        assertSame(exact.records, all.slice(0, 5), 0);
        const under = await engine.logs.read('s/0', 0, { maxRecords: 100, maxBytes: 499 });
        assertSame(under.records, all.slice(0, 4), 0);
        const tiny = await engine.logs.read('s/0', 2, { maxRecords: 100, maxBytes: 1 });
        assertSame(tiny.records, all.slice(2, 3), 2);
        assert.equal(tiny.nextOffset, 3);
      }));

    test('minTimestampMs skips older records', () =>
      run(async ({ engine, clock }) => {
        await engine.logs.create('s/0');
        const old = records(3, 20, 1);
        const fresh = records(2, 20, 2);
        await engine.logs.append('s/0', old);
        clock.ms += 1000;
        await engine.logs.append('s/0', fresh);
        const page = await engine.logs.read('s/0', 0, { ...unlimited, minTimestampMs: startMs + 500 });
        assertSame(page.records, fresh, 3);
        const none = await engine.logs.read('s/0', 0, { ...unlimited, minTimestampMs: startMs + 5000 });
        assert.equal(none.records.length, 0);
        assert.equal(none.endOffset, 5);
      }));

    test('offsetForTimestamp finds the first record at or after a time', () =>
      run(async ({ engine, clock }) => {
        await engine.logs.create('s/0');
        assert.equal(await engine.logs.offsetForTimestamp('s/0', startMs), 0);
        for (let i = 0; i < 30; i++) {
          await engine.logs.append('s/0', records(2, 200, i));
          clock.ms += 10;
        }
        // Batch i holds offsets 2i and 2i+1 at startMs + 10i.
        const at = (ms: number): Promise<number> => engine.logs.offsetForTimestamp('s/0', ms);
        assert.equal(await at(startMs - 1), 0);
        assert.equal(await at(startMs), 0);
        assert.equal(await at(startMs + 1), 2);
        assert.equal(await at(startMs + 100), 20);
        assert.equal(await at(startMs + 101), 22);
        assert.equal(await at(startMs + 290), 58);
        assert.equal(await at(startMs + 291), 60);
      }));

    test('offsetForTimestamp finds the first of many appends sharing a timestamp', () =>
      run(async ({ engine, clock }) => {
        await engine.logs.create('s/0');
        await engine.logs.append('s/0', records(3, 100, 0));
        clock.ms += 10;
        for (let i = 0; i < 25; i++) await engine.logs.append('s/0', records(2, 150, i));
        clock.ms += 10;
        await engine.logs.append('s/0', records(1, 100, 0));
        assert.equal(await engine.logs.offsetForTimestamp('s/0', startMs + 1), 3);
        assert.equal(await engine.logs.offsetForTimestamp('s/0', startMs + 10), 3);
        assert.equal(await engine.logs.offsetForTimestamp('s/0', startMs + 11), 53);
        const page = await engine.logs.read('s/0', 0, { ...unlimited, minTimestampMs: startMs + 10 });
        assert.equal(page.records[0]?.offset, 3);
      }));

    test('timestamps never go back when the clock does', () =>
      run(async ({ engine, clock }) => {
        await engine.logs.create('s/0');
        await engine.logs.append('s/0', records(1, 1));
        clock.ms -= 1000;
        const second = await engine.logs.append('s/0', records(1, 1));
        assert.equal(second.timestampMs, startMs);
      }));

    test('large records round-trip', () =>
      run(async ({ engine }) => {
        await engine.logs.create('s/0');
        const big = [record('big', 1024 * 1024, 5), record('small', 10, 6), record('big2', 300_000, 7)];
        await engine.logs.append('s/0', big);
        await engine.logs.append('s/0', big);
        assertSame(await readAll(engine, 's/0'), [...big, ...big], 0);
        const one = await engine.logs.read('s/0', 0, { maxRecords: 10, maxBytes: 1000 });
        assertSame(one.records, big.slice(0, 1), 0);
      }));

    test('create is idempotent; operations on missing logs fail with LogNotFoundError', () =>
      run(async ({ engine }) => {
        await engine.logs.create('s/0');
        await engine.logs.append('s/0', records(2, 5));
        await engine.logs.create('s/0');
        assert.deepEqual(await engine.logs.bounds('s/0'), { startOffset: 0, endOffset: 2 });
        const missing = 's/missing';
        await assert.rejects(engine.logs.append(missing, records(1, 1)), LogNotFoundError);
        await assert.rejects(engine.logs.read(missing, 0, unlimited), LogNotFoundError);
        await assert.rejects(engine.logs.bounds(missing), LogNotFoundError);
        await assert.rejects(engine.logs.offsetForTimestamp(missing, 0), LogNotFoundError);
        await assert.rejects(engine.logs.trimBefore(missing, 0), LogNotFoundError);
        await engine.logs.drop(missing);
      }));

    test('drop removes a log; creating it again starts empty', () =>
      run(async ({ engine }) => {
        await engine.logs.create('s/0');
        await engine.logs.create('s/1');
        await engine.logs.append('s/0', records(3, 5));
        await engine.logs.append('s/1', records(2, 5));
        await engine.logs.drop('s/0');
        await assert.rejects(engine.logs.read('s/0', 0, unlimited), LogNotFoundError);
        await engine.logs.create('s/0');
        assert.deepEqual(await engine.logs.bounds('s/0'), { startOffset: 0, endOffset: 0 });
        assert.equal((await engine.logs.append('s/0', records(1, 5))).firstOffset, 0);
        assert.deepEqual(await engine.logs.bounds('s/1'), { startOffset: 0, endOffset: 2 });
      }));

    test('log ids with odd characters are kept apart', () =>
      run(async ({ engine }) => {
        const ids = ['a/0', 'a~2f0', 'a%2F0', '../x/1', 'ü/ß', 'a.b/0'];
        for (const [i, id] of ids.entries()) {
          await engine.logs.create(id);
          await engine.logs.append(id, records(i + 1, 3));
        }
        for (const [i, id] of ids.entries()) {
          assert.deepEqual(await engine.logs.bounds(id), { startOffset: 0, endOffset: i + 1 }, id);
        }
      }));

    test('onAppend tells subscribers the new end after commit', () =>
      run(async ({ engine }) => {
        await engine.logs.create('s/0');
        await engine.logs.create('s/1');
        const seen: number[] = [];
        const visible: number[] = [];
        const off = engine.logs.onAppend('s/0', (end) => {
          seen.push(end);
          void engine.logs.bounds('s/0').then((b) => visible.push(b.endOffset));
        });
        engine.logs.onAppend('s/0', () => {
          throw new Error('a broken listener must not break appends');
        });
        await engine.logs.append('s/0', records(3, 5));
        await engine.logs.append('s/1', records(1, 5));
        await engine.logs.append('s/0', records(2, 5));
        off();
        await engine.logs.append('s/0', records(1, 5));
        await new Promise((r) => setImmediate(r));
        assert.deepEqual(seen, [3, 5]);
        assert.ok(visible.every((end, i) => end >= seen[i]!));
      }));
  });
}

function describeRetention(run: Run): void {
  describe('retention', () => {
    test('trimBefore keeps every record at or after the cutoff', () =>
      run(async ({ engine, clock }) => {
        await engine.logs.create('s/0');
        const all: AppendRecord[] = [];
        for (let i = 0; i < 40; i++) {
          const batch = records(3, 300, i);
          await engine.logs.append('s/0', batch);
          all.push(...batch);
          clock.ms += 100;
        }
        const cutoff = startMs + 2000; // batches 20.. (offsets 60..) are kept
        assert.equal(await engine.logs.trimBefore('s/0', startMs - 1), 0);
        const dropped = await engine.logs.trimBefore('s/0', cutoff);
        const { startOffset, endOffset } = await engine.logs.bounds('s/0');
        assert.equal(dropped, startOffset);
        assert.ok(startOffset <= 60, `kept too little: start ${startOffset}`);
        assert.equal(endOffset, 120);
        assertSame(await readAll(engine, 's/0', 0), all.slice(startOffset), startOffset);
        assert.equal(await engine.logs.offsetForTimestamp('s/0', 0), startOffset);
        assert.equal(await engine.logs.offsetForTimestamp('s/0', cutoff), 60);
      }));

    test('trimming everything leaves an empty log that keeps its offsets', () =>
      run(async ({ engine, clock }) => {
        await engine.logs.create('s/0');
        for (let i = 0; i < 10; i++) await engine.logs.append('s/0', records(2, 500, i));
        clock.ms += 60_000;
        assert.equal(await engine.logs.trimBefore('s/0', clock.ms), 20);
        assert.deepEqual(await engine.logs.bounds('s/0'), { startOffset: 20, endOffset: 20 });
        const empty = await engine.logs.read('s/0', 0, unlimited);
        assert.equal(empty.records.length, 0);
        assert.equal(empty.endOffset, 20);
        assert.equal(await engine.logs.offsetForTimestamp('s/0', 0), 20);
        const next = records(2, 10, 99);
        assert.equal((await engine.logs.append('s/0', next)).firstOffset, 20);
        assertSame(await readAll(engine, 's/0', 0), next, 20);
        assert.equal(await engine.logs.trimBefore('s/0', clock.ms), 0);
      }));
  });
}

function describeConcurrency(run: Run): void {
  describe('concurrency', () => {
    test('concurrent appends get offsets in call order and stay contiguous', () =>
      run(async ({ engine }) => {
        await engine.logs.create('s/0');
        const calls = Array.from({ length: 60 }, (_, i) => records((i % 7) + 1, (i * 37) % 900, i));
        const results = await Promise.all(calls.map((batch) => engine.logs.append('s/0', batch)));
        let expected = 0;
        results.forEach((r, i) => {
          assert.equal(r.firstOffset, expected, `append ${i}`);
          expected += calls[i]!.length;
        });
        assertSame(await readAll(engine, 's/0'), calls.flat(), 0);
      }));

    test('rounds of concurrent large appends read back intact', () =>
      run(async ({ engine }) => {
        await engine.logs.create('s/0');
        const sent: AppendRecord[] = [];
        for (let round = 0; round < 4; round++) {
          const calls = Array.from({ length: 6 }, (_, i) =>
            records(80, 1000 + round * 10 + i, round * 1000 + i * 100),
          );
          const results = await Promise.all(calls.map((batch) => engine.logs.append('s/0', batch)));
          for (const [i, r] of results.entries()) assert.equal(r.firstOffset, sent.length + i * 80);
          sent.push(...calls.flat());
        }
        assertSame(await readAll(engine, 's/0'), sent, 0);
      }));

    test('concurrent appends to many logs do not mix', () =>
      run(async ({ engine }) => {
        const ids = Array.from({ length: 8 }, (_, i) => `s/${i}`);
        await Promise.all(ids.map((id) => engine.logs.create(id)));
        const sent = new Map<string, AppendRecord[]>(ids.map((id) => [id, []]));
        const pending: Promise<unknown>[] = [];
        for (let round = 0; round < 10; round++) {
          for (const [i, id] of ids.entries()) {
            const batch = records((round % 3) + 1, 64 + i, round * 100 + i);
            sent.get(id)!.push(...batch);
            pending.push(engine.logs.append(id, batch));
          }
        }
        await Promise.all(pending);
        for (const id of ids) assertSame(await readAll(engine, id), sent.get(id)!, 0);
      }));

    test('settled: undefined when idle; settles after every append queued before it', () =>
      run(async ({ engine }) => {
        await engine.logs.create('s/0');
        assert.equal(engine.logs.settled('s/0'), undefined, 'nothing pending on a new log');
        assert.equal(engine.logs.settled('missing/0'), undefined, 'nothing pending on a missing log');
        const appends = Array.from({ length: 12 }, (_, i) => engine.logs.append('s/0', records(3, 50, i)));
        const settled = engine.logs.settled('s/0');
        assert.ok(settled !== undefined, 'appends are pending');
        const later = engine.logs.append('s/0', records(1, 50, 99));
        await settled;
        // Every append queued before the call is visible; the later one may or may not be.
        const page = await engine.logs.read('s/0', 0, unlimited);
        assert.ok(page.endOffset >= 36, `end ${page.endOffset} after settled`);
        await Promise.all([...appends, later]);
        assert.equal(engine.logs.settled('s/0'), undefined, 'nothing pending once all committed');
      }));

    test('settled never rejects, also when appends fail', () =>
      run(async ({ engine }) => {
        await engine.logs.create('s/0');
        const failing = engine.logs.append('s/0', records(2, 10));
        const dropped = engine.logs.drop('s/0');
        const settled = engine.logs.settled('s/0');
        await Promise.allSettled([failing, dropped]);
        if (settled !== undefined) await settled;
      }));

    test('reads during appends only see whole appends', () =>
      run(async ({ engine }) => {
        await engine.logs.create('s/0');
        const pending: Promise<unknown>[] = [];
        const sizes: number[] = [];
        for (let i = 0; i < 30; i++) {
          const batch = records(5, 100, i);
          pending.push(engine.logs.append('s/0', batch));
          sizes.push(5);
          const page = await engine.logs.read('s/0', 0, unlimited);
          assert.equal(page.records.length % 5, 0, 'a read saw part of an append');
          assert.equal(page.endOffset % 5, 0);
        }
        await Promise.all(pending);
      }));
  });
}

function describeMeta(run: Run): void {
  describe('meta', () => {
    test('put and get with revisions', () =>
      run(async ({ engine }) => {
        const { meta } = engine;
        assert.equal(await meta.get('k'), undefined);
        const r1 = await meta.put('k', 'v1');
        assert.deepEqual(await meta.get('k'), { key: 'k', value: 'v1', revision: r1 });
        const r2 = await meta.put('k', 'v2', r1);
        assert.ok(r2 > r1);
        assert.deepEqual(await meta.get('k'), { key: 'k', value: 'v2', revision: r2 });
        const r3 = await meta.put('other', 'x');
        assert.ok(r3 > r2, 'revisions increase across keys');
      }));

    test('compare-and-set conflicts', () =>
      run(async ({ engine }) => {
        const { meta } = engine;
        const r1 = await meta.put('k', 'v1', null);
        await assert.rejects(meta.put('k', 'again', null), RevisionConflictError);
        await assert.rejects(meta.put('k', 'stale', r1 + 1000), RevisionConflictError);
        await assert.rejects(meta.put('missing', 'x', 1), RevisionConflictError);
        assert.equal((await meta.get('k'))?.value, 'v1');
        assert.equal(await meta.get('missing'), undefined);
        await assert.rejects(meta.delete('k', r1 + 1000), RevisionConflictError);
        await assert.rejects(meta.delete('missing', 1), RevisionConflictError);
        assert.equal((await meta.get('k'))?.value, 'v1');
        await meta.delete('k', r1);
        assert.equal(await meta.get('k'), undefined);
        await meta.delete('k');
        const r2 = await meta.put('k', 'reborn', null);
        assert.ok(r2 > r1, 'a re-created key never repeats a revision');
      }));

    test('one of many concurrent compare-and-sets wins', () =>
      run(async ({ engine }) => {
        const { meta } = engine;
        const r = await meta.put('k', '0');
        const outcomes = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => meta.put('k', String(i + 1), r)),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        assert.equal(won.length, 1);
        for (const o of outcomes) {
          if (o.status === 'rejected') assert.ok(o.reason instanceof RevisionConflictError);
        }
      }));

    test('list returns entries under a prefix in code point order', () =>
      run(async ({ engine }) => {
        const { meta } = engine;
        const keys = ['b', 'a/2', 'a/10', 'a/1', 'a\u{10000}', 'a\uffff', 'a', 'ab', 'a0', '\u{10ffff}'];
        for (const k of keys) await meta.put(k, `v:${k}`);
        const list = async (prefix: string): Promise<string[]> =>
          (await listAll(meta, prefix)).map((e) => e.key);
        assert.deepEqual(await list('a/'), ['a/1', 'a/10', 'a/2']);
        assert.deepEqual(await list('a'), ['a', 'a/1', 'a/10', 'a/2', 'a0', 'ab', 'a\uffff', 'a\u{10000}']);
        assert.deepEqual(await list(''), [...(await list('a')), 'b', '\u{10ffff}']);
        assert.deepEqual(await list('c'), []);
        const [entry] = (await meta.list('a/1', { limit: 10 })).entries;
        assert.deepEqual(entry, await meta.get('a/1'));
      }));
  });
}

async function listAll(meta: MetaStore, prefix: string, limit?: number): Promise<KvEntry[]> {
  const all: KvEntry[] = [];
  for await (const entry of metaEntries(meta, prefix, limit === undefined ? {} : { limit })) all.push(entry);
  return all;
}

/** Pages of `prefix` with page size `limit`, as key lists; checks every page's shape on the way. */
async function pagesOf(meta: MetaStore, prefix: string, limit: number, after?: string): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor = after;
  for (let i = 0; i < 100_000; i++) {
    const page = await meta.list(prefix, cursor === undefined ? { limit } : { after: cursor, limit });
    const keys = page.entries.map((e) => e.key);
    assert.ok(keys.length <= limit, `page of ${keys.length} over limit ${limit}`);
    if (page.next !== undefined) {
      assert.equal(keys.length, limit, 'a page with a cursor is full');
      assert.equal(page.next, keys.at(-1), 'the cursor is the last key of the page');
    }
    pages.push(keys);
    if (page.next === undefined) return pages;
    cursor = page.next;
  }
  throw new Error('paging did not end');
}

function describeMetaPaging(run: Run): void {
  describe('meta paging', () => {
    test('paging through many keys returns each once, in order, with a cursor only when more remain', () =>
      run(async ({ engine }) => {
        const { meta } = engine;
        const keys = Array.from({ length: 2_345 }, (_, i) => `p/${String(i).padStart(5, '0')}`);
        // Written out of order; neighbours under other prefixes must stay out of the pages.
        for (let i = 0; i < keys.length; i++) await meta.put(keys[(i * 7919) % keys.length]!, `v${i}`);
        await meta.put('p', 'the prefix itself, without its slash');
        await meta.put('p0', 'after the range');
        await meta.put('o/9', 'before the range');
        for (const limit of [1, 7, 1000, storageLimits.metaListPageEntriesMax]) {
          const pages = await pagesOf(meta, 'p/', limit);
          assert.deepEqual(pages.flat(), keys, `limit ${limit}`);
          assert.equal(pages.length, Math.ceil(keys.length / limit), `pages at limit ${limit}`);
        }
        const all = await listAll(meta, 'p/');
        assert.deepEqual(
          all.map((e) => e.key),
          keys,
        );
        for (const e of all.slice(0, 50)) assert.deepEqual(e, await meta.get(e.key));
      }));

    test('a page that ends exactly at the last key has no cursor', () =>
      run(async ({ engine }) => {
        const { meta } = engine;
        for (const k of ['x/1', 'x/2', 'x/3', 'y']) await meta.put(k, k);
        const full = await meta.list('x/', { limit: 3 });
        assert.deepEqual(
          full.entries.map((e) => e.key),
          ['x/1', 'x/2', 'x/3'],
        );
        assert.equal(full.next, undefined);
        const two = await meta.list('x/', { limit: 2 });
        assert.equal(two.next, 'x/2');
        const rest = await meta.list('x/', { after: 'x/2', limit: 2 });
        assert.deepEqual(
          rest.entries.map((e) => e.key),
          ['x/3'],
        );
        assert.equal(rest.next, undefined);
        assert.deepEqual(await meta.list('nothing/', { limit: 5 }), { entries: [] });
      }));

    test('after: strictly after, any string, before or beyond the prefix', () =>
      run(async ({ engine }) => {
        const { meta } = engine;
        for (const k of ['a', 'b/1', 'b/3', 'b/5', 'c']) await meta.put(k, k);
        const keys = async (after: string | undefined): Promise<string[]> =>
          (await meta.list('b/', after === undefined ? { limit: 10 } : { after, limit: 10 })).entries.map(
            (e) => e.key,
          );
        assert.deepEqual(await keys(undefined), ['b/1', 'b/3', 'b/5']);
        assert.deepEqual(await keys('b/1'), ['b/3', 'b/5'], 'the cursor key itself is excluded');
        assert.deepEqual(await keys('b/2'), ['b/3', 'b/5'], 'a cursor need not exist');
        assert.deepEqual(await keys('b/5'), []);
        assert.deepEqual(await keys('a'), ['b/1', 'b/3', 'b/5'], 'a cursor before the prefix starts at it');
        assert.deepEqual(await keys(''), ['b/1', 'b/3', 'b/5']);
        assert.deepEqual(
          await keys('b/'),
          ['b/1', 'b/3', 'b/5'],
          'the prefix as cursor excludes only itself',
        );
        assert.deepEqual(await keys('c'), [], 'a cursor beyond the prefix ends it');
        assert.deepEqual(await keys('\u{10ffff}'), []);
      }));

    test('empty prefix pages over every key', () =>
      run(async ({ engine }) => {
        const { meta } = engine;
        const keys = ['', ' ', '!', 'a', 'a/b', 'z', '~', '\u00e9', '\uffff', '\u{10000}', '\u{10ffff}'];
        for (const k of [...keys].reverse()) await meta.put(k, `v:${k}`);
        assert.deepEqual((await pagesOf(meta, '', 3)).flat(), keys);
        assert.deepEqual(
          (await listAll(meta, '')).map((e) => e.key),
          keys,
        );
      }));

    test('limit must be an integer from 1 to metaListPageEntriesMax', () =>
      run(async ({ engine }) => {
        const { meta } = engine;
        await meta.put('k/1', '1');
        for (const limit of [0, -1, 1.5, Number.NaN, storageLimits.metaListPageEntriesMax + 1, Infinity]) {
          await assert.rejects(meta.list('k/', { limit }), RangeError, `limit ${limit}`);
        }
        assert.equal((await meta.list('k/', { limit: 1 })).entries.length, 1);
        assert.equal(
          (await meta.list('k/', { limit: storageLimits.metaListPageEntriesMax })).entries.length,
          1,
        );
      }));

    test('keys with special characters: LIKE wildcards, quotes, escapes, astral code points', () =>
      run(async ({ engine }) => {
        const { meta } = engine;
        const keys = [
          'a%/1',
          'a%/2',
          'a_/1',
          'ab/1',
          'a\\/1',
          "a'/1",
          'a"/1',
          'a[/1',
          'a*/1',
          'a\u{1f511}/1',
          'a\u{1f511}/2',
          'a\u{1f512}/1',
          'a\uffff/1',
          'a\u{10ffff}',
          'a\u{10ffff}\u{10ffff}',
          'b',
        ];
        for (const k of keys) await meta.put(k, `v:${k}`);
        const list = async (prefix: string, limit = 2): Promise<string[]> =>
          (await pagesOf(meta, prefix, limit)).flat();
        assert.deepEqual(await list('a%/'), ['a%/1', 'a%/2'], '% is no wildcard');
        assert.deepEqual(await list('a_/'), ['a_/1'], '_ is no wildcard');
        assert.deepEqual(await list('a\\/'), ['a\\/1']);
        assert.deepEqual(await list("a'/"), ["a'/1"]);
        assert.deepEqual(await list('a\u{1f511}/'), ['a\u{1f511}/1', 'a\u{1f511}/2']);
        assert.deepEqual(await list('a\u{1f511}'), ['a\u{1f511}/1', 'a\u{1f511}/2']);
        assert.deepEqual(
          await list('a\u{10ffff}'),
          ['a\u{10ffff}', 'a\u{10ffff}\u{10ffff}'],
          'no upper bound',
        );
        const all = await list('a', 3);
        assert.equal(all.length, keys.length - 1);
        assert.deepEqual(all, [...all].sort(codePointOrder));
        // Astral characters sort after U+FFFF (code point order), not before it (UTF-16 order).
        assert.ok(all.indexOf('a\uffff/1') < all.indexOf('a\u{1f511}/1'));
      }));

    test('paging goes on correctly while keys are written and deleted', () =>
      run(async ({ engine }) => {
        const { meta } = engine;
        for (let i = 0; i < 20; i++) await meta.put(`q/${String(i).padStart(2, '0')}`, String(i));
        const first = await meta.list('q/', { limit: 5 });
        assert.equal(first.next, 'q/04');
        await meta.delete('q/04');
        await meta.delete('q/05');
        await meta.put('q/04x', 'new, after the cursor');
        await meta.put('q/03x', 'new, before the cursor');
        const rest = (await pagesOf(meta, 'q/', 5, first.next)).flat();
        assert.deepEqual(rest, [
          'q/04x',
          ...Array.from({ length: 14 }, (_, i) => `q/${String(i + 6).padStart(2, '0')}`),
        ]);
      }));
  });
}

function codePointOrder(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

function describeSeal(run: Run, makeTarget: () => Promise<ConformanceTarget>): void {
  describe('seal', () => {
    test('seal returns the end offset; later appends reject with LogSealedError; reads keep working', () =>
      run(async ({ engine, clock }) => {
        await engine.logs.create('s/0');
        await engine.logs.create('s/1');
        const sent = records(7, 40);
        await engine.logs.append('s/0', sent.slice(0, 3));
        await engine.logs.append('s/0', sent.slice(3));
        assert.equal(await engine.logs.seal('s/0'), 7);
        await assert.rejects(engine.logs.append('s/0', records(1, 1)), LogSealedError);
        assert.deepEqual(await engine.logs.bounds('s/0'), { startOffset: 0, endOffset: 7 });
        assertSame(await readAll(engine, 's/0'), sent, 0);
        assert.equal(await engine.logs.offsetForTimestamp('s/0', startMs), 0);
        assert.equal(engine.logs.settled('s/0'), undefined);
        // Other logs are not affected.
        assert.equal((await engine.logs.append('s/1', records(2, 1))).firstOffset, 0);
        // Retention still trims a sealed log, and it stays sealed.
        clock.ms += 60_000;
        await engine.logs.trimBefore('s/0', clock.ms);
        assert.equal((await engine.logs.bounds('s/0')).endOffset, 7);
        await assert.rejects(engine.logs.append('s/0', records(1, 1)), LogSealedError);
      }));

    test('sealing twice (also concurrently) resolves the same end offset', () =>
      run(async ({ engine }) => {
        await engine.logs.create('s/0');
        await engine.logs.append('s/0', records(4, 10));
        const [a, b] = await Promise.all([engine.logs.seal('s/0'), engine.logs.seal('s/0')]);
        assert.equal(a, 4);
        assert.equal(b, 4);
        assert.equal(await engine.logs.seal('s/0'), 4);
        await engine.logs.create('s/0');
        assert.equal(await engine.logs.seal('s/0'), 4, 'create of an existing log does not unseal it');
      }));

    test('an empty log can be sealed; a missing one cannot', () =>
      run(async ({ engine }) => {
        await engine.logs.create('s/0');
        assert.equal(await engine.logs.seal('s/0'), 0);
        await assert.rejects(engine.logs.append('s/0', records(1, 1)), LogSealedError);
        await assert.rejects(engine.logs.seal('s/missing'), LogNotFoundError);
      }));

    test('appends racing a seal commit below its end offset or reject, never after it', () =>
      run(async ({ engine }) => {
        for (let round = 0; round < 6; round++) {
          const id = `race/${round}`;
          await engine.logs.create(id);
          const before = Array.from({ length: 20 }, (_, i) =>
            engine.logs.append(id, records((i % 3) + 1, 50, i)),
          );
          const seal = engine.logs.seal(id);
          const after = Array.from({ length: 20 }, (_, i) => engine.logs.append(id, records(2, 50, 100 + i)));
          const decided = Promise.allSettled([...before, ...after]);
          const end = await seal;
          const outcomes = await decided;
          let committed = 0;
          for (const [i, o] of outcomes.entries()) {
            if (o.status === 'fulfilled') {
              const size = i < 20 ? (i % 3) + 1 : 2;
              assert.ok(o.value.firstOffset + size <= end, `append ${i} committed at or past the seal`);
              committed += size;
            } else {
              assert.ok(o.reason instanceof LogSealedError, `append ${i} failed with ${o.reason}`);
            }
          }
          for (const o of outcomes.slice(20))
            assert.equal(o.status, 'rejected', 'an append after seal() committed');
          assert.equal(committed, end, 'offsets below the end are exactly the committed appends');
          assert.deepEqual(await engine.logs.bounds(id), { startOffset: 0, endOffset: end });
          assert.equal((await readAll(engine, id)).length, end);
          assert.equal(await engine.logs.seal(id), end);
        }
      }));

    test('appends in flight when seal is called: every one is decided before the seal resolves', () =>
      run(async ({ engine }) => {
        await engine.logs.create('s/0');
        const big = Array.from({ length: 8 }, (_, i) => engine.logs.append('s/0', records(50, 2000, i)));
        const settledFirst: boolean[] = [];
        for (const p of big)
          void p.then(
            () => settledFirst.push(true),
            () => settledFirst.push(true),
          );
        const end = await engine.logs.seal('s/0');
        await new Promise((r) => setImmediate(r));
        assert.equal(settledFirst.length, big.length);
        const results = await Promise.allSettled(big);
        const ok = results.filter((r) => r.status === 'fulfilled').length;
        assert.equal(end, ok * 50);
      }));

    test('drop removes a sealed log; created again, it is open', () =>
      run(async ({ engine }) => {
        await engine.logs.create('s/0');
        await engine.logs.append('s/0', records(2, 5));
        await engine.logs.seal('s/0');
        await engine.logs.drop('s/0');
        await assert.rejects(engine.logs.seal('s/0'), LogNotFoundError);
        await engine.logs.create('s/0');
        assert.equal((await engine.logs.append('s/0', records(1, 5))).firstOffset, 0);
      }));

    test('a sealed log stays sealed across reopen, with the same end offset', async (t) => {
      const probe = await makeTarget();
      await probe.cleanup();
      if (!probe.durable) {
        t.skip('backend is not durable');
        return;
      }
      await run(async (f) => {
        const before = f.engine;
        await before.logs.create('s/0');
        await before.logs.create('s/1');
        const sent: AppendRecord[] = [];
        for (let i = 0; i < 12; i++) {
          const batch = records((i % 4) + 1, 300, i);
          sent.push(...batch);
          await before.logs.append('s/0', batch);
        }
        await before.logs.append('s/1', records(3, 10));
        const end = await before.logs.seal('s/0');
        assert.equal(end, sent.length);
        const after = await f.reopen();
        await assert.rejects(after.logs.append('s/0', records(1, 1)), LogSealedError);
        assert.equal(await after.logs.seal('s/0'), end);
        assert.deepEqual(await after.logs.bounds('s/0'), { startOffset: 0, endOffset: end });
        assertSame(await readAll(after, 's/0'), sent, 0);
        assert.equal(
          (await after.logs.append('s/1', records(1, 1))).firstOffset,
          3,
          'unsealed log stays open',
        );
        const again = await f.reopen();
        await assert.rejects(again.logs.append('s/0', records(1, 1)), LogSealedError);
      });
    });
  });
}

function describeDurability(run: Run, makeTarget: () => Promise<ConformanceTarget>): void {
  describe('durability', () => {
    test('reopen keeps records, bounds, timestamps and metadata', async (t) => {
      const probe = await makeTarget();
      await probe.cleanup();
      if (!probe.durable) {
        t.skip('backend is not durable');
        return;
      }
      await run(async (f) => {
        const before = f.engine;
        await before.logs.create('s/0');
        await before.logs.create('s/1');
        const sent: AppendRecord[] = [];
        for (let i = 0; i < 25; i++) {
          const batch = records((i % 5) + 1, 120 + i, i);
          sent.push(...batch);
          await before.logs.append('s/0', batch);
          f.clock.ms += 7;
        }
        const rev = await before.meta.put('stream/x', '{"a":1}');
        const stored = await readAll(before, 's/0');
        const after = await f.reopen();
        assert.deepEqual(await after.logs.bounds('s/0'), { startOffset: 0, endOffset: sent.length });
        assert.deepEqual(await after.logs.bounds('s/1'), { startOffset: 0, endOffset: 0 });
        const reread = await readAll(after, 's/0');
        assertSame(reread, sent, 0);
        assert.deepEqual(
          reread.map((r) => r.timestampMs),
          stored.map((r) => r.timestampMs),
        );
        assert.deepEqual(await after.meta.get('stream/x'), {
          key: 'stream/x',
          value: '{"a":1}',
          revision: rev,
        });
        assert.ok((await after.meta.put('stream/y', '1')) > rev);
        assert.equal(await after.logs.offsetForTimestamp('s/0', startMs + 70), 10 * 3);
        const more = records(3, 10, 1234);
        assert.equal((await after.logs.append('s/0', more)).firstOffset, sent.length);
        assert.equal(
          digest(await readAll(after, 's/0')),
          digest([...stored, ...toStored(more, sent.length)]),
        );
      });
    });
  });
}

function toStored(rs: readonly AppendRecord[], firstOffset: number): StoredRecord[] {
  return rs.map((r, i) => ({
    offset: firstOffset + i,
    timestampMs: 0,
    partitionKey: r.partitionKey,
    data: r.data,
  }));
}

/** Digest of offsets, keys and data (not timestamps). */
function digest(rs: readonly StoredRecord[]): string {
  const h = createHash('sha256');
  for (const r of rs) h.update(`${r.offset}|${r.partitionKey}|`).update(r.data);
  return h.digest('hex');
}
