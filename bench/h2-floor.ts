// The host's floor for the put→event latency target: a child process runs a node:http2 server
// that answers every request at once with a fixed PutRecord-shaped reply (no parsing, no storage),
// and this process drives it exactly as subscribe-latency's producer drives Shardline (one HTTP/2
// connection, open loop at --rate, 1 KiB records in JSON). No server can acknowledge a PutRecord
// faster than this on the same machine, and a SubscribeToShard event follows the acknowledgement.
//
//   node dist/bench/h2-floor.js [--rate 1000] [--seconds 8]
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { LatencyRecorder } from './stats.js';

const REPLY = JSON.stringify({ ShardId: 'shardId-000000000000', SequenceNumber: '4'.repeat(56) });
const INFLIGHT_MAX = 256;

function serve(): void {
  const server = http2.createServer();
  server.on('stream', (stream) => {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      stream.respond({ ':status': 200, 'content-type': 'application/x-amz-json-1.1' });
      stream.end(REPLY);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
  process.on('disconnect', () => process.exit(0));
}

async function startChild(): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(new URL(import.meta.url), ['--serve'], { stdio: 'inherit' });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve(Number(m)));
    child.once('exit', (code) => reject(new Error(`floor server exited (${code})`)));
  });
  return { child, port };
}

function put(session: http2.ClientHttp2Session, body: string): Promise<void> {
  return new Promise((resolve) => {
    const req = session.request({
      ':method': 'POST',
      ':path': '/',
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'Kinesis_20131202.PutRecord',
    });
    req.on('data', () => undefined);
    req.on('end', resolve);
    req.on('error', () => resolve());
    req.end(body);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: 'boolean', default: false },
      rate: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '8' },
    },
  });
  if (values.serve) return serve();
  const rate = Number(values.rate);
  const total = Math.floor(rate * Number(values.seconds));
  const { child, port } = await startChild();
  const session = http2.connect(`http://127.0.0.1:${port}`);
  const filler = randomBytes(1024);
  const latency = new LatencyRecorder();
  const pending: Promise<void>[] = [];
  let inflight = 0;
  const t0 = performance.now();
  for (let seq = 0; seq < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
    while (seq < due && inflight < INFLIGHT_MAX) {
      seq++;
      inflight++;
      const body = JSON.stringify({
        StreamName: 'floor',
        PartitionKey: randomBytes(8).toString('hex'),
        Data: filler.toString('base64'),
      });
      const sentAt = performance.now();
      pending.push(
        put(session, body).then(() => {
          inflight--;
          latency.add(performance.now() - sentAt);
        }),
      );
    }
    await new Promise((r) => setTimeout(r, Math.max(1, t0 + (seq * 1000) / rate - performance.now())));
  }
  await Promise.all(pending);
  session.close();
  child.disconnect();
  console.log(JSON.stringify({ rate, latencyMs: latency.summary() }));
}

await main();
