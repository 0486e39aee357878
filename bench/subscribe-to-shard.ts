// put→event latency through SubscribeToShard (enhanced fan-out): wraps the HTTP/2 tool in
// subscribe-latency.ts (2 consumers, every shard, LATEST) as a harness workload, adding the
// same CPU/RSS sampling and a bound on its run time.

import { performance } from 'node:perf_hooks';
import { benchLimits } from './limits.js';
import { round, type Scenario } from './scenario.js';
import { CpuWindow } from './stats.js';
import { runSubscribeLatency } from './subscribe-latency.js';

const CONSUMERS = 2;

export const subscribeToShardScenario: Scenario = {
  id: 'subscribe-to-shard-latency',
  title: 'put→event latency, SubscribeToShard (2 consumers)',
  sockets: () => 2,
  requires: 'fanout',
  metrics: [
    { key: 'p50Ms', label: 'put→event p50 ms', better: 'lower' },
    { key: 'p99Ms', label: 'put→event p99 ms', better: 'lower' },
    { key: 'maxMs', label: 'put→event max ms', better: 'lower' },
    { key: 'achievedRate', label: 'PutRecord/s achieved', better: 'higher' },
    { key: 'lost', label: 'lost deliveries', better: 'lower' },
    { key: 'duplicates', label: 'duplicates', better: 'lower' },
  ],
  async run(env) {
    const cpuWindow = new CpuWindow(env.serverPid);
    const t0 = performance.now();
    const work = runSubscribeLatency({
      endpoint: env.endpoint,
      rate: env.fanoutRate,
      shards: env.shards,
      consumers: CONSUMERS,
      seconds: env.durationS,
      recordBytes: env.recordBytes,
    });
    // The tool's own waits are not all bounded; the harness bounds the whole run.
    const boundMs = env.durationS * 1000 + benchLimits.benchScenarioOverrunMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no result within ${boundMs} ms`)), boundMs);
    });
    work.catch(() => undefined); // a late failure after the timeout must not go unhandled
    try {
      const r = (await Promise.race([work, timeout])) as {
        p50Ms: number | null;
        p99Ms: number | null;
        maxMs: number | null;
        achievedRate: number;
        lostPerConsumer: number[];
        duplicates: number;
      };
      const cpu = cpuWindow.end();
      return {
        metrics: {
          p50Ms: r.p50Ms,
          p99Ms: r.p99Ms,
          maxMs: r.maxMs,
          achievedRate: r.achievedRate,
          lost: r.lostPerConsumer.reduce((a, b) => a + b, 0),
          duplicates: r.duplicates,
        },
        errors: {},
        cpu,
        details: { ...r, elapsedS: round((performance.now() - t0) / 1000, 3) },
      };
    } finally {
      clearTimeout(timer);
    }
  },
};
