// put→get latency with polling consumers: one producer sends PutRecord at a
// fixed rate (open loop), one poller per shard reads from a LATEST iterator,
// starting a GetRecords every pollMs. Each payload carries its send time and
// sequence number, so the poller measures put→consume latency, losses and duplicates.

import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchLimits } from './limits.js';
import {
  errorTypeOf,
  listOpenShards,
  randomPartitionKey,
  round,
  type Scenario,
  withStream,
} from './scenario.js';
import { CpuWindow, LatencyRecorder, Tally } from './stats.js';

/** Marks our own payloads ("kbnc"), so anything else in the stream counts as foreign. */
const MAGIC = 0x6b626e63;
const HEADER_BYTES = 16;
const GET_LIMIT = 10_000;
const FATAL_GET_ERRORS: ReadonlySet<string> = new Set([
  'ExpiredIteratorException',
  'InvalidArgumentException',
  'ResourceNotFoundException',
]);

export const putGetLatencyScenario: Scenario = {
  id: 'put-get-latency',
  title: 'put→get latency, polling consumers',
  sockets: ({ shards }) => shards + benchLimits.benchPutGetInflightMax + 2,
  metrics: [
    { key: 'p50Ms', label: 'put→get p50 ms', better: 'lower' },
    { key: 'p99Ms', label: 'put→get p99 ms', better: 'lower' },
    { key: 'maxMs', label: 'put→get max ms', better: 'lower' },
    { key: 'achievedRate', label: 'PutRecord/s achieved', better: 'higher' },
    { key: 'lost', label: 'lost records', better: 'lower' },
    { key: 'duplicates', label: 'duplicates', better: 'lower' },
  ],
  run: (env) =>
    withStream(env, 'e2e', async (stream) => {
      const shards = await listOpenShards(env, stream);
      const iterators = await Promise.all(
        shards.map(
          async (s) =>
            (
              await env.client.call<{ ShardIterator: string }>('GetShardIterator', {
                StreamName: stream,
                ShardId: s.ShardId,
                ShardIteratorType: 'LATEST',
              })
            ).ShardIterator,
        ),
      );
      const total = Math.max(1, Math.floor(env.putGetRate * env.durationS));
      const seen = new Uint8Array(total);
      const filler = randomBytes(Math.max(env.recordBytes, HEADER_BYTES));
      const e2e = new LatencyRecorder();
      const putLatency = new LatencyRecorder();
      const getLatency = new LatencyRecorder();
      const errors = new Tally();
      let sent = 0;
      let putOk = 0;
      let inflight = 0;
      let received = 0;
      let duplicates = 0;
      let foreign = 0;
      let getCalls = 0;
      let producing = true;
      let producedAt = Number.POSITIVE_INFINITY;
      let lastArrival = 0;
      env.log(
        `put→get: ${env.putGetRate} rec/s for ${env.durationS}s over ${shards.length} shards, poll ${env.pollMs} ms`,
      );

      const send = (seq: number): void => {
        const payload = Buffer.from(filler);
        payload.writeDoubleLE(performance.now(), 0);
        payload.writeUInt32LE(seq, 8);
        payload.writeUInt32LE(MAGIC, 12);
        const body = Buffer.from(
          `{"StreamName":"${stream}","Data":"${payload.toString('base64')}","PartitionKey":"${randomPartitionKey()}"}`,
        );
        inflight++;
        sent++;
        void env.client.sendRaw('PutRecord', body).then((res) => {
          inflight--;
          if (res.status === 200) {
            putOk++;
            putLatency.add(res.ms);
          } else errors.add(`PutRecord:${errorTypeOf(res)}`);
        });
      };

      const accept = (data: Buffer, arrivedAt: number): void => {
        if (data.length < HEADER_BYTES || data.readUInt32LE(12) !== MAGIC) {
          foreign++;
          return;
        }
        const seq = data.readUInt32LE(8);
        if (seq >= total) foreign++;
        else if (seen[seq]) duplicates++;
        else {
          seen[seq] = 1;
          received++;
          lastArrival = arrivedAt;
          e2e.add(arrivedAt - data.readDoubleLE(0));
        }
      };

      const poller = async (first: string): Promise<void> => {
        const hardStop =
          performance.now() + env.durationS * 1000 + env.graceMs + benchLimits.benchScenarioOverrunMs;
        let iterator: string | undefined = first;
        while (iterator && !env.signal.aborted && performance.now() < hardStop) {
          const tCall = performance.now();
          const res = await env.client.sendRaw(
            'GetRecords',
            Buffer.from(`{"ShardIterator":${JSON.stringify(iterator)},"Limit":${GET_LIMIT}}`),
          );
          let ok = false;
          if (res.status === 200) {
            ok = true;
            getCalls++;
            getLatency.add(res.ms);
            const page = JSON.parse(res.body.toString('utf8')) as {
              Records?: { Data: string }[];
              NextShardIterator?: string;
            };
            for (const r of page.Records ?? []) accept(Buffer.from(r.Data, 'base64'), res.t1);
            iterator = page.NextShardIterator;
          } else {
            const type = errorTypeOf(res);
            errors.add(`GetRecords:${type}`);
            if (FATAL_GET_ERRORS.has(type)) break;
          }
          const now = performance.now();
          // Done when everything acknowledged arrived, or nothing new arrived for graceMs after producing stopped.
          if (!producing && (received >= putOk || now > Math.max(producedAt, lastArrival) + env.graceMs))
            break;
          // One GetRecords start per poll period; back off after an error.
          const wait = tCall + (ok ? env.pollMs : Math.max(env.pollMs, 200)) - now;
          if (wait > 0) await sleep(wait);
        }
      };

      const cpuWindow = new CpuWindow(env.serverPid);
      const pollers = iterators.map((it) => poller(it));
      const tStart = performance.now();
      const interval = 1000 / env.putGetRate;
      let seq = 0;
      while (seq < total && !env.signal.aborted) {
        const due = Math.min(total, Math.floor((performance.now() - tStart) / interval) + 1);
        while (seq < due && inflight < benchLimits.benchPutGetInflightMax) send(seq++);
        await sleep(Math.max(1, tStart + seq * interval - performance.now()));
      }
      const drainDeadline = performance.now() + benchLimits.benchRequestTimeoutMs;
      while (inflight > 0 && performance.now() < drainDeadline) await sleep(2);
      producing = false;
      producedAt = performance.now();
      await Promise.all(pollers);
      const cpu = cpuWindow.end();
      const lat = e2e.summary();
      return {
        metrics: {
          p50Ms: lat.p50,
          p99Ms: lat.p99,
          maxMs: lat.max,
          achievedRate: round(putOk / ((producedAt - tStart) / 1000)),
          lost: putOk - received,
          duplicates,
        },
        errors: errors.toJSON(),
        cpu,
        details: {
          rate: env.putGetRate,
          pollMs: env.pollMs,
          sent,
          putOk,
          received,
          foreign,
          getRecordsCalls: getCalls,
          e2eLatencyMs: lat,
          putLatencyMs: putLatency.summary(),
          getLatencyMs: getLatency.summary(),
        },
      };
    }),
};
