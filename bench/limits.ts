// Bounds on the benchmark harness and its load generator (not on the server), with units in the names.
export const benchLimits = {
  benchLatencySamplesMax: 1_000_000,
  benchRssSampleIntervalMs: 250,
  benchRequestTimeoutMs: 120_000,
  benchTargetStartTimeoutMs: 60_000,
  benchTargetStopTimeoutMs: 10_000,
  benchStreamActiveTimeoutMs: 30_000,
  benchScenarioOverrunMs: 60_000,
  benchPutGetInflightMax: 256,
  benchDrainPassesMax: 10_000,
  benchPrefillFailuresMax: 2_000,
  benchPrefillTimeMaxMs: 120_000,
} as const;
