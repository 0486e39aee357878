// Enhanced fan-out throughput: pre-fill every shard (as get-records-drain does), then several
// registered consumers each subscribe to every shard from TRIM_HORIZON over raw HTTP/2 and read
// until they hold every pre-filled record; passes repeat for the duration. The headline is the
// aggregate payload delivered per second over all subscriptions (consumers × shards).
//
// Consumers alternate between two groups from pass to pass: a consumer re-subscribing to a shard
// within 5 s of its previous subscription's start is refused (ResourceInUseException) until the
// server has seen the previous one close, and alternating keeps that race out of the measurement.

import http2 from 'node:http2';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { MessageSplitter } from '../src/aws/protocols/event-stream.js';
import { prefill } from './get-records-drain.js';
import { benchLimits } from './limits.js';
import {
  base64DecodedLength,
  listOpenShards,
  round,
  type Scenario,
  type ScenarioEnv,
  withStream,
} from './scenario.js';
import { CpuWindow, Tally } from './stats.js';
import { AUTH } from './subscribe-latency.js';

/** Consumers reading at the same time (each subscribes to every shard). */
export const FANOUT_CONSUMERS = 4;
/** HTTP/2 flow-control windows of the consumers' connections (stream and connection). */
const WINDOW_BYTES = 8 * 1024 * 1024;
const DATA_KEY = Buffer.from('"Data":"');

interface ShardRead {
  records: number;
  bytes: number;
  events: number;
}

/** Counts records and payload bytes of one SubscribeToShardEvent payload without parsing it. */
function scanEvent(payload: Buffer): { records: number; bytes: number } {
  let records = 0;
  let bytes = 0;
  for (let i = payload.indexOf(DATA_KEY); i >= 0; i = payload.indexOf(DATA_KEY, i)) {
    const start = i + DATA_KEY.length;
    const end = payload.indexOf(0x22, start);
    if (end < 0) break;
    records++;
    bytes += base64DecodedLength(payload, start, end);
    i = end + 1;
  }
  return { records, bytes };
}

function connect(endpoint: string): http2.ClientHttp2Session {
  const session = http2.connect(endpoint, { settings: { initialWindowSize: WINDOW_BYTES } });
  session.on('error', () => undefined);
  session.once('connect', () => session.setLocalWindowSize(WINDOW_BYTES));
  return session;
}

/** Reads one shard through one subscription until `expect` records arrived (or the bound). */
function readShard(
  session: http2.ClientHttp2Session,
  consumerArn: string,
  shardId: string,
  expect: number,
  deadline: number,
  errors: Tally,
): Promise<ShardRead> {
  const got: ShardRead = { records: 0, bytes: 0, events: 0 };
  return new Promise((resolve) => {
    const req = session.request({
      ':method': 'POST',
      ':path': '/',
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'Kinesis_20131202.SubscribeToShard',
      'x-amz-date': '20260101T000000Z',
      authorization: AUTH,
    });
    const splitter = new MessageSplitter();
    let settled = false;
    const finish = (error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) errors.add(error);
      req.close();
      resolve(got);
    };
    const timer = setTimeout(() => finish('ShortRead'), Math.max(0, deadline - performance.now()));
    req.on('response', (h) => {
      if (Number(h[':status']) !== 200) finish(`SubscribeToShard:${h[':status']}`);
    });
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      try {
        for (const m of splitter.push(chunk)) {
          const type = m.headers[':message-type']?.value;
          if (type !== 'event') {
            finish(String(m.headers[':exception-type']?.value ?? 'ErrorMessage'));
            return;
          }
          if (m.headers[':event-type']?.value !== 'SubscribeToShardEvent') continue;
          const { records, bytes } = scanEvent(m.payload);
          got.events++;
          got.records += records;
          got.bytes += bytes;
        }
      } catch {
        finish('BadFrame');
        return;
      }
      if (got.records >= expect) finish();
    });
    req.on('end', () => finish(got.records >= expect ? undefined : 'StreamEnded'));
    req.on('error', () => finish('StreamError'));
    req.end(
      JSON.stringify({
        ConsumerARN: consumerArn,
        ShardId: shardId,
        StartingPosition: { Type: 'TRIM_HORIZON' },
      }),
    );
  });
}

async function registerConsumers(env: ScenarioEnv, stream: string, count: number): Promise<string[]> {
  const summary = await env.client.call<{ StreamDescriptionSummary: { StreamARN: string } }>(
    'DescribeStreamSummary',
    { StreamName: stream },
  );
  const streamArn = summary.StreamDescriptionSummary.StreamARN;
  const arns: string[] = [];
  for (let c = 0; c < count; c++) {
    const r = await env.client.call<{ Consumer: { ConsumerARN: string } }>('RegisterStreamConsumer', {
      StreamARN: streamArn,
      ConsumerName: `fanout-${c}`,
    });
    arns.push(r.Consumer.ConsumerARN);
  }
  const deadline = performance.now() + benchLimits.benchStreamActiveTimeoutMs;
  for (;;) {
    const l = await env.client.call<{ Consumers: { ConsumerStatus: string }[] }>('ListStreamConsumers', {
      StreamARN: streamArn,
    });
    if (l.Consumers.length >= count && l.Consumers.every((c) => c.ConsumerStatus === 'ACTIVE')) return arns;
    if (performance.now() > deadline)
      throw new Error(`consumers not ACTIVE after ${benchLimits.benchStreamActiveTimeoutMs} ms`);
    await sleep(50);
  }
}

export const fanoutThroughputScenario: Scenario = {
  id: 'fanout-throughput',
  title: `SubscribeToShard fan-out throughput (${FANOUT_CONSUMERS} consumers × every shard, TRIM_HORIZON)`,
  sockets: ({ shards }) => Math.max(shards, 4) + 2,
  requires: 'fanout',
  metrics: [
    { key: 'payloadMBps', label: 'aggregate delivered MB/s', better: 'higher' },
    { key: 'recordsPerSec', label: 'records/s delivered', better: 'higher' },
    { key: 'firstPassS', label: 'first pass s', better: 'lower' },
  ],
  run: (env) =>
    withStream(env, 'fanout', async (stream) => {
      const shards = (await listOpenShards(env, stream)).map((s) => ({
        ShardId: s.ShardId,
        start: s.HashKeyRange.StartingHashKey,
      }));
      const arns = await registerConsumers(env, stream, FANOUT_CONSUMERS * 2);
      const groups = [arns.slice(0, FANOUT_CONSUMERS), arns.slice(FANOUT_CONSUMERS)];
      const filled = await prefill(env, stream, shards);
      env.log(`prefill: ${filled.records} records in ${filled.seconds.toFixed(2)} s`);
      const sessions = Array.from({ length: FANOUT_CONSUMERS }, () => connect(env.endpoint));
      const errors = new Tally();
      let records = 0;
      let bytes = 0;
      let events = 0;
      let passes = 0;
      let firstPassS: number | null = null;
      const t0 = performance.now();
      const tEnd = t0 + env.durationS * 1000;
      const hardStop = tEnd + benchLimits.benchScenarioOverrunMs;
      const cpuWindow = new CpuWindow(env.serverPid);
      try {
        do {
          const group = groups[passes % 2] as string[];
          const reads = group.flatMap((arn, c) =>
            shards.map((s) =>
              readShard(
                sessions[c] as http2.ClientHttp2Session,
                arn,
                s.ShardId,
                filled.perShard.get(s.ShardId) ?? 0,
                hardStop,
                errors,
              ),
            ),
          );
          for (const r of await Promise.all(reads)) {
            records += r.records;
            bytes += r.bytes;
            events += r.events;
          }
          passes++;
          firstPassS ??= (performance.now() - t0) / 1000;
        } while (
          performance.now() < tEnd &&
          !env.signal.aborted &&
          passes < benchLimits.benchDrainPassesMax &&
          errors.total === 0
        );
      } finally {
        for (const s of sessions) s.close();
      }
      const elapsedS = (performance.now() - t0) / 1000;
      const cpu = cpuWindow.end();
      if (filled.records < filled.target) errors.add('PrefillCutShort', filled.target - filled.records);
      for (const [k, v] of Object.entries(filled.errors)) errors.add(`prefill:${k}`, v);
      return {
        metrics: {
          payloadMBps: records > 0 ? round(bytes / 1e6 / elapsedS, 1) : null,
          recordsPerSec: records > 0 ? Math.round(records / elapsedS) : null,
          firstPassS: firstPassS === null ? null : round(firstPassS, 2),
        },
        errors: errors.toJSON(),
        cpu,
        details: {
          consumers: FANOUT_CONSUMERS,
          shards: shards.length,
          subscriptionsPerPass: FANOUT_CONSUMERS * shards.length,
          prefillRecords: filled.records,
          prefillSeconds: round(filled.seconds, 2),
          passes,
          records,
          bytes,
          events,
          meanEventKiB: events > 0 ? round(bytes / events / 1024, 1) : null,
          elapsedS: round(elapsedS, 3),
          windowBytes: WINDOW_BYTES,
        },
      };
    }),
};
