// The workloads, in run order. A new workload is one more entry here: the runner,
// the table and the JSON pick it up from its Scenario definition.
import { getRecordsDrainScenario } from './get-records-drain.js';
import { putGetLatencyScenario } from './put-get-latency.js';
import { putRecordScenario } from './put-record.js';
import { putRecordsScenario } from './put-records.js';
import type { Scenario } from './scenario.js';
import { subscribeToShardScenario } from './subscribe-to-shard.js';

export const SCENARIOS: readonly Scenario[] = [
  putRecordsScenario(4),
  putRecordsScenario(16),
  putRecordScenario(16),
  getRecordsDrainScenario,
  putGetLatencyScenario,
];

/**
 * Selectable with --scenarios but not run by default: SubscribeToShard needs enhanced fan-out,
 * which kinesalite lacks, and its HTTP/2 client lives in subscribe-latency.ts.
 */
export const EXTRA_SCENARIOS: readonly Scenario[] = [subscribeToShardScenario];

export const ALL_SCENARIOS: readonly Scenario[] = [...SCENARIOS, ...EXTRA_SCENARIOS];
