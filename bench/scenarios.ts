// The workloads, in run order. A new workload is one more entry here: the runner,
// the table and the JSON pick it up from its Scenario definition.

import { fanoutThroughputScenario } from './fanout-throughput.js';
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
  // Enhanced fan-out (`requires: 'fanout'`): targets without SubscribeToShard are skipped.
  subscribeToShardScenario,
  fanoutThroughputScenario,
];

/** Selectable with --scenarios but not run by default (none at the moment). */
export const EXTRA_SCENARIOS: readonly Scenario[] = [];

export const ALL_SCENARIOS: readonly Scenario[] = [...SCENARIOS, ...EXTRA_SCENARIOS];
