// Producers write keyed records through the official SDK while the stream is split, merged and
// rescaled; a reader that follows lineage (parents before children) must see every acknowledged
// record of each partition key exactly once and in order. This is what the race-free close
// (write gates drained before closedEndOffset is recorded) guarantees.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type Shard,
  SplitShardCommand,
  UpdateShardCountCommand,
} from '@aws-sdk/client-kinesis';
import { kinesis, randomName, startTestServer, type TestServer, waitFor } from './helpers.js';

const PRODUCERS = 4;
const KEYS_PER_PRODUCER = 6;

let server: TestServer;
let client: KinesisClient;

before(async () => {
  server = await startTestServer({ stateDelayMs: 60, limits: 'off' });
  client = kinesis(server.endpoint);
});
after(async () => {
  client.destroy();
  await server.close();
});

async function waitActive(name: string): Promise<void> {
  await waitFor(async () => {
    const d = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    return d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE' ? true : undefined;
  }, 20_000);
}

async function openShards(name: string): Promise<Shard[]> {
  const r = await client.send(
    new ListShardsCommand({ StreamName: name, ShardFilter: { Type: 'AT_LATEST' } }),
  );
  return (r.Shards ?? []).sort((a, b) =>
    BigInt(a.HashKeyRange!.StartingHashKey!) < BigInt(b.HashKeyRange!.StartingHashKey!) ? -1 : 1,
  );
}

/** One producer: its keys get consecutive counters; each record is written after the previous was acknowledged. */
async function produce(
  name: string,
  p: number,
  stop: () => boolean,
  acked: Map<string, number>,
): Promise<void> {
  const keys = Array.from({ length: KEYS_PER_PRODUCER }, (_, k) => `p${p}-k${k}`);
  for (const k of keys) acked.set(k, 0);
  let round = 0;
  while (!stop()) {
    round++;
    if (round % 3 === 0) {
      const k = keys[round % keys.length]!;
      const n = acked.get(k)!;
      await client.send(
        new PutRecordCommand({ StreamName: name, PartitionKey: k, Data: Buffer.from(`${k}:${n}`) }),
      );
      acked.set(k, n + 1);
      continue;
    }
    // Two records per key per request: entries of one key land on one shard, in request order.
    const entries = keys.flatMap((k) => {
      const n = acked.get(k)!;
      return [n, n + 1].map((i) => ({ PartitionKey: k, Data: Buffer.from(`${k}:${i}`) }));
    });
    const res = await client.send(new PutRecordsCommand({ StreamName: name, Records: entries }));
    assert.equal(res.FailedRecordCount, 0, JSON.stringify(res.Records?.filter((r) => r.ErrorCode)));
    for (const k of keys) acked.set(k, acked.get(k)! + 2);
  }
}

/** Reads a shard from TRIM_HORIZON to its end (closed) or its tip (open). */
async function readShard(name: string, shardId: string, closed: boolean): Promise<string[]> {
  const out: string[] = [];
  let iterator = (
    await client.send(
      new GetShardIteratorCommand({ StreamName: name, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    )
  ).ShardIterator;
  for (let i = 0; i < 10_000 && iterator; i++) {
    const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
    for (const r of page.Records ?? []) out.push(Buffer.from(r.Data!).toString());
    if (!page.NextShardIterator) {
      assert.ok(closed, `${shardId}: only closed shards end`);
      assert.ok((page.ChildShards ?? []).length > 0, `${shardId}: ChildShards at the end`);
      return out;
    }
    if (!closed && (page.Records ?? []).length === 0 && page.MillisBehindLatest === 0) return out;
    iterator = page.NextShardIterator;
  }
  throw new Error(`${shardId}: did not reach its end`);
}

describe('resharding under load (SDK)', () => {
  it('every acknowledged record of each key is read exactly once and in order, following lineage', async () => {
    const name = randomName('scenario');
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }));
    await waitActive(name);

    let stopped = false;
    const acked = new Map<string, number>();
    const producers = Array.from({ length: PRODUCERS }, (_, p) => produce(name, p, () => stopped, acked));
    const pause = () => new Promise((r) => setTimeout(r, 120));
    try {
      await pause();
      const [first] = await openShards(name);
      const mid =
        (BigInt(first!.HashKeyRange!.StartingHashKey!) + BigInt(first!.HashKeyRange!.EndingHashKey!)) / 2n;
      await client.send(
        new SplitShardCommand({
          StreamName: name,
          ShardToSplit: first!.ShardId!,
          NewStartingHashKey: mid.toString(),
        }),
      );
      await waitActive(name);
      await pause();
      const [a, b] = await openShards(name);
      await client.send(
        new MergeShardsCommand({
          StreamName: name,
          ShardToMerge: a!.ShardId!,
          AdjacentShardToMerge: b!.ShardId!,
        }),
      );
      await waitActive(name);
      await pause();
      for (const target of [3, 5, 4]) {
        await client.send(
          new UpdateShardCountCommand({
            StreamName: name,
            TargetShardCount: target,
            ScalingType: 'UNIFORM_SCALING',
          }),
        );
        await waitActive(name);
        await pause();
      }
    } finally {
      stopped = true;
      await Promise.all(producers);
    }
    assert.equal((await openShards(name)).length, 4);

    // Read in lineage order: a shard only after all its parents.
    const all = (await client.send(new ListShardsCommand({ StreamName: name }))).Shards ?? [];
    assert.ok(all.length > 10, `${all.length} shards after five reshardings`);
    const done = new Set<string>();
    const seen = new Map<string, number[]>();
    const pending = [...all];
    while (pending.length > 0) {
      const i = pending.findIndex((s) =>
        [s.ParentShardId, s.AdjacentParentShardId].every((p) => p === undefined || done.has(p)),
      );
      assert.ok(i >= 0, 'lineage has no cycle and no missing parent');
      const shard = pending.splice(i, 1)[0]!;
      const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
      for (const rec of await readShard(name, shard.ShardId!, closed)) {
        const [key, n] = rec.split(':') as [string, string];
        if (!seen.has(key)) seen.set(key, []);
        seen.get(key)!.push(Number(n));
      }
      done.add(shard.ShardId!);
    }

    let total = 0;
    for (const [key, count] of acked) {
      const got = seen.get(key) ?? [];
      total += count;
      assert.deepEqual(
        got,
        Array.from({ length: count }, (_, i) => i),
        `key ${key}`,
      );
    }
    assert.ok(total > 200, `only ${total} records were written during the resharding`);
  });
});
