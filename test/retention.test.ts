// Retention with a shortened clock: the record path's retention clock is shifted forward through
// the typed test hook services.hooks.retentionClockOffsetMs, so records written a second ago count as a day old.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateStreamCommand,
  DescribeStreamConsumerCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  type ShardIteratorType,
  SplitShardCommand,
  SubscribeToShardCommand,
} from '@aws-sdk/client-kinesis';
import { logIdOf, type StreamMeta } from '../src/kinesis/domain/stream-model.js';
import { RETENTION_SWEEPER, type RetentionSweeper } from '../src/kinesis/records/retention-sweeper.js';
import { LogNotFoundError } from '../src/storage/engine.js';
import {
  ACCOUNT,
  kinesis,
  needsInProcess,
  REGION,
  randomName,
  startTestServer,
  startTestServerAt,
  type TestServer,
  waitFor,
} from './helpers.js';

const DAY_MS = 24 * 3_600_000;

describe('retention', { skip: needsInProcess('internals', 'the retention clock hook') }, () => {
  let server: TestServer;
  let client: KinesisClient;

  before(async () => {
    // The suite reads one shard more often than AWS's 5 GetRecords/s; throttling has its own tests.
    server = await startTestServer({ limits: 'off' });
    client = kinesis(server.endpoint);
  });
  after(async () => {
    client.destroy();
    await server.close();
  });

  const services_ = () => server.server!.services;
  const setClockOffset = (ms: number) => {
    services_().hooks.retentionClockOffsetMs = ms;
  };
  const sweeperOf = (): RetentionSweeper => {
    const sweeper = services_().slots.get(RETENTION_SWEEPER);
    assert.ok(sweeper, 'the server runs a retention sweeper');
    return sweeper;
  };

  async function read(name: string, type: ShardIteratorType, extra = {}): Promise<string[]> {
    const it = await client.send(
      new GetShardIteratorCommand({
        StreamName: name,
        ShardId: 'shardId-0',
        ShardIteratorType: type,
        ...extra,
      }),
    );
    const page = await client.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator }));
    assert.ok(page.NextShardIterator);
    return (page.Records ?? []).map((r) => Buffer.from(r.Data!).toString());
  }

  async function put(name: string, values: string[]): Promise<string[]> {
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: name,
        Records: values.map((v) => ({ PartitionKey: v, Data: Buffer.from(v) })),
      }),
    );
    return out.Records!.map((r) => r.SequenceNumber!);
  }

  it('hides records past RetentionPeriodHours at once, from every kind of iterator, and the sweep deletes them', async () => {
    const name = randomName('ret');
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    await waitFor(async () => ((await read(name, 'LATEST').catch(() => undefined)) ? true : undefined));
    const oldSeqs = await put(name, ['a1', 'a2', 'a3']);
    await sleep(1_500);
    await put(name, ['b1', 'b2']);

    // "Now" is 24 h minus 750 ms later: the a-records (≥ 1.5 s old) are past 24 h, the b-records are not.
    setClockOffset(DAY_MS - 750);
    try {
      assert.deepEqual(await read(name, 'TRIM_HORIZON'), ['b1', 'b2']);
      assert.deepEqual(await read(name, 'AT_SEQUENCE_NUMBER', { StartingSequenceNumber: oldSeqs[0] }), [
        'b1',
        'b2',
      ]);
      assert.deepEqual(await read(name, 'AT_TIMESTAMP', { Timestamp: new Date(Date.now() - 60_000) }), [
        'b1',
        'b2',
      ]);
    } finally {
      setClockOffset(0);
    }
    assert.deepEqual(await read(name, 'TRIM_HORIZON'), ['a1', 'a2', 'a3', 'b1', 'b2'], 'nothing deleted yet');

    // Two days on, everything is expired and the sweep reclaims it.
    setClockOffset(2 * DAY_MS);
    try {
      const sweeper = sweeperOf();
      assert.ok((await sweeper.sweepOnce()) >= 5);
      assert.deepEqual(await read(name, 'TRIM_HORIZON'), []);
    } finally {
      setClockOffset(0);
    }
    const streams = await server.server!.services.streams.all(Date.now());
    const meta = streams.find((s: StreamMeta) => s.name === name)!;
    const bounds = await server.server!.services.engine.logs.bounds(logIdOf(meta, 0));
    assert.equal(bounds.startOffset, 5, 'segments were deleted');
    // Deleted data stays deleted with the clock back to normal; new records are readable.
    await put(name, ['c1']);
    assert.deepEqual(await read(name, 'TRIM_HORIZON'), ['c1']);
  });
});

describe('retention of closed shards', {
  skip: needsInProcess('internals', 'the retention clock hook and sweeper, and a restart'),
}, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'shardline-expired-'));
  let server: TestServer;
  let client: KinesisClient;
  const name = randomName('expire');
  const PARENT = 'shardId-000000000000';
  after(async () => {
    client?.destroy();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (): Promise<void> => {
    server = await startTestServerAt(dataDir, { limits: 'off' });
    client = kinesis(server.endpoint);
  };
  before(start);
  const services = () => server.server!.services;
  const metaOf = async (): Promise<StreamMeta> =>
    (await services().streams.all(Date.now())).find((s: StreamMeta) => s.name === name)!;
  const shardIds = async (): Promise<string[]> =>
    ((await client.send(new ListShardsCommand({ StreamName: name }))).Shards ?? []).map((s) => s.ShardId!);
  const iteratorOf = async (shardId: string): Promise<string> =>
    (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: name,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator!;
  const rejectsNotFound = (p: Promise<unknown>, shardId: string) =>
    assert.rejects(p, (err: Error) => {
      assert.equal(err.name, 'ResourceNotFoundException');
      assert.equal(err.message, `Shard ${shardId} in stream ${name} under account ${ACCOUNT} does not exist`);
      return true;
    });

  it('drops the log of a closed shard once its data is past retention; the shard stays gone', async () => {
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    await waitFor(async () => ((await iteratorOf(PARENT).catch(() => undefined)) ? true : undefined));
    await client.send(
      new PutRecordCommand({ StreamName: name, PartitionKey: 'a', Data: Buffer.from('before the split') }),
    );
    await client.send(
      new SplitShardCommand({
        StreamName: name,
        ShardToSplit: PARENT,
        NewStartingHashKey: String(1n << 127n),
      }),
    );
    await waitFor(async () => ((await shardIds()).length === 3 ? true : undefined));
    const consumer = await client.send(
      new RegisterStreamConsumerCommand({
        StreamARN: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`,
        ConsumerName: 'c',
      }),
    );
    const oldIterator = await iteratorOf(PARENT);
    const parentLog = logIdOf(await metaOf(), 0);

    // A day and an hour later the parent's data (and the shard) has expired; the sweep drops its log.
    services().hooks.retentionClockOffsetMs = 25 * 3_600_000;
    try {
      await services().slots.get(RETENTION_SWEEPER)?.sweepOnce();
      assert.ok(services().slots.get(RETENTION_SWEEPER), 'the server runs a retention sweeper');
      await assert.rejects(services().engine.logs.bounds(parentLog), LogNotFoundError);
      assert.equal((await metaOf()).shards.find((s) => s.index === 0)?.expired, true);
      const page = await client.send(new GetRecordsCommand({ ShardIterator: oldIterator }));
      assert.deepEqual(page.Records, []);
      assert.equal(page.NextShardIterator, undefined, 'an iterator from before reads the end of the shard');
      assert.deepEqual(
        page.ChildShards?.map((c) => c.ShardId),
        ['shardId-000000000001', 'shardId-000000000002'],
      );
    } finally {
      services().hooks.retentionClockOffsetMs = 0;
    }

    // With the clock back (as after raising the retention period) it does not come back.
    assert.deepEqual(await shardIds(), ['shardId-000000000001', 'shardId-000000000002']);
    await rejectsNotFound(iteratorOf(PARENT), PARENT);
    await waitFor(async () =>
      (await client.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumer.Consumer!.ConsumerARN })))
        .ConsumerDescription?.ConsumerStatus === 'ACTIVE'
        ? true
        : undefined,
    );
    await rejectsNotFound(
      client.send(
        new SubscribeToShardCommand({
          ConsumerARN: consumer.Consumer!.ConsumerARN,
          ShardId: PARENT,
          StartingPosition: { Type: 'TRIM_HORIZON' },
        }),
      ),
      PARENT,
    );

    // Nor after a restart; the children carry on.
    client.destroy();
    await server.close();
    await start();
    assert.deepEqual(await shardIds(), ['shardId-000000000001', 'shardId-000000000002']);
    await rejectsNotFound(iteratorOf(PARENT), PARENT);
    const put = await client.send(
      new PutRecordCommand({ StreamName: name, PartitionKey: 'a', Data: Buffer.from('after') }),
    );
    const child = await client.send(new GetRecordsCommand({ ShardIterator: await iteratorOf(put.ShardId!) }));
    assert.ok(child.Records?.some((r) => Buffer.from(r.Data!).toString() === 'after'));
  });

  it('a closed shard whose log the sweeper dropped under a request reads as gone, not as a failure', async () => {
    // The sweeper marks the shard, then drops its log; a call that loaded the stream before the
    // mark finds no log. Dropping the log alone (no mark, clock unchanged) is that moment.
    const other = randomName('race');
    await client.send(new CreateStreamCommand({ StreamName: other, ShardCount: 1 }));
    const iterator = async () =>
      (
        await client.send(
          new GetShardIteratorCommand({
            StreamName: other,
            ShardId: PARENT,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
      ).ShardIterator!;
    const oldIterator = await waitFor(async () => iterator().catch(() => undefined));
    // A record before the split, so the old iterator has something to read and reaches the log.
    await client.send(new PutRecordCommand({ StreamName: other, PartitionKey: 'a', Data: Buffer.from('x') }));
    await client.send(
      new SplitShardCommand({
        StreamName: other,
        ShardToSplit: PARENT,
        NewStartingHashKey: String(1n << 127n),
      }),
    );
    await waitFor(async () =>
      (await services().streams.all(Date.now())).find((s: StreamMeta) => s.name === other)?.shards.length ===
      3
        ? true
        : undefined,
    );
    const meta = (await services().streams.all(Date.now())).find((s: StreamMeta) => s.name === other)!;
    await services().engine.logs.drop(logIdOf(meta, 0));
    const page = await client.send(new GetRecordsCommand({ ShardIterator: oldIterator }));
    assert.deepEqual(page.Records, []);
    assert.equal(page.NextShardIterator, undefined);
    assert.equal(page.ChildShards?.length, 2);
    await assert.rejects(iterator(), (err: Error) => {
      assert.equal(err.name, 'ResourceNotFoundException');
      assert.equal(err.message, `Shard ${PARENT} in stream ${other} under account ${ACCOUNT} does not exist`);
      return true;
    });
  });
});
