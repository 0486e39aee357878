// 20 registered consumers (the per-stream limit) each subscribed to every shard of a 4-shard
// stream through the official SDK v3 (SubscribeToShardCommand, HTTP/2, one client and therefore
// one connection per consumer, as separate applications would have), while several producers write
// keyed records with PutRecords and PutRecord. Every consumer must receive every acknowledged
// record exactly once, each shard in sequence-number order, and each key's records in the order
// they were produced.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  type KinesisClient,
  ListStreamConsumersCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  SubscribeToShardCommand,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import {
  ACCOUNT,
  kinesis,
  REGION,
  randomName,
  startTestServer,
  type TestServer,
  waitFor,
} from './helpers.js';

const CONSUMERS = 20;
const SHARDS = 4;
const PRODUCERS = 4;
const KEYS_PER_PRODUCER = 8;
const BATCHES_PER_PRODUCER = 25;
const BATCH = 10;
/** Every producer also sends this many single PutRecords, between its batches. */
const SINGLES_PER_PRODUCER = 25;
const TOTAL = PRODUCERS * (BATCHES_PER_PRODUCER * BATCH + SINGLES_PER_PRODUCER);

const shardIdOf = (i: number): string => `shardId-${String(i).padStart(12, '0')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Delivered {
  readonly seq: bigint;
  readonly data: string;
}

describe('enhanced fan-out: 20 consumers on one stream', () => {
  let server: TestServer;
  let admin: KinesisClient;
  const consumerClients: KinesisClient[] = [];

  before(async () => {
    server = await startTestServer({ limits: 'off' });
    admin = kinesis(server.endpoint);
  });
  after(async () => {
    for (const c of consumerClients) c.destroy();
    admin.destroy();
    await server.close();
  });

  it('every consumer receives every record exactly once, in order per shard and per key', {
    timeout: 120_000,
  }, async () => {
    const name = randomName('fan20');
    const streamArn = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`;
    await admin.send(new CreateStreamCommand({ StreamName: name, ShardCount: SHARDS }));
    const arns: string[] = [];
    for (let c = 0; c < CONSUMERS; c++) {
      const r = await admin.send(
        new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: `app-${c}` }),
      );
      arns.push(r.Consumer!.ConsumerARN!);
    }
    await waitFor(async () => {
      const l = await admin.send(new ListStreamConsumersCommand({ StreamARN: streamArn }));
      return l.Consumers?.length === CONSUMERS && l.Consumers.every((c) => c.ConsumerStatus === 'ACTIVE')
        ? true
        : undefined;
    });

    // received[consumer][shard] in arrival order
    const received: Delivered[][][] = arns.map(() => Array.from({ length: SHARDS }, () => []));
    // One controller per consumer, like separate applications (and few listeners per signal).
    const aborts = arns.map(() => new AbortController());
    let expectedTotal = Number.POSITIVE_INFINITY;
    const countOf = (c: number): number => received[c]!.reduce((n, s) => n + s.length, 0);
    const readers: Promise<void>[] = [];
    let failure: unknown;
    for (const [c, arn] of arns.entries()) {
      const client = kinesis(server.endpoint);
      consumerClients.push(client);
      for (let s = 0; s < SHARDS; s++) {
        const out = await client.send(
          new SubscribeToShardCommand({
            ConsumerARN: arn,
            ShardId: shardIdOf(s),
            StartingPosition: { Type: 'TRIM_HORIZON' },
          }),
          { abortSignal: aborts[c]!.signal },
        );
        const events = out.EventStream as AsyncIterable<SubscribeToShardEventStream>;
        readers.push(
          (async () => {
            try {
              for await (const ev of events) {
                const e = ev.SubscribeToShardEvent;
                assert.ok(e, `consumer ${c} shard ${s}: unexpected message ${JSON.stringify(ev)}`);
                for (const r of e.Records ?? [])
                  received[c]![s]!.push({
                    seq: BigInt(r.SequenceNumber!),
                    data: Buffer.from(r.Data!).toString(),
                  });
                if (countOf(c) >= expectedTotal) break;
              }
            } catch (err) {
              if (!aborts[c]!.signal.aborted) throw err;
            }
          })().catch((err: unknown) => {
            failure ??= err;
          }),
        );
      }
    }

    // Producers start once all 80 subscriptions are open, so most records are pushed live.
    const acked = new Map<string, bigint>(); // data -> sequence number
    const producers = Array.from({ length: PRODUCERS }, async (_, p) => {
      const client = kinesis(server.endpoint);
      try {
        const counters = new Array<number>(KEYS_PER_PRODUCER).fill(0);
        const next = (k: number) => ({ key: `p${p}-k${k}`, data: `p${p}-k${k}-${counters[k]!++}` });
        for (let b = 0; b < BATCHES_PER_PRODUCER; b++) {
          const batch = Array.from({ length: BATCH }, (_, j) => next((b + j) % KEYS_PER_PRODUCER));
          const r = await client.send(
            new PutRecordsCommand({
              StreamName: name,
              Records: batch.map((x) => ({ PartitionKey: x.key, Data: Buffer.from(x.data) })),
            }),
          );
          assert.equal(r.FailedRecordCount ?? 0, 0);
          for (const [i, rec] of r.Records!.entries()) acked.set(batch[i]!.data, BigInt(rec.SequenceNumber!));
          const one = next(b % KEYS_PER_PRODUCER);
          const single = await client.send(
            new PutRecordCommand({ StreamName: name, PartitionKey: one.key, Data: Buffer.from(one.data) }),
          );
          acked.set(one.data, BigInt(single.SequenceNumber!));
          if (b % 5 === 0) await sleep(5);
        }
      } finally {
        client.destroy();
      }
    });
    await Promise.all(producers);
    assert.equal(acked.size, TOTAL);
    expectedTotal = TOTAL;

    await waitFor(
      async () => {
        if (failure !== undefined) throw failure;
        return arns.every((_, c) => countOf(c) >= TOTAL) ? true : undefined;
      },
      60_000,
      50,
    ).catch((err: unknown) => {
      if (err !== failure)
        assert.fail(`deliveries per consumer ${arns.map((_, c) => countOf(c))} of ${TOTAL}`);
      throw err;
    });
    for (const a of aborts) a.abort();
    await Promise.all(readers);
    if (failure !== undefined) throw failure;

    // The shard of each record is the shard whose subscription delivered it for consumer 0; every
    // other consumer must agree, and each shard's order must be the sequence-number order of what
    // was acknowledged for it.
    const expectedByShard = received[0]!.map((list) =>
      [...list].sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0)).map((d) => d.data),
    );
    assert.equal(expectedByShard.flat().length, TOTAL, 'consumer 0 got every record once');
    assert.deepEqual(new Set(expectedByShard.flat()), new Set(acked.keys()));
    assert.ok(
      expectedByShard.every((l) => l.length > 0),
      'records were spread over every shard',
    );
    for (const [c, shards] of received.entries()) {
      for (const [s, list] of shards.entries()) {
        const where = `consumer ${c} shard ${s}`;
        assert.deepEqual(
          list.map((d) => d.data),
          expectedByShard[s],
          `${where}: exactly the shard's records, in sequence-number order`,
        );
        for (const d of list)
          assert.equal(d.seq, acked.get(d.data), `${where}: sequence number of ${d.data}`);
      }
      // Per key: produced order.
      const lastOfKey = new Map<string, number>();
      for (const list of shards)
        for (const { data } of list) {
          const i = data.lastIndexOf('-');
          const key = data.slice(0, i);
          const n = Number(data.slice(i + 1));
          assert.equal(
            n,
            (lastOfKey.get(key) ?? -1) + 1,
            `consumer ${c}: ${data} follows its key's previous record`,
          );
          lastOfKey.set(key, n);
        }
    }
  });
});
