import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { AppendRecord, StoredRecord } from '../engine.js';
import { type LocalEngine, type LocalEngineOptions, openLocalEngine } from './local-engine.js';
import { logDirName } from './log-dir-name.js';
import { StorageCorruptionError } from './storage-corruption-error.js';

const logId = 'stream/0';
const segmentBytes = 8 * 1024;

let dataDir: string;
let warnings: string[];

beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardline-corruption-'));
  warnings = [];
});
afterEach(() => fs.rm(dataDir, { recursive: true, force: true }));

function open(extra: Partial<LocalEngineOptions> = {}): Promise<LocalEngine> {
  return openLocalEngine({
    dataDir,
    durability: 'fsync',
    segmentBytes,
    indexIntervalBytes: 1024,
    onWarning: (message) => warnings.push(message),
    ...extra,
  });
}

function batch(n: number, seed: number): AppendRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    partitionKey: `k${seed}-${i}`,
    data: Buffer.alloc(200 + ((seed * 7 + i) % 50), seed & 0xff),
  }));
}

/** Writes `appends` appends of 3 records; returns what was sent, in offset order. */
async function fill(appends: number): Promise<AppendRecord[]> {
  const engine = await open();
  await engine.logs.create(logId);
  const sent: AppendRecord[] = [];
  for (let i = 0; i < appends; i++) {
    const b = batch(3, i);
    await engine.logs.append(logId, b);
    sent.push(...b);
  }
  await engine.close();
  return sent;
}

async function readAll(engine: LocalEngine, from = 0): Promise<StoredRecord[]> {
  const all: StoredRecord[] = [];
  let next = from;
  for (;;) {
    const page = await engine.logs.read(logId, next, { maxRecords: 1000, maxBytes: 1 << 20 });
    if (page.records.length === 0) return all;
    all.push(...page.records);
    next = page.nextOffset;
  }
}

function assertPrefix(got: readonly StoredRecord[], sent: readonly AppendRecord[], count: number): void {
  assert.equal(got.length, count);
  got.forEach((r, i) => {
    assert.equal(r.offset, i);
    assert.equal(r.partitionKey, sent[i]!.partitionKey);
    assert.deepEqual(Buffer.from(r.data), Buffer.from(sent[i]!.data));
  });
}

const logDir = (): string => path.join(dataDir, 'logs', logDirName(logId));

async function segmentFiles(suffix: string): Promise<string[]> {
  const names = (await fs.readdir(logDir())).filter((n) => n.endsWith(suffix)).sort();
  return names.map((n) => path.join(logDir(), n));
}

async function lastSegment(): Promise<string> {
  return (await segmentFiles('.log')).at(-1)!;
}

/** Offset of the first record of the last batch in the active segment (every batch holds 3). */
async function lastBatchStart(sentCount: number): Promise<number> {
  return sentCount - 3;
}

async function flipByte(file: string, fromEnd: number): Promise<void> {
  const buf = await fs.readFile(file);
  const at = buf.length - fromEnd;
  buf[at] = buf[at]! ^ 0x5a;
  await fs.writeFile(file, buf);
}

describe('local engine recovery from damaged files', () => {
  test('a flipped byte in the last batch: the batch is cut, everything before is served', async () => {
    const sent = await fill(30);
    const segment = await lastSegment();
    const sizeBefore = (await fs.stat(segment)).size;
    await flipByte(segment, 10);
    const engine = await open();
    try {
      const keep = await lastBatchStart(sent.length);
      const [event] = engine.recoveryReport.events;
      assert.equal(event?.action, 'truncated');
      assert.equal(event?.reason, 'crc mismatch');
      assert.equal(event?.file, segment);
      assert.equal(event!.position! + event!.bytesRemoved!, sizeBefore);
      assert.deepEqual(await engine.logs.bounds(logId), { startOffset: 0, endOffset: keep });
      assertPrefix(await readAll(engine), sent, keep);
      assert.equal((await engine.logs.append(logId, batch(3, 99))).firstOffset, keep);
      assertPrefix(await readAll(engine), [...sent.slice(0, keep), ...batch(3, 99)], keep + 3);
    } finally {
      await engine.close();
    }
    const again = await open();
    assert.deepEqual(again.recoveryReport.events, []);
    assert.equal((await again.logs.bounds(logId)).endOffset, (await lastBatchStart(sent.length)) + 3);
    await again.close();
  });

  test('a torn write (file cut inside a batch) is truncated to the last whole batch', async () => {
    const sent = await fill(30);
    const segment = await lastSegment();
    const { size } = await fs.stat(segment);
    await fs.truncate(segment, size - 5);
    const engine = await open();
    try {
      const keep = await lastBatchStart(sent.length);
      assert.equal(engine.recoveryReport.events[0]?.reason, 'batch truncated');
      assertPrefix(await readAll(engine), sent, keep);
    } finally {
      await engine.close();
    }
  });

  test('garbage after the last batch is cut off; a header-sized scrap too', async () => {
    for (const garbage of [
      Buffer.alloc(4096),
      Buffer.from('not a batch at all, just bytes that fell here'),
    ]) {
      const sent = await fill(10);
      await fs.appendFile(await lastSegment(), garbage);
      const engine = await open();
      try {
        const [event] = engine.recoveryReport.events;
        assert.equal(event?.action, 'truncated');
        assert.equal(event?.bytesRemoved, garbage.length);
        assertPrefix(await readAll(engine), sent, sent.length);
        await engine.logs.append(logId, batch(1, 1));
      } finally {
        await engine.close();
        await fs.rm(dataDir, { recursive: true, force: true });
      }
    }
  });

  test('damage before the last index point is found by the reads that touch it', async () => {
    const sent = await fill(6);
    const segment = await lastSegment();
    // Damage the third batch (offsets 6..8); the index has points after it, so open does not scan it.
    const buf = await fs.readFile(segment);
    const third = buf.readUInt32LE(4) + buf.readUInt32LE(buf.readUInt32LE(4) + 4);
    buf[third + 100] = buf[third + 100]! ^ 1;
    await fs.writeFile(segment, buf);
    const engine = await open();
    try {
      assert.deepEqual(engine.recoveryReport.events, []);
      const before = await engine.logs.read(logId, 0, { maxRecords: 6, maxBytes: 1 << 20 });
      assertPrefix(before.records, sent, 6);
      await assert.rejects(
        engine.logs.read(logId, 6, { maxRecords: 1, maxBytes: 1 << 20 }),
        StorageCorruptionError,
      );
      await assert.rejects(readAll(engine), StorageCorruptionError);
      assert.equal((await engine.logs.append(logId, batch(3, 1))).firstOffset, 18);
      const tip = await engine.logs.read(logId, 18, { maxRecords: 10, maxBytes: 1 << 20 });
      assert.equal(tip.records.length, 3);
    } finally {
      await engine.close();
    }
  });

  test('missing or wrong index files are rebuilt from the segments', async () => {
    const sent = await fill(60);
    const indexes = await segmentFiles('.index');
    const timeIndexes = await segmentFiles('.timeindex');
    assert.ok(indexes.length >= 3, 'the test needs several segments');
    await fs.rm(indexes[0]!);
    await fs.rm(timeIndexes.at(-1)!);
    // An offset index whose entries point past the end of its segment.
    const bogus = Buffer.alloc(16);
    bogus.writeUInt32LE(0, 0);
    bogus.writeUInt32LE(0, 4);
    bogus.writeUInt32LE(5, 8);
    bogus.writeUInt32LE(1 << 30, 12);
    await fs.writeFile(indexes[1]!, bogus);
    const engine = await open();
    try {
      assert.ok(engine.recoveryReport.events.some((e) => e.action === 'index-rebuilt'));
      assertPrefix(await readAll(engine), sent, sent.length);
      for (let from = 0; from < sent.length; from += 7) {
        const page = await engine.logs.read(logId, from, { maxRecords: 2, maxBytes: 1 << 20 });
        assert.equal(page.records[0]?.offset, from);
      }
      assert.equal(await engine.logs.offsetForTimestamp(logId, 0), 0);
    } finally {
      await engine.close();
    }
    assert.ok(warnings.some((w) => w.includes('index-rebuilt')));
    const rebuilt = await fs.readFile(indexes[1]!);
    assert.ok(rebuilt.length > 0 && rebuilt.readUInt32LE(4) === 0);
  });

  test('a torn tail in an older segment is cut when it is first read, and reads go past the gap', async () => {
    const sent = await fill(60);
    const segments = await segmentFiles('.log');
    assert.ok(segments.length >= 3);
    const { size } = await fs.stat(segments[0]!);
    await fs.truncate(segments[0]!, size - 3);
    const engine = await open();
    try {
      assert.deepEqual(engine.recoveryReport.events, [], 'older segments are not read at open');
      const got = await readAll(engine);
      const firstSegmentEnd = Number(path.basename(segments[1]!, '.log'));
      const lost = new Set([firstSegmentEnd - 3, firstSegmentEnd - 2, firstSegmentEnd - 1]);
      assert.deepEqual(
        got.map((r) => r.offset),
        sent.map((_, i) => i).filter((i) => !lost.has(i)),
      );
      assert.ok(warnings.some((w) => w.includes('tail-ignored')));
      assert.ok(warnings.some((w) => w.includes('records missing')));
    } finally {
      await engine.close();
    }
    assert.equal((await fs.stat(segments[0]!)).size, size - 3, 'a sealed segment is left as it is');
  });

  test('a flipped byte inside an older segment fails the reads that touch it, not others', async () => {
    const sent = await fill(60);
    const segments = await segmentFiles('.log');
    // Byte 100 lies in the segment's first batch, which always has an index point.
    const buf = await fs.readFile(segments[1]!);
    buf[100] = buf[100]! ^ 0x5a;
    await fs.writeFile(segments[1]!, buf);
    const engine = await open();
    try {
      const secondStart = Number(path.basename(segments[1]!, '.log'));
      const thirdStart = Number(path.basename(segments[2]!, '.log'));
      await assert.rejects(
        engine.logs.read(logId, secondStart, { maxRecords: 1, maxBytes: 1 << 20 }),
        StorageCorruptionError,
      );
      const before = await engine.logs.read(logId, 0, { maxRecords: secondStart, maxBytes: 1 << 20 });
      assertPrefix(before.records, sent, secondStart);
      const after = await engine.logs.read(logId, thirdStart, { maxRecords: 3, maxBytes: 1 << 20 });
      assert.equal(after.records[0]?.offset, thirdStart);
    } finally {
      await engine.close();
    }
  });

  test('leftover files are removed and an empty log directory opens as an empty log', async () => {
    await fill(3);
    await fs.writeFile(path.join(logDir(), '00000000000000099999.index'), Buffer.alloc(8));
    await fs.writeFile(path.join(logDir(), '00000000000000000000.index.tmp'), Buffer.alloc(8));
    const emptyDir = path.join(dataDir, 'logs', logDirName('stream/1'));
    await fs.mkdir(emptyDir);
    const engine = await open();
    try {
      const removed = engine.recoveryReport.events.filter((e) => e.action === 'removed').map((e) => e.file);
      assert.deepEqual(removed.sort(), ['00000000000000000000.index.tmp', '00000000000000099999.index']);
      assert.deepEqual(await engine.logs.bounds('stream/1'), { startOffset: 0, endOffset: 0 });
      assert.equal((await engine.logs.append('stream/1', batch(2, 0))).firstOffset, 0);
      assert.equal((await engine.logs.bounds(logId)).endOffset, 9);
    } finally {
      await engine.close();
    }
  });

  test('a second engine on the same data directory is refused', async () => {
    const engine = await open();
    try {
      await assert.rejects(open(), /locked/);
    } finally {
      await engine.close();
    }
  });
});
