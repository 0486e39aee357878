import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { AppendRecord } from '../engine.js';
import { batchCrcMatches, encodeBatch, readBatchHeader, sealBatch } from './batch-codec.js';
import { crc32, crc32Table } from './crc32.js';
import { openLocalEngine } from './local-engine.js';
import { RecordCollector } from './record-collector.js';

const recordArb: fc.Arbitrary<AppendRecord> = fc.record({
  partitionKey: fc
    .string({ minLength: 1, maxLength: 256, unit: 'grapheme' })
    .map((s) => [...s].slice(0, 256).join('')),
  data: fc.uint8Array({ maxLength: 2000 }),
});
const recordsArb = fc.array(recordArb, { minLength: 1, maxLength: 30 });
const offsetArb = fc.integer({ min: 0, max: 2 ** 52 });
const timestampArb = fc.integer({ min: 0, max: 2 ** 47 });

function decode(buf: Buffer, from = 0): AppendRecord[] {
  const header = readBatchHeader(buf, 0);
  assert.ok(typeof header !== 'string', `header: ${header}`);
  const collector = new RecordCollector({ maxRecords: 1_000_000, maxBytes: 2 ** 40 });
  collector.addBatch(buf, 0, header, from);
  return collector.records.map((r) => ({ partitionKey: r.partitionKey, data: Uint8Array.from(r.data) }));
}

describe('batch codec', () => {
  test('crc32 is CRC-32/IEEE and the native one agrees with the table one', () => {
    assert.equal(crc32Table(Buffer.from('123456789')), 0xcbf43926);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.uint8Array({ maxLength: 100 }), (a, b) => {
        assert.equal(crc32(a), crc32Table(a));
        assert.equal(crc32(b, crc32(a)), crc32Table(Buffer.concat([a, b])));
      }),
    );
  });

  test('encode, seal, decode round-trips records, offset and timestamp', () => {
    fc.assert(
      fc.property(recordsArb, offsetArb, timestampArb, (records, baseOffset, timestampMs) => {
        const batch = encodeBatch(records);
        sealBatch(batch, baseOffset, timestampMs);
        const header = readBatchHeader(batch.buffer, 0);
        assert.ok(typeof header !== 'string');
        assert.deepEqual(
          { ...header, crc: 0 },
          { crc: 0, batchBytes: batch.buffer.length, recordCount: records.length, baseOffset, timestampMs },
        );
        assert.ok(batchCrcMatches(batch.buffer, 0, header));
        assert.deepEqual(
          decode(batch.buffer),
          records.map((r) => ({ ...r, data: Uint8Array.from(r.data) })),
        );
      }),
    );
  });

  test('decoding from an offset inside the batch returns exactly the suffix', () => {
    fc.assert(
      fc.property(recordsArb, offsetArb, fc.nat(), (records, baseOffset, skip) => {
        const batch = encodeBatch(records);
        sealBatch(batch, baseOffset, 1);
        const from = baseOffset + (skip % (records.length + 1));
        assert.deepEqual(decode(batch.buffer, from).length, records.length - (from - baseOffset));
      }),
    );
  });

  test('any changed byte is detected', () => {
    fc.assert(
      fc.property(recordsArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (records, at, xor) => {
        const batch = encodeBatch(records);
        sealBatch(batch, 7, 9);
        const buf = Buffer.from(batch.buffer);
        const i = at % buf.length;
        buf[i] = buf[i]! ^ xor;
        const header = readBatchHeader(buf, 0);
        const intact =
          typeof header !== 'string' && header.batchBytes <= buf.length && batchCrcMatches(buf, 0, header);
        assert.ok(!intact, `byte ${i} ^ ${xor} went unnoticed`);
      }),
    );
  });
});

describe('local log reads (property)', () => {
  test('reading from any offset with any limits returns exactly the allowed prefix of the suffix', async () => {
    const appendsArb = fc.array(
      fc.array(
        fc.record({
          partitionKey: fc.string({ minLength: 1, maxLength: 8 }),
          data: fc.uint8Array({ maxLength: 700 }),
        }),
        {
          minLength: 1,
          maxLength: 6,
        },
      ),
      { minLength: 1, maxLength: 25 },
    );
    const readArb = fc.record({
      from: fc.nat({ max: 200 }),
      maxRecords: fc.integer({ min: 1, max: 40 }),
      maxBytes: fc.integer({ min: 1, max: 5000 }),
    });
    await fc.assert(
      fc.asyncProperty(
        appendsArb,
        fc.array(readArb, { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 256, max: 4096 }),
        fc.integer({ min: 64, max: 2048 }),
        fc.boolean(),
        async (appends, reads, segmentBytes, indexIntervalBytes, reopen) => {
          const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardline-prop-'));
          const opts = {
            dataDir,
            durability: 'none' as const,
            segmentBytes,
            indexIntervalBytes,
            tailCacheBytes: 2048,
          };
          let engine = await openLocalEngine(opts);
          try {
            await engine.logs.create('p/0');
            for (const a of appends) await engine.logs.append('p/0', a);
            if (reopen) {
              await engine.close();
              engine = await openLocalEngine(opts);
            }
            const all = appends.flat();
            for (const { from, maxRecords, maxBytes } of reads) {
              const start = from % (all.length + 2);
              const got = await engine.logs.read('p/0', start, { maxRecords, maxBytes });
              const want = expectedRead(all, start, maxRecords, maxBytes);
              assert.deepEqual(
                got.records.map((r) => [r.offset, r.partitionKey, Buffer.from(r.data).toString('hex')]),
                want.map((i) => [i, all[i]!.partitionKey, Buffer.from(all[i]!.data).toString('hex')]),
              );
              assert.equal(got.nextOffset, want.length > 0 ? want.at(-1)! + 1 : start);
              assert.equal(got.endOffset, all.length);
            }
          } finally {
            await engine.close();
            await fs.rm(dataDir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** Offsets a read from `start` must return under the limits. */
function expectedRead(
  all: readonly AppendRecord[],
  start: number,
  maxRecords: number,
  maxBytes: number,
): number[] {
  const out: number[] = [];
  let bytes = 0;
  for (let i = start; i < all.length && out.length < maxRecords; i++) {
    const size = Buffer.byteLength(all[i]!.partitionKey) + all[i]!.data.length;
    if (out.length > 0 && bytes + size > maxBytes) break;
    out.push(i);
    bytes += size;
  }
  return out;
}
