// SubscribeToShard with boto3 (Debian python3-boto3): botocore reads the event stream from a
// chunked HTTP/1.1 response. Every record arrives in order across re-subscribes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CreateStreamCommand,
  type KinesisClient,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
} from '@aws-sdk/client-kinesis';
import {
  ACCOUNT,
  kinesis,
  needsInProcess,
  REGION,
  randomName,
  startTestServer,
  type TestServer,
} from './helpers.js';

const PYTHON = '/usr/bin/python3';
// dist/test/x.js → test/python/subscribe_boto3.py in the source tree.
const SCRIPT = fileURLToPath(new URL('../../test/python/subscribe_boto3.py', import.meta.url));

function runPython(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [SCRIPT, ...args], { timeout: 90_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

describe('SubscribeToShard via boto3 (HTTP/1.1)', {
  skip: !existsSync(PYTHON) && 'no /usr/bin/python3',
}, () => {
  let server: TestServer;
  let client: KinesisClient;

  before(async () => {
    // The shortened lifetime makes re-subscribes come faster than AWS's one call per second.
    server = await startTestServer({ limits: 'off' });
    client = kinesis(server.endpoint);
  });
  after(async () => {
    client.destroy();
    await server.close();
  });

  it('receives every record in order across re-subscribes with AFTER_SEQUENCE_NUMBER', {
    skip: needsInProcess('internals', 'the subscription lifetime hook'),
  }, async () => {
    assert.ok(server.server);
    server.server.services.hooks.subscriptionLifetimeMs = 800;
    const name = randomName('boto');
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    const arn = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`;
    const consumer = await client.send(
      new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: 'py' }),
    );
    const total = 300;
    // Half before the first subscription, half while boto3 is reading (and re-subscribing).
    const putBatch = (from: number) =>
      client.send(
        new PutRecordsCommand({
          StreamName: name,
          Records: Array.from({ length: 10 }, (_, j) => ({
            PartitionKey: 'k',
            Data: Buffer.from(`b${from + j}`),
          })),
        }),
      );
    for (let i = 0; i < total / 2; i += 10) await putBatch(i);
    const reader = runPython([
      server.endpoint,
      consumer.Consumer!.ConsumerARN!,
      'shardId-000000000000',
      String(total),
    ]);
    for (let i = total / 2; i < total; i += 10) {
      await putBatch(i);
      await new Promise((r) => setTimeout(r, 200));
    }
    const out = JSON.parse(await reader) as { records: string[]; subscriptions: number };
    assert.deepEqual(
      out.records,
      Array.from({ length: total }, (_, i) => `b${i}`),
    );
    assert.ok(out.subscriptions >= 2, `re-subscribed (${out.subscriptions} subscriptions)`);
  });
});
