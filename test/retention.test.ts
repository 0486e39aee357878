// Retention with a shortened clock: the record path's retention clock is shifted forward through
// the test hook in services.state, so records written a second ago count as a day old.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  PutRecordsCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-kinesis';
import { logIdOf, type StreamMeta } from '../src/domain/stream-model.js';
import { STATE_RETENTION_CLOCK_OFFSET } from '../src/operations/record-path.js';
import { type RetentionSweeper, STATE_RETENTION_SWEEPER } from '../src/operations/retention-sweeper.js';
import { kinesis, randomName, startTestServer, type TestServer, waitFor } from './helpers.js';

const DAY_MS = 24 * 3_600_000;

describe('retention', {
  skip: process.env.SHARDLINE_ENDPOINT ? 'needs the in-process clock hook' : false,
}, () => {
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

  const state = () => server.server!.services.state;
  const setClockOffset = (ms: number) => state().set(STATE_RETENTION_CLOCK_OFFSET, ms);

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
      const sweeper = state().get(STATE_RETENTION_SWEEPER) as RetentionSweeper;
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
