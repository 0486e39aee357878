// GetRecords drain: pre-fill every shard (routed by ExplicitHashKey), then read
// each shard from TRIM_HORIZON with GetRecords Limit 10000, every shard in its own
// loop (in parallel), pass after pass until the duration has elapsed.

import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchLimits } from './limits.js';
import {
  errorTypeOf,
  type GetRecordsScan,
  listOpenShards,
  parseGetRecords,
  putRecordsBody,
  round,
  type Scenario,
  type ScenarioEnv,
  scanGetRecords,
  tallyPutRecords,
  withStream,
} from './scenario.js';
import { CpuWindow, LatencyRecorder, Tally } from './stats.js';

const BATCH = 500;
const PREFILL_CONCURRENCY = 4;
const GET_LIMIT = 10_000;
/** Consecutive empty GetRecords after which a shard counts as drained short. */
const EMPTY_READS_MAX = 3;
/** Kinesis asks clients to back off on throttling; so do we. */
const BACKOFF_MS = 200;

export interface Prefill {
  readonly perShard: Map<string, number>;
  /** Records the prefill aimed for; fewer when the time bound cut it short. */
  readonly target: number;
  readonly records: number;
  readonly seconds: number;
  readonly errors: Record<string, number>;
}

export async function prefill(
  env: ScenarioEnv,
  stream: string,
  shards: { ShardId: string; start: string }[],
): Promise<Prefill> {
  const target = Math.ceil(Math.ceil((env.prefillMiB * 1024 * 1024) / env.recordBytes) / BATCH) * BATCH;
  const bodies = new Map(
    shards.map((s) => [s.ShardId, putRecordsBody(stream, BATCH, env.recordBytes, s.start)]),
  );
  const done = new Map(shards.map((s) => [s.ShardId, 0]));
  const pending = new Map(shards.map((s) => [s.ShardId, 0]));
  const requestErrors = new Tally();
  const recordErrors = new Tally();
  let failures = 0;
  const remaining = (id: string): number => target - (done.get(id) ?? 0) - (pending.get(id) ?? 0);
  const pick = (): string | undefined => {
    let best: string | undefined;
    for (const { ShardId } of shards)
      if (remaining(ShardId) > 0 && (!best || remaining(ShardId) > remaining(best))) best = ShardId;
    return best;
  };
  env.log(`prefill: ${shards.length} shards x ${target} records x ${env.recordBytes} B`);
  const t0 = performance.now();
  // Slow servers get a bounded prefill; the drain then reads what they stored (reported).
  const deadline = performance.now() + benchLimits.benchPrefillTimeMaxMs;
  const worker = async (): Promise<void> => {
    for (let id = pick(); id && !env.signal.aborted && performance.now() < deadline; id = pick()) {
      pending.set(id, (pending.get(id) ?? 0) + BATCH);
      const res = await env.client.sendRaw('PutRecords', bodies.get(id) as Buffer);
      pending.set(id, (pending.get(id) ?? 0) - BATCH);
      const failed = tallyPutRecords(res, BATCH, requestErrors, recordErrors, errorTypeOf);
      done.set(id, (done.get(id) ?? 0) + BATCH - failed);
      if (failed > 0) {
        if (++failures > benchLimits.benchPrefillFailuresMax) {
          throw new Error(
            `prefill keeps failing: ${JSON.stringify({ ...requestErrors.toJSON(), ...recordErrors.toJSON() })}`,
          );
        }
        await sleep(BACKOFF_MS);
      }
    }
  };
  await Promise.all(Array.from({ length: PREFILL_CONCURRENCY }, worker));
  let records = 0;
  for (const n of done.values()) records += n;
  return {
    perShard: done,
    target: target * shards.length,
    records,
    seconds: (performance.now() - t0) / 1000,
    errors: { ...requestErrors.toJSON(), ...recordErrors.toJSON() },
  };
}

export const getRecordsDrainScenario: Scenario = {
  id: 'get-records-drain',
  title: 'GetRecords drain (Limit 10000)',
  sockets: ({ shards }) => Math.max(shards, PREFILL_CONCURRENCY) + 2,
  metrics: [
    { key: 'payloadMBps', label: 'drain MB/s', better: 'higher' },
    { key: 'recordsPerSec', label: 'records/s', better: 'higher' },
    { key: 'p50Ms', label: 'GetRecords p50 ms', better: 'lower' },
    { key: 'p99Ms', label: 'GetRecords p99 ms', better: 'lower' },
  ],
  run: (env) =>
    withStream(env, 'drain', async (stream) => {
      const shards = (await listOpenShards(env, stream)).map((s) => ({
        ShardId: s.ShardId,
        start: s.HashKeyRange.StartingHashKey,
      }));
      const filled = await prefill(env, stream, shards);
      env.log(`prefill: ${filled.records} records in ${filled.seconds.toFixed(2)} s`);

      const latency = new LatencyRecorder();
      const errors = new Tally();
      let records = 0;
      let bytes = 0;
      let calls = 0;
      let shortReads = 0;
      let scanChecks = 0;
      let trustScanner = true;
      const t0 = performance.now();
      const tEnd = t0 + env.durationS * 1000;
      const hardStop = tEnd + benchLimits.benchScenarioOverrunMs;

      const readPage = (body: Buffer, check: boolean): GetRecordsScan => {
        const scanned = trustScanner ? scanGetRecords(body) : null;
        if (!scanned) return parseGetRecords(body);
        if (!check) return scanned;
        scanChecks++;
        const parsed = parseGetRecords(body);
        const same =
          parsed.records === scanned.records &&
          parsed.bytes === scanned.bytes &&
          parsed.nextIterator === scanned.nextIterator;
        if (!same) {
          trustScanner = false;
          errors.add('ScanMismatch');
        }
        return parsed;
      };

      const drainShard = async (shardId: string, expect: number, firstPass: boolean): Promise<void> => {
        let iterator: string | null = null;
        while (!iterator && !env.signal.aborted && performance.now() < hardStop) {
          const res = await env.client.sendRaw(
            'GetShardIterator',
            Buffer.from(
              JSON.stringify({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
            ),
          );
          if (res.status === 200)
            iterator = (JSON.parse(res.body.toString('utf8')) as { ShardIterator: string }).ShardIterator;
          else {
            errors.add(`GetShardIterator:${errorTypeOf(res)}`);
            await sleep(BACKOFF_MS);
          }
        }
        let got = 0;
        let empties = 0;
        let first = true;
        while (iterator && got < expect && !env.signal.aborted && performance.now() < hardStop) {
          const res = await env.client.sendRaw(
            'GetRecords',
            Buffer.from(`{"ShardIterator":${JSON.stringify(iterator)},"Limit":${GET_LIMIT}}`),
          );
          if (res.status !== 200) {
            const type = errorTypeOf(res);
            errors.add(type);
            if (type === 'ExpiredIteratorException' || type === 'InvalidArgumentException') break;
            await sleep(BACKOFF_MS);
            continue;
          }
          latency.add(res.ms);
          calls++;
          // Spot checks: the first page of every shard in the first pass, then one page in 64.
          const page = readPage(res.body, (first && firstPass) || calls % 64 === 0);
          first = false;
          got += page.records;
          records += page.records;
          bytes += page.bytes;
          iterator = page.nextIterator;
          empties = page.records === 0 ? empties + 1 : 0;
          if (empties >= EMPTY_READS_MAX) break;
        }
        if (got < expect && !env.signal.aborted) shortReads++;
      };

      const cpuWindow = new CpuWindow(env.serverPid);
      let passes = 0;
      let firstPassS: number | null = null;
      let firstPassesDone = 0;
      // One loop per shard, as a consumer application with a worker per shard reads: no shard
      // waits for the others between passes.
      await Promise.all(
        shards.map(async (s) => {
          const expect = filled.perShard.get(s.ShardId) ?? 0;
          let own = 0;
          do {
            await drainShard(s.ShardId, expect, own === 0);
            own++;
            passes++;
            if (own === 1 && ++firstPassesDone === shards.length)
              firstPassS = (performance.now() - t0) / 1000;
          } while (
            performance.now() < tEnd &&
            !env.signal.aborted &&
            passes < benchLimits.benchDrainPassesMax
          );
        }),
      );
      const elapsedS = (performance.now() - t0) / 1000;
      const cpu = cpuWindow.end();
      if (shortReads > 0) errors.add('ShortRead', shortReads);
      if (filled.records < filled.target) errors.add('PrefillCutShort', filled.target - filled.records);
      if (Object.keys(filled.errors).length > 0)
        for (const [k, v] of Object.entries(filled.errors)) errors.add(`prefill:${k}`, v);
      const lat = latency.summary();
      return {
        metrics: {
          payloadMBps: round(bytes / elapsedS / 1e6, 1),
          recordsPerSec: round(records / elapsedS),
          p50Ms: lat.p50,
          p99Ms: lat.p99,
        },
        errors: errors.toJSON(),
        cpu,
        details: {
          getLimit: GET_LIMIT,
          prefill: {
            targetRecords: filled.target,
            records: filled.records,
            seconds: round(filled.seconds, 3),
            payloadMBps: round((filled.records * env.recordBytes) / filled.seconds / 1e6, 1),
          },
          elapsedS: round(elapsedS, 3),
          shardPasses: passes,
          firstPassS: firstPassS === null ? null : round(firstPassS, 3),
          getRecordsCalls: calls,
          records,
          payloadBytes: bytes,
          scannerChecks: scanChecks,
          scannerTrusted: trustScanner,
          latencyMs: lat,
        },
      };
    }),
};
