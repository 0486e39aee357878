// PutRecords of 500 random 1 KiB records with random partition keys, closed loop at concurrency C.
import {
  closedLoop,
  errorTypeOf,
  putRecordsBody,
  round,
  type Scenario,
  tallyPutRecords,
  withStream,
} from './scenario.js';
import { LatencyRecorder, Tally } from './stats.js';

const BATCH = 500;
/** Distinct pre-built bodies rotated through, so servers cannot benefit from identical payloads. */
const BODIES = 8;

export function putRecordsScenario(concurrency: number): Scenario {
  return {
    id: `put-records-c${concurrency}`,
    title: `PutRecords ${BATCH} x 1 KiB, c=${concurrency}`,
    sockets: () => concurrency + 2,
    metrics: [
      { key: 'recordsPerSec', label: 'records/s', better: 'higher' },
      { key: 'payloadMBps', label: 'payload MB/s', better: 'higher' },
      { key: 'p50Ms', label: 'p50 ms', better: 'lower' },
      { key: 'p99Ms', label: 'p99 ms', better: 'lower' },
    ],
    run: (env) =>
      withStream(env, `prs${concurrency}`, async (stream) => {
        const bodies = Array.from({ length: BODIES }, () => putRecordsBody(stream, BATCH, env.recordBytes));
        env.log(
          `PutRecords: ${BODIES} bodies of ${Math.round((bodies[0]?.length ?? 0) / 1024)} KiB, c=${concurrency}`,
        );
        const latency = new LatencyRecorder();
        const requestErrors = new Tally();
        const recordErrors = new Tally();
        let next = 0;
        let requests = 0;
        let okRecords = 0;
        let failedRecords = 0;
        const { elapsedS, cpu } = await closedLoop(
          env,
          concurrency,
          () => ({ operation: 'PutRecords', body: bodies[next++ % BODIES] as Buffer }),
          (res) => {
            requests++;
            if (res.status === 200) latency.add(res.ms);
            const failed = tallyPutRecords(res, BATCH, requestErrors, recordErrors, errorTypeOf);
            failedRecords += failed;
            okRecords += BATCH - failed;
          },
        );
        const lat = latency.summary();
        return {
          metrics: {
            recordsPerSec: round(okRecords / elapsedS),
            payloadMBps: round((okRecords * env.recordBytes) / elapsedS / 1e6, 2),
            p50Ms: lat.p50,
            p99Ms: lat.p99,
          },
          errors: {
            ...requestErrors.toJSON(),
            ...Object.fromEntries(Object.entries(recordErrors.toJSON()).map(([k, v]) => [`record:${k}`, v])),
          },
          cpu,
          details: {
            concurrency,
            batch: BATCH,
            recordBytes: env.recordBytes,
            elapsedS: round(elapsedS, 3),
            requests,
            requestsPerSec: round(requests / elapsedS),
            okRecords,
            failedRecords,
            latencyMs: lat,
          },
        };
      }),
  };
}
