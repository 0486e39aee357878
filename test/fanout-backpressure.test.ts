// SubscribeToShard over a raw HTTP/2 client: the exact message sequence (initial-response first),
// a client that half-closes its side right after the request (as the JS SDK does) keeps being
// served, and a stalled client never makes the server buffer without bound: it falls behind
// (MillisBehindLatest > 0 once it reads again) and still gets every record in order.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  CreateStreamCommand,
  type KinesisClient,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
} from '@aws-sdk/client-kinesis';
import { type Message, MessageSplitter } from '../src/aws/protocols/event-stream.js';
import { ACCOUNT, kinesis, REGION, randomName, startTestServer, type TestServer } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const headerValue = (m: Message, name: string): unknown => m.headers[name]?.value;

interface RawSubscription {
  readonly stream: http2.ClientHttp2Stream;
  readonly status: Promise<number>;
  /** Messages decoded so far (only while the stream is read). */
  readonly messages: Message[];
  close(): void;
}

function rawSubscribe(endpoint: string, body: unknown): RawSubscription {
  const session = http2.connect(endpoint);
  session.on('error', () => undefined);
  const stream = session.request({
    ':method': 'POST',
    ':path': '/',
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'Kinesis_20131202.SubscribeToShard',
    'x-amz-date': '20260101T000000Z',
    authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/${REGION}/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc`,
  });
  stream.on('error', () => undefined);
  // Send the body and half-close our side at once (END_STREAM), like the JS SDK.
  stream.end(JSON.stringify(body));
  const messages: Message[] = [];
  const splitter = new MessageSplitter();
  stream.on('data', (chunk: Buffer) => messages.push(...splitter.push(chunk)));
  const status = new Promise<number>((resolve) =>
    stream.once('response', (h) => resolve(Number(h[':status']))),
  );
  return {
    stream,
    status,
    messages,
    close: () => {
      stream.close();
      session.close();
    },
  };
}

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const memory = (): number => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

describe('SubscribeToShard over raw HTTP/2', () => {
  let server: TestServer;
  let client: KinesisClient;

  before(async () => {
    // Unlimited throughput, so only back-pressure can slow the session down.
    server = await startTestServer({ limits: 'off' });
    client = kinesis(server.endpoint);
  });
  after(async () => {
    client.destroy();
    await server.close();
  });

  async function setup(): Promise<{ name: string; consumerArn: string }> {
    const name = randomName('bp');
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    const arn = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`;
    const reg = await client.send(new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: 'raw' }));
    return { name, consumerArn: reg.Consumer!.ConsumerARN! };
  }

  it('initial-response first, then SubscribeToShardEvents pushed to a half-closed client', async () => {
    const { name, consumerArn } = await setup();
    const sub = rawSubscribe(server.endpoint, {
      ConsumerARN: consumerArn,
      ShardId: 'shardId-000000000000',
      StartingPosition: { Type: 'LATEST' },
    });
    try {
      assert.equal(await sub.status, 200);
      await until(() => sub.messages.length >= 1);
      const first = sub.messages[0]!;
      assert.equal(headerValue(first, ':message-type'), 'event');
      assert.equal(headerValue(first, ':event-type'), 'initial-response');
      assert.equal(first.payload.toString(), '{}');
      await client.send(
        new PutRecordsCommand({
          StreamName: name,
          Records: [{ PartitionKey: 'k', Data: Buffer.from('pushed') }],
        }),
      );
      await until(() => sub.messages.length >= 2);
      const event = sub.messages[1]!;
      assert.equal(headerValue(event, ':event-type'), 'SubscribeToShardEvent');
      assert.equal(headerValue(event, ':content-type'), 'application/x-amz-json-1.1');
      const payload = JSON.parse(event.payload.toString());
      assert.deepEqual(Object.keys(payload), ['Records', 'ContinuationSequenceNumber', 'MillisBehindLatest']);
      assert.equal(Buffer.from(payload.Records[0].Data, 'base64').toString(), 'pushed');
      // AWS's continuation is a distinct position after the last record, not its number.
      assert.notEqual(payload.ContinuationSequenceNumber, payload.Records[0].SequenceNumber);
      assert.ok(BigInt(payload.ContinuationSequenceNumber) > BigInt(payload.Records[0].SequenceNumber));
      assert.equal(payload.MillisBehindLatest, 0);
      assert.deepEqual(Object.keys(payload.Records[0]), [
        'SequenceNumber',
        'ApproximateArrivalTimestamp',
        'Data',
        'PartitionKey',
      ]);
    } finally {
      sub.close();
    }
  });

  it('a stalled consumer costs bounded memory, falls behind, then catches up without loss', async () => {
    const { name, consumerArn } = await setup();
    const sub = rawSubscribe(server.endpoint, {
      ConsumerARN: consumerArn,
      ShardId: 'shardId-000000000000',
      StartingPosition: { Type: 'TRIM_HORIZON' },
    });
    try {
      assert.equal(await sub.status, 200);
      await until(() => sub.messages.length >= 1);
      sub.stream.pause(); // stop reading: HTTP/2 flow control stops the server
      const baseline = memory();
      const recordBytes = 256 * 1024;
      const perCall = 16; // 4 MiB per PutRecords
      const calls = 32; // 128 MiB in all
      const payload = Buffer.alloc(recordBytes, 0x61);
      for (let c = 0; c < calls; c++) {
        const records = Array.from({ length: perCall }, (_, i) => {
          const data = Buffer.from(payload);
          data.writeUInt32BE(c * perCall + i, 0);
          return { PartitionKey: 'k', Data: data };
        });
        const r = await client.send(new PutRecordsCommand({ StreamName: name, Records: records }));
        assert.equal(r.FailedRecordCount ?? 0, 0);
      }
      await new Promise((r) => setTimeout(r, 300));
      const produced = calls * perCall * recordBytes;
      const growth = memory() - baseline;
      // The session holds one event (≤ 1 MiB of records) plus transport buffers; the log holds the
      // rest. The local engine's tail cache (32 MiB, engine-wide) may keep the newest batches.
      assert.ok(
        growth < 48 * 1024 * 1024,
        `memory grew ${(growth / 1048576).toFixed(1)} MiB for ${produced / 1048576} MiB produced`,
      );
      console.log(
        `stalled consumer: ${(growth / 1048576).toFixed(1)} MiB growth for ${produced / 1048576} MiB produced`,
      );

      // Resume: everything arrives, in order; the first events report the lag.
      sub.stream.resume();
      const expected = calls * perCall;
      const seen: number[] = [];
      let maxBehind = 0;
      await until(() => {
        while (sub.messages.length > 1) {
          const m = sub.messages.splice(1, 1)[0]!;
          const p = JSON.parse(m.payload.toString());
          maxBehind = Math.max(maxBehind, p.MillisBehindLatest);
          for (const r of p.Records) seen.push(Buffer.from(r.Data, 'base64').readUInt32BE(0));
        }
        return seen.length >= expected;
      }, 60_000);
      assert.deepEqual(
        seen,
        Array.from({ length: expected }, (_, i) => i),
      );
      assert.ok(maxBehind > 0, 'MillisBehindLatest showed the consumer falling behind');
    } finally {
      sub.close();
    }
  });
});
