// Property tests of the record path, run against the operations with the memory engine (fast
// enough for many generated cases; the e2e suites cover the same paths through real clients).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { defaultConfig } from '../../core/config.js';
import { Slots } from '../../core/slots.js';
import { createMemoryEngine } from '../../storage/memory/memory-engine.js';
import type { ShardIteratorType } from '../model-types.js';
import type { OpContext, Services } from '../state/services.js';
import { StreamStore } from '../state/stream-store.js';
import { createStream } from './create-stream.js';
import { getRecords } from './get-records.js';
import { getShardIterator } from './get-shard-iterator.js';
import { putRecords } from './put-records.js';

function services(): Services {
  const engine = createMemoryEngine();
  return {
    config: { ...defaultConfig, stateDelayMs: 0, limits: 'off' },
    engine,
    streams: new StreamStore(engine),
    slots: new Slots(),
    hooks: {},
  };
}

const ctx = (): OpContext => ({
  account: '000000000000',
  region: 'us-east-1',
  requestId: 'r',
  nowMs: Date.now(),
  signal: new AbortController().signal,
  wire: 'cbor', // plain objects back, so the test can look at them
});

interface Acked {
  readonly seq: string;
  readonly pk: string;
  readonly data: Uint8Array;
}

const entry = fc.record({
  PartitionKey: fc.string({ minLength: 1, maxLength: 8 }),
  Data: fc.uint8Array({ maxLength: 32 }).map((a) => Buffer.from(a)),
});
const batches = fc.array(fc.array(entry, { minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 6 });

async function readAll(s: Services, stream: string, shardId: string, type: ShardIteratorType, seq?: string) {
  const it = (await getShardIterator(
    s,
    {
      StreamName: stream,
      ShardId: shardId,
      ShardIteratorType: type,
      ...(seq ? { StartingSequenceNumber: seq } : {}),
    },
    ctx(),
  )) as { ShardIterator: string };
  const out: Acked[] = [];
  let iterator: string | undefined = it.ShardIterator;
  for (let i = 0; i < 100 && iterator; i++) {
    const page = (await getRecords(s, { ShardIterator: iterator, Limit: 7 }, ctx())) as {
      Records: { SequenceNumber: string; PartitionKey: string; Data: Uint8Array }[];
      NextShardIterator?: string;
      MillisBehindLatest: number;
    };
    for (const r of page.Records) out.push({ seq: r.SequenceNumber, pk: r.PartitionKey, data: r.Data });
    if (page.Records.length === 0) break;
    iterator = page.NextShardIterator;
  }
  return out;
}

describe('record path properties', () => {
  it('sequence numbers strictly increase per shard, and any iterator position reads exactly the acknowledged suffix', async () => {
    await fc.assert(
      fc.asyncProperty(
        batches,
        fc.integer({ min: 1, max: 4 }),
        fc.nat(),
        async (batchList, shardCount, pick) => {
          const s = services();
          await createStream(s, { StreamName: 'p', ShardCount: shardCount }, ctx());
          const perShard = new Map<string, Acked[]>();
          for (const batch of batchList) {
            const res = (await putRecords(s, { StreamName: 'p', Records: batch }, ctx())) as {
              FailedRecordCount: number;
              Records: { SequenceNumber: string; ShardId: string }[];
            };
            assert.equal(res.FailedRecordCount, 0);
            assert.equal(res.Records.length, batch.length);
            res.Records.forEach((r, i) => {
              const list = perShard.get(r.ShardId) ?? [];
              list.push({ seq: r.SequenceNumber, pk: batch[i]!.PartitionKey, data: batch[i]!.Data });
              perShard.set(r.ShardId, list);
            });
          }
          for (const [shardId, acked] of perShard) {
            // Within one PutRecords, entries of a shard are appended in request order, and batches
            // are sequential here, so acknowledgement order is log order.
            for (let i = 1; i < acked.length; i++)
              assert.ok(BigInt(acked[i]!.seq) > BigInt(acked[i - 1]!.seq));
            const all = await readAll(s, 'p', shardId, 'TRIM_HORIZON');
            assert.deepEqual(all.map(norm), acked.map(norm));
            const at = pick % acked.length;
            const fromAt = await readAll(s, 'p', shardId, 'AT_SEQUENCE_NUMBER', acked[at]!.seq);
            assert.deepEqual(fromAt.map(norm), acked.slice(at).map(norm));
            const after = await readAll(s, 'p', shardId, 'AFTER_SEQUENCE_NUMBER', acked[at]!.seq);
            assert.deepEqual(after.map(norm), acked.slice(at + 1).map(norm));
            assert.deepEqual(await readAll(s, 'p', shardId, 'LATEST'), []);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

const norm = (a: Acked) => ({ seq: a.seq, pk: a.pk, data: Buffer.from(a.data).toString('hex') });
