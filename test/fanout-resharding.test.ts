// Resharding through the real API during a subscription: SplitShard closes the subscribed shard,
// the session notices it (re-read every heartbeat), delivers every record written before the
// split, and its last event carries ChildShards naming both children; then the stream ends.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  type KinesisClient,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  SplitShardCommand,
  SubscribeToShardCommand,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import { ACCOUNT, kinesis, REGION, randomName, startTestServer, type TestServer } from './helpers.js';

describe('SubscribeToShard across SplitShard', () => {
  let server: TestServer;
  let client: KinesisClient;

  before(async () => {
    server = await startTestServer();
    client = kinesis(server.endpoint);
    if (server.server) server.server.services.hooks.subscriptionHeartbeatMs = 200;
  });
  after(async () => {
    client.destroy();
    await server.close();
  });

  it('the event at the end of the split shard carries ChildShards and the stream ends', {
    timeout: 30_000,
  }, async () => {
    const name = randomName('fansplit');
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    const reg = await client.send(
      new RegisterStreamConsumerCommand({
        StreamARN: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`,
        ConsumerName: 'c',
      }),
    );
    const out = await client.send(
      new SubscribeToShardCommand({
        ConsumerARN: reg.Consumer!.ConsumerARN!,
        ShardId: 'shardId-000000000000',
        StartingPosition: { Type: 'TRIM_HORIZON' },
      }),
    );
    const put = (from: number) =>
      client.send(
        new PutRecordsCommand({
          StreamName: name,
          Records: Array.from({ length: 5 }, (_, i) => ({
            PartitionKey: `k${i}`,
            Data: Buffer.from(`r${from + i}`),
          })),
        }),
      );
    await put(0);
    await put(5);
    await client.send(
      new SplitShardCommand({
        StreamName: name,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (1n << 127n).toString(),
      }),
    );
    const got: string[] = [];
    let childShards: unknown;
    for await (const ev of out.EventStream as AsyncIterable<SubscribeToShardEventStream>) {
      const e = ev.SubscribeToShardEvent;
      assert.ok(e, `unexpected ${JSON.stringify(ev)}`);
      for (const r of e.Records ?? []) got.push(Buffer.from(r.Data!).toString());
      if (e.ChildShards !== undefined) childShards = e.ChildShards;
    }
    assert.deepEqual(
      got,
      Array.from({ length: 10 }, (_, i) => `r${i}`),
    );
    const children = childShards as { ShardId: string; ParentShards: string[] }[];
    assert.deepEqual(children.map((c) => c.ShardId).sort(), ['shardId-000000000001', 'shardId-000000000002']);
    for (const c of children) assert.deepEqual(c.ParentShards, ['shardId-000000000000']);
  });
});
