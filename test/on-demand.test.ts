// ON_DEMAND streams: 4 shards at creation, a hot shard is split once its offered write load has
// exceeded capacity for `onDemandScaleUpAfterMs`, and UpdateStreamMode switches both ways with
// at most 2 switches per rolling 24 hours.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  UpdateStreamModeCommand,
} from '@aws-sdk/client-kinesis';
import {
  ACCOUNT,
  kinesis,
  needsInProcess,
  randomName,
  startTestServer,
  type TestServer,
  waitFor,
} from './helpers.js';

let server: TestServer;
let client: KinesisClient;

before(async () => {
  server = await startTestServer({ limits: 'aws', onDemandScaleUpAfterMs: 1_500 });
  client = kinesis(server.endpoint);
});
after(async () => {
  client.destroy();
  await server.close();
});

async function active(name: string): Promise<void> {
  await waitFor(async () => {
    const d = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    return d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE' ? true : undefined;
  });
}

const openShards = async (name: string) =>
  (await client.send(new ListShardsCommand({ StreamName: name, ShardFilter: { Type: 'AT_LATEST' } })))
    .Shards ?? [];

describe('on-demand capacity', () => {
  it('starts with 4 shards and splits a shard kept above its write capacity', {
    skip: needsInProcess('flags', '--limits aws and a 1.5 s on-demand scale-up delay (a config field)'),
  }, async () => {
    const name = randomName('od');
    await client.send(
      new CreateStreamCommand({ StreamName: name, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
    );
    await active(name);
    const initial = await openShards(name);
    assert.equal(initial.length, 4);
    // ~2 MB/s at hash key 0 (shard 0) until it splits (1.5 s above capacity), for up to 30 s on a
    // busy host; everything else idle.
    const record = Buffer.alloc(20_000, 3);
    const started = Date.now();
    let split = false;
    while (!split && Date.now() - started < 30_000) {
      await client.send(
        new PutRecordsCommand({
          StreamName: name,
          Records: Array.from({ length: 20 }, () => ({
            PartitionKey: 'hot',
            ExplicitHashKey: '0',
            Data: record,
          })),
        }),
      );
      await new Promise((r) => setTimeout(r, 150));
      split = (await openShards(name)).length > 4;
    }
    const after = await openShards(name);
    assert.equal(after.length, 5, 'one hot shard was split');
    const children = after.filter((s) => s.ParentShardId === 'shardId-000000000000');
    assert.equal(children.length, 2);
    const cold = await openShards(name);
    assert.ok(
      cold.some((s) => s.ShardId === 'shardId-000000000003'),
      'cold shards stay',
    );
  });

  it('UpdateStreamMode switches both ways, at most twice per 24 hours', async () => {
    const name = randomName('mode');
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }));
    await active(name);
    const arn = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`;
    await client.send(
      new UpdateStreamModeCommand({ StreamARN: arn, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
    );
    await active(name);
    await client.send(
      new UpdateStreamModeCommand({ StreamARN: arn, StreamModeDetails: { StreamMode: 'PROVISIONED' } }),
    );
    await active(name);
    assert.equal((await openShards(name)).length, 2, 'switching keeps the shards');
    await assert.rejects(
      client.send(
        new UpdateStreamModeCommand({ StreamARN: arn, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
      ),
      (err: Error) =>
        err.name === 'LimitExceededException' &&
        err.message ===
          `Stream ${name} under account ${ACCOUNT} has already switched its capacity mode 2 times in the last 24 hours. Limit: 2.`,
    );
  });
});
