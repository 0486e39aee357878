// put→receive latency through SubscribeToShard (enhanced fan-out). Standalone for now:
//   node dist/bench/subscribe-latency.js [--endpoint http://127.0.0.1:4567] [--rate 1000]
//     [--shards 4] [--consumers 2] [--seconds 10] [--record-bytes 100]
// Without --endpoint it starts Shardline in-process (memory storage, limits off) on a random port.
// One producer sends PutRecord at a fixed rate over HTTP/2; every consumer subscribes to every
// shard over raw HTTP/2; each payload carries its send time and a sequence number, so each
// consumer measures latency, losses and duplicates. Prints one JSON object.
//
// `npm run bench` runs it as the subscribe-to-shard-latency workload (bench/subscribe-to-shard.ts).
// Production stops once the window has passed, so a slow server reports a lower achieved rate
// instead of stretching the run; lost = acknowledged but never delivered within 5 s after.
import { randomBytes } from 'node:crypto';
import http2 from 'node:http2';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { MessageSplitter } from '../src/aws/protocols/event-stream.js';

const MAGIC = 0x6b626e63;
const HEADER_BYTES = 16;
const ESTABLISH_WAIT_MS = 10_000;
const PRODUCE_OVERRUN_MS = 1_000;
const INFLIGHT_WAIT_MS = 30_000;
export const AUTH =
  'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLEBENCH/20260101/us-east-1/kinesis/aws4_request, ' +
  'SignedHeaders=host;x-amz-date, Signature=0';

interface Options {
  readonly endpoint: string;
  readonly rate: number;
  readonly shards: number;
  readonly consumers: number;
  readonly seconds: number;
  readonly recordBytes: number;
}

export function call(
  session: http2.ClientHttp2Session,
  op: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = session.request({
      ':method': 'POST',
      ':path': '/',
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `Kinesis_20131202.${op}`,
      'x-amz-date': '20260101T000000Z',
      authorization: AUTH,
    });
    const chunks: Buffer[] = [];
    let status = 0;
    req.on('response', (h) => {
      status = Number(h[':status']);
    });
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      if (status !== 200) reject(new Error(`${op}: ${status} ${text}`));
      else resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {});
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export async function runSubscribeLatency(o: Options): Promise<Record<string, unknown>> {
  const session = http2.connect(o.endpoint);
  session.on('error', () => undefined);
  const name = `bench-efo-${randomBytes(4).toString('hex')}`;
  await call(session, 'CreateStream', { StreamName: name, ShardCount: o.shards });
  for (;;) {
    const d = (await call(session, 'DescribeStreamSummary', { StreamName: name })) as {
      StreamDescriptionSummary: { StreamStatus: string; StreamARN: string };
    };
    if (d.StreamDescriptionSummary.StreamStatus === 'ACTIVE') break;
    await sleep(50);
  }
  const streamArn = `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`;
  const consumerArns: string[] = [];
  for (let c = 0; c < o.consumers; c++) {
    const r = (await call(session, 'RegisterStreamConsumer', {
      StreamARN: streamArn,
      ConsumerName: `c${c}`,
    })) as {
      Consumer: { ConsumerARN: string };
    };
    consumerArns.push(r.Consumer.ConsumerARN);
  }
  for (;;) {
    const l = (await call(session, 'ListStreamConsumers', { StreamARN: streamArn })) as {
      Consumers: { ConsumerStatus: string }[];
    };
    if (l.Consumers.every((c) => c.ConsumerStatus === 'ACTIVE')) break;
    await sleep(50);
  }

  const total = Math.floor(o.rate * o.seconds);
  const perConsumer = consumerArns.map(() => ({ seen: new Uint8Array(total), received: 0, duplicates: 0 }));
  const latencies: number[] = [];
  const subs: http2.ClientHttp2Stream[] = [];
  const established: Promise<void>[] = [];
  // One HTTP/2 connection per consumer, as separate applications would have.
  const consumerSessions = consumerArns.map(() => http2.connect(o.endpoint));
  for (const [ci, arn] of consumerArns.entries()) {
    for (let s = 0; s < o.shards; s++) {
      const cs = consumerSessions[ci] as http2.ClientHttp2Session;
      cs.on('error', () => undefined);
      const req = cs.request({
        ':method': 'POST',
        ':path': '/',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.SubscribeToShard',
        'x-amz-date': '20260101T000000Z',
        authorization: AUTH,
      });
      req.on('error', () => undefined);
      req.end(
        JSON.stringify({
          ConsumerARN: arn,
          ShardId: `shardId-${String(s).padStart(12, '0')}`,
          StartingPosition: { Type: 'LATEST' },
        }),
      );
      const splitter = new MessageSplitter();
      let onFirst: () => void = () => undefined;
      established.push(
        new Promise<void>((resolve) => {
          onFirst = resolve;
        }),
      );
      const tally = perConsumer[ci] as (typeof perConsumer)[number];
      req.on('data', (chunk: Buffer) => {
        const now = performance.now();
        onFirst();
        for (const m of splitter.push(chunk)) {
          if (m.headers[':event-type']?.value !== 'SubscribeToShardEvent') continue;
          const p = JSON.parse(m.payload.toString()) as { Records: { Data: string }[] };
          for (const r of p.Records) {
            const data = Buffer.from(r.Data, 'base64');
            if (data.length < HEADER_BYTES || data.readUInt32LE(12) !== MAGIC) continue;
            const seq = data.readUInt32LE(8);
            if (tally.seen[seq]) tally.duplicates++;
            else {
              tally.seen[seq] = 1;
              tally.received++;
              latencies.push(now - data.readDoubleLE(0));
            }
          }
        }
      });
      subs.push(req);
    }
  }
  // Every subscription has its initial-response before producing (LATEST), within a bound.
  await Promise.race([Promise.all(established), sleep(ESTABLISH_WAIT_MS)]);
  await sleep(50);

  const filler = randomBytes(Math.max(o.recordBytes, HEADER_BYTES));
  const producer = http2.connect(o.endpoint);
  producer.on('error', () => undefined);
  let putOk = 0;
  let inflight = 0;
  const ackLatencies: number[] = [];
  const tStart = performance.now();
  const interval = 1000 / o.rate;
  // A server too slow for the rate does not stretch the run: production stops after the window.
  const stopAt = tStart + o.seconds * 1000 + PRODUCE_OVERRUN_MS;
  for (let seq = 0; seq < total && performance.now() < stopAt; ) {
    const due = Math.min(total, Math.floor((performance.now() - tStart) / interval) + 1);
    while (seq < due && inflight < 256) {
      const payload = Buffer.from(filler);
      payload.writeDoubleLE(performance.now(), 0);
      payload.writeUInt32LE(seq, 8);
      payload.writeUInt32LE(MAGIC, 12);
      inflight++;
      seq++;
      const sentAt = performance.now();
      call(producer, 'PutRecord', {
        StreamName: name,
        PartitionKey: randomBytes(8).toString('hex'),
        Data: payload.toString('base64'),
      })
        .then(() => {
          putOk++;
          ackLatencies.push(performance.now() - sentAt);
        })
        .catch(() => undefined)
        .finally(() => inflight--);
    }
    await sleep(Math.max(1, tStart + seq * interval - performance.now()));
  }
  const inflightDeadline = performance.now() + INFLIGHT_WAIT_MS;
  while (inflight > 0 && performance.now() < inflightDeadline) await sleep(2);
  const producedS = (performance.now() - tStart) / 1000;
  const deadline = performance.now() + 5_000;
  while (perConsumer.some((t) => t.received < putOk) && performance.now() < deadline) await sleep(20);

  for (const s of subs) s.close();
  for (const cs of consumerSessions) cs.close();
  await call(session, 'DeleteStream', { StreamName: name, EnforceConsumerDeletion: true }).catch(
    () => undefined,
  );
  producer.close();
  session.close();
  latencies.sort((a, b) => a - b);
  ackLatencies.sort((a, b) => a - b);
  const r2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
  return {
    scenario: 'subscribe-to-shard-latency',
    rate: o.rate,
    achievedRate: Math.round(putOk / producedS),
    shards: o.shards,
    consumers: o.consumers,
    putOk,
    deliveries: latencies.length,
    lostPerConsumer: perConsumer.map((t) => putOk - t.received),
    duplicates: perConsumer.reduce((n, t) => n + t.duplicates, 0),
    p50Ms: r2(percentile(latencies, 50)),
    p99Ms: r2(percentile(latencies, 99)),
    maxMs: r2(latencies.at(-1) ?? null),
    putAckP50Ms: r2(percentile(ackLatencies, 50)),
    putAckP99Ms: r2(percentile(ackLatencies, 99)),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string' },
      rate: { type: 'string', default: '1000' },
      shards: { type: 'string', default: '4' },
      consumers: { type: 'string', default: '2' },
      seconds: { type: 'string', default: '10' },
      'record-bytes': { type: 'string', default: '100' },
    },
  });
  let endpoint = values.endpoint;
  let stop: (() => Promise<void>) | undefined;
  if (!endpoint) {
    const { startServer } = await import('../src/app.js');
    const { defaultConfig } = await import('../src/core/config.js');
    const { openEngine } = await import('../src/storage/open-engine.js');
    const config = {
      ...defaultConfig,
      port: 0,
      storage: 'memory' as const,
      limits: 'off' as const,
      stateDelayMs: 0,
    };
    const engine = await openEngine({ kind: 'memory', dataDir: '', durability: 'none' });
    const server = await startServer(config, engine);
    endpoint = server.endpoint;
    stop = () => server.close();
  }
  const url = new URL(endpoint);
  if (url.hostname !== '127.0.0.1' && url.hostname !== '[::1]') throw new Error('loopback endpoints only');
  const result = await runSubscribeLatency({
    endpoint,
    rate: Number(values.rate),
    shards: Number(values.shards),
    consumers: Number(values.consumers),
    seconds: Number(values.seconds),
    recordBytes: Number(values['record-bytes']),
  });
  console.log(JSON.stringify(result, null, 2));
  await stop?.();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
