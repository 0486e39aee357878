// Metrics end to end: real SDK traffic, then /metrics (Prometheus text), /metrics.json (series,
// shard series gated by enhanced monitoring, hot keys), /health and /ready.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  EnableEnhancedMonitoringCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { kinesis, needsInProcess, randomName, startTestServer, type TestServer, waitFor } from './helpers.js';

interface StreamJson {
  metrics: Record<string, (number | null)[]>;
  shards: Record<string, Record<string, (number | null)[]>>;
  hotKeys: Record<string, { key: string; count: number; share: number }[]>;
  enhancedMonitoring: string[];
  rates: { incomingRecordsPerSec: number } | undefined;
  step: number;
  points: number;
}

const sum = (xs: (number | null)[] | undefined) => (xs ?? []).reduce<number>((a, b) => a + (b ?? 0), 0);

/** The value of one Prometheus sample, by metric name and a label substring. */
function sample(text: string, name: string, labels: string): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) || !line.includes(labels)) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('metrics', () => {
  let t: TestServer;
  let client: KinesisClient;
  const name = randomName('metrics');
  const stream = `stream="${name}"`;

  before(async () => {
    t = await startTestServer({ shardWriteRecordsPerSec: 50 });
    client = kinesis(t.endpoint);
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }));
    await waitFor(async () => ((await fetch(`${t.endpoint}/ready`)).status === 200 ? true : undefined));
  });
  after(async () => {
    client.destroy();
    await t.close();
  });

  it('serves liveness and readiness', async () => {
    const health = await fetch(`${t.endpoint}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`${t.endpoint}/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready' });
  });

  it('counts puts, reads and throttles in Prometheus text', {
    skip: needsInProcess('flags', '--limits aws --shard-write-records-per-sec 50'),
  }, async () => {
    const data = Buffer.alloc(100, 7);
    // 120 records on one key (one shard) with a 50 records/s shard: some are throttled.
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: name,
        Records: Array.from({ length: 120 }, (_, i) => ({
          Data: data,
          PartitionKey: i < 100 ? 'hot' : `k${i}`,
        })),
      }),
    );
    const ok = 120 - (out.FailedRecordCount ?? 0);
    assert.ok((out.FailedRecordCount ?? 0) > 0, 'expected throttled entries');
    const one = await client.send(
      new PutRecordCommand({ StreamName: name, Data: data, PartitionKey: 'single' }),
    );
    assert.ok(one.SequenceNumber);
    const it0 = await client.send(
      new GetShardIteratorCommand({
        StreamName: name,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const it1 = await client.send(
      new GetShardIteratorCommand({
        StreamName: name,
        ShardId: 'shardId-000000000001',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    let read = 0;
    for (const it of [it0.ShardIterator, it1.ShardIterator])
      read += (await client.send(new GetRecordsCommand({ ShardIterator: it }))).Records?.length ?? 0;
    assert.equal(read, ok + 1);

    const res = await fetch(`${t.endpoint}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /# TYPE shardline_incoming_records_total counter/);
    const keyBytes = (k: string) => Buffer.byteLength(k);
    assert.equal(sample(text, 'shardline_incoming_records_total', stream), ok + 1);
    assert.equal(sample(text, 'shardline_put_records_total_records_total', stream), 120);
    assert.equal(sample(text, 'shardline_put_records_successful_records_total', stream), ok);
    assert.equal(sample(text, 'shardline_put_records_throttled_records_total', stream), 120 - ok);
    assert.equal(sample(text, 'shardline_write_provisioned_throughput_exceeded_total', stream), 120 - ok);
    assert.equal(sample(text, 'shardline_put_record_success_total', stream), 1);
    assert.equal(sample(text, 'shardline_put_record_bytes_total', stream), 100 + keyBytes('single'));
    assert.equal(sample(text, 'shardline_get_records_records_total', stream), ok + 1);
    assert.equal(sample(text, 'shardline_get_records_success_total', stream), 2);
    assert.equal(sample(text, 'shardline_put_records_latency_seconds_count', stream), 1);
    assert.equal(
      sample(
        text,
        'shardline_put_records_latency_seconds_bucket',
        `${stream},account="000000000000",region="us-east-1",le="+Inf"`,
      ),
      1,
    );
    // Shard-level series are published only once enhanced monitoring enables them.
    assert.doesNotMatch(text, /shardline_shard_incoming_records_total\{/);
  });

  it('publishes enabled shard-level metrics, series and hot keys', async () => {
    // Let the 1-second tick close the previous test's second (its shards had no series then).
    await new Promise((r) => setTimeout(r, 1_100));
    await client.send(
      new EnableEnhancedMonitoringCommand({
        StreamName: name,
        ShardLevelMetrics: ['IncomingRecords', 'OutgoingRecords'],
      }),
    );
    const data = Buffer.alloc(10);
    const put = await client.send(
      new PutRecordsCommand({
        StreamName: name,
        Records: Array.from({ length: 40 }, (_, i) => ({
          Data: data,
          PartitionKey: i % 4 === 0 ? 'other' : 'hot',
        })),
      }),
    );
    const text = await (await fetch(`${t.endpoint}/metrics`)).text();
    assert.match(
      text,
      /shardline_shard_incoming_records_total\{stream="[^"]+",account="000000000000",region="us-east-1",shard_id="shardId-00000000000[01]"\} \d+/,
    );
    assert.doesNotMatch(text, /shardline_shard_incoming_bytes_total\{/, 'IncomingBytes is not enabled');

    // After the 1-second tick the series and hot keys show it.
    const body = await waitFor(
      async () => {
        const j = (await (await fetch(`${t.endpoint}/metrics.json?stream=${name}`)).json()) as StreamJson;
        return Object.keys(j.shards).length > 0 ? j : undefined;
      },
      5_000,
      200,
    );
    assert.equal(body.step, 1);
    assert.equal(body.points, 600);
    assert.ok(sum(body.metrics.IncomingRecords) >= 40);
    assert.deepEqual(body.enhancedMonitoring, ['IncomingRecords', 'OutgoingRecords']);
    const shardSeries = Object.values(body.shards);
    assert.ok(shardSeries.every((s) => 'IncomingRecords' in s && !('IncomingBytes' in s)));
    assert.equal(sum(shardSeries.flatMap((s) => s.IncomingRecords ?? [])), 40 - (put.FailedRecordCount ?? 0));
    const top = Object.values(body.hotKeys)
      .flat()
      .sort((a, b) => b.count - a.count)[0];
    assert.equal(top?.key, 'hot');
    const minutes = (await (
      await fetch(`${t.endpoint}/metrics.json?stream=${name}&resolution=1m`)
    ).json()) as StreamJson;
    assert.equal(minutes.step, 60);
    assert.equal(minutes.points, 60);
    const summary = (await (await fetch(`${t.endpoint}/metrics.json`)).json()) as {
      streams: { name: string }[];
    };
    assert.ok(summary.streams.some((s) => s.name === name));
  });

  it('answers an unknown stream with empty series', async () => {
    const j = (await (await fetch(`${t.endpoint}/metrics.json?stream=nope`)).json()) as StreamJson;
    assert.equal(sum(j.metrics.IncomingRecords), 0);
  });
});

describe('metrics off', { skip: needsInProcess('flags', '--metrics off') }, () => {
  it('answers /metrics with 404 and counts nothing', async () => {
    const t = await startTestServer({ metrics: false });
    try {
      const res = await fetch(`${t.endpoint}/metrics`);
      assert.equal(res.status, 404);
      await res.text();
      const j = (await (await fetch(`${t.endpoint}/metrics.json`)).json()) as { enabled: boolean };
      assert.equal(j.enabled, false);
    } finally {
      await t.close();
    }
  });
});
