// PutRecord of one random 1 KiB record, closed loop at concurrency C.
import { randomBytes } from 'node:crypto';
import { closedLoop, errorTypeOf, randomPartitionKey, round, type Scenario, withStream } from './scenario.js';
import { LatencyRecorder, Tally } from './stats.js';

const BODIES = 1024;

export function putRecordScenario(concurrency: number): Scenario {
  return {
    id: `put-record-c${concurrency}`,
    title: `PutRecord 1 KiB, c=${concurrency}`,
    sockets: () => concurrency + 2,
    metrics: [
      { key: 'recordsPerSec', label: 'records/s', better: 'higher' },
      { key: 'p50Ms', label: 'p50 ms', better: 'lower' },
      { key: 'p99Ms', label: 'p99 ms', better: 'lower' },
    ],
    run: (env) =>
      withStream(env, `pr${concurrency}`, async (stream) => {
        const bodies = Array.from({ length: BODIES }, () =>
          Buffer.from(
            JSON.stringify({
              StreamName: stream,
              Data: randomBytes(env.recordBytes).toString('base64'),
              PartitionKey: randomPartitionKey(),
            }),
          ),
        );
        const latency = new LatencyRecorder();
        const errors = new Tally();
        let next = 0;
        let requests = 0;
        let ok = 0;
        const { elapsedS, cpu } = await closedLoop(
          env,
          concurrency,
          () => ({ operation: 'PutRecord', body: bodies[next++ % BODIES] as Buffer }),
          (res) => {
            requests++;
            if (res.status === 200) {
              ok++;
              latency.add(res.ms);
            } else {
              errors.add(errorTypeOf(res));
            }
          },
        );
        const lat = latency.summary();
        return {
          metrics: { recordsPerSec: round(ok / elapsedS), p50Ms: lat.p50, p99Ms: lat.p99 },
          errors: errors.toJSON(),
          cpu,
          details: {
            concurrency,
            recordBytes: env.recordBytes,
            elapsedS: round(elapsedS, 3),
            requests,
            okRecords: ok,
            payloadMBps: round((ok * env.recordBytes) / elapsedS / 1e6, 2),
            latencyMs: lat,
          },
        };
      }),
  };
}
