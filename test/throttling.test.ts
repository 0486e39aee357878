// Per-shard throughput limits under `--limits aws` (token buckets): writes 1 MiB/s and 1,000
// records/s, GetRecords 5 calls/s and 2 MiB/s with the 10 MiB penalty, GetShardIterator 5/s;
// AWS's messages; SDK retries getting through; `--limits off` and bigger self-hosted shards;
// control-plane call rates under `--control-plane-limits on`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  DescribeLimitsCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import {
  ACCOUNT,
  kinesis,
  needsInProcess,
  REGION,
  randomName,
  rawRequest,
  startTestServer,
  type TestServer,
  waitFor,
} from './helpers.js';

const MIB = 1024 * 1024;
const SHARD0 = 'shardId-000000000000';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rate = (name: string, shard = SHARD0) =>
  `Rate exceeded for shard ${shard} in stream ${name} under account ${ACCOUNT}.`;

async function oneShardStream(client: KinesisClient): Promise<string> {
  const name = randomName('throttle');
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  await waitFor(async () => {
    const d = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    return d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE' ? true : undefined;
  });
  return name;
}

/** Offers `mbPerSec` to one shard for `seconds` in PutRecords of 100 × 10 kB; returns accepted/throttled bytes. */
async function offer(client: KinesisClient, name: string, mbPerSec: number, seconds: number) {
  const record = Buffer.alloc(10_000, 1);
  const perRequest = 100;
  const intervalMs = (perRequest * record.length * 1000) / (mbPerSec * 1e6);
  let accepted = 0;
  let throttled = 0;
  const messages = new Set<string>();
  const started = Date.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; Date.now() - started < seconds * 1000; i++) {
    sends.push(
      client
        .send(
          new PutRecordsCommand({
            StreamName: name,
            Records: Array.from({ length: perRequest }, (_, k) => ({ PartitionKey: `k${k}`, Data: record })),
          }),
        )
        .then((res) => {
          for (const r of res.Records ?? []) {
            if (r.ErrorCode === undefined) accepted += record.length + 2;
            else {
              assert.equal(r.ErrorCode, 'ProvisionedThroughputExceededException');
              messages.add(r.ErrorMessage!);
              throttled += record.length + 2;
            }
          }
        }),
    );
    await sleep(Math.max(0, started + (i + 1) * intervalMs - Date.now()));
  }
  await Promise.all(sends);
  return { accepted, throttled, messages, seconds: (Date.now() - started) / 1000 };
}

/**
 * Makes calls one after another until one is refused with AWS's rate message; how many got through
 * depends on how fast this host makes them, so the caller bounds the count by the time they took.
 */
async function callsUntilRefused(
  call: () => Promise<unknown>,
  name: string,
): Promise<{ ok: number; elapsed: number }> {
  const started = Date.now();
  for (let ok = 0; ok < 100; ok++) {
    const refused = await call().then(
      () => undefined,
      (err: Error) => err,
    );
    if (refused === undefined) continue;
    assert.equal(refused.name, 'ProvisionedThroughputExceededException', refused.message);
    assert.equal(refused.message, rate(name));
    return { ok, elapsed: Date.now() - started };
  }
  assert.fail('100 calls in a row got through');
}

describe('throughput limits (--limits aws)', { skip: needsInProcess('flags', '--limits aws') }, () => {
  let server: TestServer;
  let client: KinesisClient;
  before(async () => {
    server = await startTestServer({ limits: 'aws' });
    client = kinesis(server.endpoint);
  });
  after(async () => {
    client.destroy();
    await server.close();
  });

  it('one shard offered ~3 MB/s accepts about 1 MiB/s (plus a 1 s burst) and throttles the rest, per entry', async () => {
    const name = await oneShardStream(client);
    const { accepted, throttled, messages, seconds } = await offer(client, name, 3, 3);
    const expected = MIB * (seconds + 1);
    assert.ok(accepted <= expected * 1.05, `accepted ${accepted} > ${expected}`);
    assert.ok(accepted >= expected * 0.75, `accepted only ${accepted} of ~${expected}`);
    assert.ok(throttled > accepted, `throttled ${throttled}`);
    assert.deepEqual([...messages], [rate(name)]);
  });

  it('PutRecord fails whole with ProvisionedThroughputExceededException; 1,000 records/s per shard', async () => {
    const name = await oneShardStream(client);
    const started = Date.now();
    const batch = () =>
      client.send(
        new PutRecordsCommand({
          StreamName: name,
          Records: Array.from({ length: 500 }, (_, k) => ({ PartitionKey: `k${k}`, Data: Buffer.from('x') })),
        }),
      );
    const results = await Promise.all([batch(), batch(), batch()]);
    const elapsed = Date.now() - started;
    const ok = results.reduce((n, r) => n + 500 - (r.FailedRecordCount ?? 0), 0);
    // 1,000 records of burst plus ~1 per ms while the requests ran.
    assert.ok(ok >= 1000 && ok <= 1000 + elapsed + 10, `${ok} records accepted in ${elapsed} ms`);
    await sleep(1_100);
    await assert.rejects(
      client
        .send(new PutRecordCommand({ StreamName: name, PartitionKey: 'a', Data: Buffer.alloc(600_000) }))
        .then(() =>
          client.send(
            new PutRecordCommand({ StreamName: name, PartitionKey: 'a', Data: Buffer.alloc(600_000) }),
          ),
        ),
      (err: Error) => err.name === 'ProvisionedThroughputExceededException' && err.message === rate(name),
    );
  });

  it("the SDK's retries get 3 MB offered at once through a 1 MiB/s shard", async () => {
    const name = await oneShardStream(client);
    const retrying = new KinesisClient({
      endpoint: server.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 25,
    });
    try {
      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          retrying.send(
            new PutRecordCommand({ StreamName: name, PartitionKey: `k${i}`, Data: Buffer.alloc(250_000, i) }),
          ),
        ),
      );
      const elapsed = Date.now() - started;
      assert.equal(results.length, 12);
      assert.ok(results.every((r) => r.SequenceNumber));
      const retried = results.filter((r) => (r.$metadata.attempts ?? 1) > 1).length;
      assert.ok(retried >= 6, `${retried} calls needed retries`);
      assert.ok(elapsed >= 1500, `3 MB went through in ${elapsed} ms`);
    } finally {
      retrying.destroy();
    }
  });

  it('GetShardIterator: 5 calls/s per shard', async () => {
    const name = await oneShardStream(client);
    const get = () =>
      client.send(
        new GetShardIteratorCommand({ StreamName: name, ShardId: SHARD0, ShardIteratorType: 'LATEST' }),
      );
    const { ok, elapsed } = await callsUntilRefused(get, name);
    // A full bucket of 5 refilled at 5/s: exactly 5 when the calls come within 200 ms, one more per
    // 200 ms a busy host takes.
    assert.ok(
      ok >= 5 && ok <= 5 + Math.floor(elapsed / 200),
      `${ok} calls before a refusal in ${elapsed} ms`,
    );
    await sleep(250);
    await get();
  });

  it('GetRecords: 5 calls/s per shard; a throttled call returns no data', async () => {
    const name = await oneShardStream(client);
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({ StreamName: name, ShardId: SHARD0, ShardIteratorType: 'LATEST' }),
    );
    const { ok, elapsed } = await callsUntilRefused(
      () => client.send(new GetRecordsCommand({ ShardIterator })),
      name,
    );
    assert.ok(
      ok >= 5 && ok <= 5 + Math.floor(elapsed / 200),
      `${ok} calls before a refusal in ${elapsed} ms`,
    );
  });
});

describe('self-hosted capacities and --limits off', () => {
  it('a 10 MiB read blocks further reads of the shard for ~4 s (2 MiB/s read budget), big shards write fast', {
    skip: needsInProcess(
      'flags',
      '--limits aws --shard-write-bytes-per-sec 67108864 --shard-write-records-per-sec 100000',
    ),
  }, async () => {
    const server = await startTestServer({
      limits: 'aws',
      shardWriteBytesPerSec: 64 * MIB,
      shardWriteRecordsPerSec: 100_000,
    });
    const client = kinesis(server.endpoint);
    try {
      const name = await oneShardStream(client);
      const record = Buffer.alloc(100_000, 7);
      for (let i = 0; i < 11; i++) {
        const res = await client.send(
          new PutRecordsCommand({
            StreamName: name,
            Records: Array.from({ length: 10 }, (_, k) => ({ PartitionKey: `k${k}`, Data: record })),
          }),
        );
        assert.equal(res.FailedRecordCount, 0, 'a 64 MiB/s shard takes 11 MB at once');
      }
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({ StreamName: name, ShardId: SHARD0, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      const big = await client.send(new GetRecordsCommand({ ShardIterator }));
      assert.ok((big.Records?.length ?? 0) >= 100, `${big.Records?.length} records`);
      const readAt = Date.now();
      await assert.rejects(client.send(new GetRecordsCommand({ ShardIterator: big.NextShardIterator })), {
        name: 'ProvisionedThroughputExceededException',
      });
      await sleep(Math.max(0, readAt + 3_000 - Date.now()));
      await assert.rejects(client.send(new GetRecordsCommand({ ShardIterator: big.NextShardIterator })), {
        name: 'ProvisionedThroughputExceededException',
      });
      await sleep(Math.max(0, readAt + 5_200 - Date.now()));
      const next = await client.send(new GetRecordsCommand({ ShardIterator: big.NextShardIterator }));
      assert.ok((next.Records?.length ?? 0) > 0);
    } finally {
      client.destroy();
      await server.close();
    }
  });

  it('--limits off lifts every limit', async () => {
    const server = await startTestServer({ limits: 'off' });
    const client = kinesis(server.endpoint);
    try {
      const name = await oneShardStream(client);
      const { accepted, throttled } = await offer(client, name, 3, 1.5);
      assert.equal(throttled, 0);
      assert.ok(accepted > 3 * MIB);
      for (let i = 0; i < 20; i++)
        await client.send(
          new GetShardIteratorCommand({ StreamName: name, ShardId: SHARD0, ShardIteratorType: 'LATEST' }),
        );
    } finally {
      client.destroy();
      await server.close();
    }
  });
});

describe('control-plane rates (--control-plane-limits on)', {
  skip: needsInProcess('flags', '--control-plane-limits on'),
}, () => {
  let server: TestServer;
  let client: KinesisClient;

  before(async () => {
    server = await startTestServer({ controlPlaneLimits: true });
    client = kinesis(server.endpoint);
  });
  after(async () => {
    client.destroy();
    await server.close();
  });

  it('answers LimitExceededException above AWS’s documented rate, and recovers', async () => {
    await client.send(new DescribeLimitsCommand({}));
    await assert.rejects(client.send(new DescribeLimitsCommand({})), (err: Error) => {
      assert.equal(err.name, 'LimitExceededException');
      assert.equal(err.message, `Rate exceeded for DescribeLimits under account ${ACCOUNT}.`);
      return true;
    });
    await sleep(1100);
    await client.send(new DescribeLimitsCommand({}));
  });

  it('names the stream when the call has one', async () => {
    const res = await Promise.all(
      Array.from({ length: 12 }, () =>
        rawRequest(server.endpoint, 'DescribeStream', { StreamName: 'nope' }).then((r) => r.json),
      ),
    );
    const limited = res.filter((b) => b?.__type === 'LimitExceededException');
    assert.ok(limited.length >= 1, 'more than 10 calls in a burst are limited');
    assert.equal(limited[0]?.message, `Rate exceeded for stream nope under account ${ACCOUNT}.`);
  });
});
