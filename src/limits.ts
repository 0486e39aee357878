// Every limit Shardline enforces, AWS's and its own, with units in the name.
export const limits = {
  // Wire and request sizes.
  requestBodyBytesMax: 14 * 1024 * 1024,
  headersCountMax: 100,
  http2StreamsPerConnectionMax: 100,
  http2SessionMemoryMiB: 32,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 65_000,

  // Records.
  recordBytesDefault: 1024 * 1024,
  maxRecordSizeKiBMin: 1024,
  maxRecordSizeKiBMax: 10240,
  putRecordsEntriesMax: 500,
  putRecordsRequestBytesMax: 10 * 1024 * 1024,
  getRecordsRecordsMax: 10_000,
  getRecordsBytesMax: 10 * 1024 * 1024,
  iteratorLifetimeMs: 5 * 60 * 1000,
  nextTokenLifetimeMs: 300 * 1000,

  // Streams and shards.
  streamNameLengthMax: 128,
  retentionHoursDefault: 24,
  retentionHoursMin: 24,
  retentionHoursMax: 8760,
  shardsPerStreamMax: 10_000,
  accountShardLimitDefault: 20_000,
  onDemandStreamCountLimitDefault: 50,
  onDemandInitialShardCount: 4,
  streamsCreatingMax: 5,
  describeStreamShardsMax: 100,
  listStreamsDefault: 100,
  listStreamsMax: 100,
  listShardsDefault: 1000,
  listShardsMax: 1000,
  consumersPerStreamMax: 20,
  consumersPerStreamAdvantageMax: 50,
  consumersCreatingMax: 5,
  tagsPerResourceMax: 50,
  listTagsDefault: 10,
  encryptionChangesPer24hMax: 25,
  warmThroughputMiBpsMax: 10240,
  resourcePolicyBytesMax: 20480,

  // Our own.
  stateDelayMsDefault: 500,

  // Benchmark harness (src/bench): bounds on the load generator, not on the server.
  benchLatencySamplesMax: 1_000_000,
  benchRssSampleIntervalMs: 250,
  benchRequestTimeoutMs: 30_000,
  benchTargetStartTimeoutMs: 60_000,
  benchTargetStopTimeoutMs: 10_000,
  benchStreamActiveTimeoutMs: 30_000,
  benchScenarioOverrunMs: 60_000,
  benchPutGetInflightMax: 256,
  benchDrainPassesMax: 10_000,
  benchPrefillFailuresMax: 2_000,
} as const;

export const HASH_KEY_MAX = (1n << 128n) - 1n;
