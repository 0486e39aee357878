// Kinesis's limits, AWS's and its own, with units in the names. The front end's are in
// src/aws/limits.ts, storage's in src/storage/limits.ts, the CLI's in src/cli/limits.ts and the
// benchmark's in bench/limits.ts.
export const limits = {
  // Wire and request sizes.

  // Records.
  recordBytesDefault: 1024 * 1024,
  putRecordsRequestBytesMax: 10 * 1024 * 1024,
  getRecordsRecordsMax: 10_000,
  getRecordsBytesMax: 10 * 1024 * 1024,
  /** A GetRecords that reaches the end of an open shard waits this long at most for commits under way. */
  getRecordsCommitWaitMsDefault: 10,
  iteratorLifetimeMs: 5 * 60 * 1000,
  nextTokenLifetimeMs: 300 * 1000,

  // Streams and shards.
  retentionHoursDefault: 24,
  retentionHoursMin: 24,
  retentionHoursMax: 8760,
  shardsPerStreamMax: 10_000,
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
  /** StartStreamEncryption (and, separately, StopStreamEncryption) applications per stream per rolling 24 hours. */
  encryptionChangesPer24hMax: 25,
  /** An on-demand scaling split (background work, no client) is abandoned after this long. */
  onDemandSplitTimeoutMs: 60_000,
  warmThroughputMiBpsMax: 10240,
  resourcePolicyBytesMax: 20480,

  // Our own.

  /** After a 413 on HTTP/1.1, the rest of the upload is discarded for this long, then the connection is cut. */
  /** A bootstrap file larger than this is refused. */
  bootstrapFileBytesMax: 1024 * 1024,
  /** Streams and consumers a bootstrap file may declare. */
  bootstrapStreamsMax: 500,
  /** How long bootstrap waits for one stream to become ACTIVE. */
  bootstrapActiveWaitMs: 60_000,
  // Enhanced fan-out (src/fanout).
  /** A SubscribeToShard connection is ended by the server after this (AWS: 5 minutes). */
  subscriptionLifetimeMs: 5 * 60 * 1000,
  /** An event with no records is sent after this much idle time so consumers can checkpoint. */
  subscriptionHeartbeatMs: 5_000,
  /** A second subscription for the same consumer and shard within this of the first is refused. */
  subscribeTakeoverMs: 5_000,
  /** One SubscribeToShard call per second per consumer and shard (under --limits aws). */
  subscribeCallIntervalMs: 1_000,
  /** Read throughput per consumer and shard (under --limits aws); also the bucket's burst. */
  subscriptionBytesPerSecond: 2 * 1024 * 1024,
  /** Record bytes (data + partition keys) per SubscribeToShardEvent; one larger record still goes alone. */
  subscriptionEventBytesMax: 1024 * 1024,
  subscriptionEventRecordsMax: 10_000,
  /** Per-process memory of recent SubscribeToShard calls (for the rate rule); pruned beyond this. */
  subscribeCallMemoryEntriesMax: 100_000,
  /** A session that was ended but whose client does not read its last bytes is cut after this. */
  subscriptionEndGraceMs: 10_000,
  /** Batches kept for the other sessions of a shard at the same position (src/kinesis/fanout/shared-reads.ts). */
  fanoutSharedReadBytesMax: 128 * 1024 * 1024,
  fanoutSharedReadEntriesMax: 4_096,
  // Record path (src/kinesis/records/record-path.ts, retention-sweeper.ts).
  /** Parsed stream views cached per process (revalidated by metadata revision on every request). */
  streamViewCacheEntriesMax: 4096,
  /** How often the background retention sweep runs. */
  retentionSweepIntervalMs: 60_000,
  /** Shard logs trimmed per sweep; the next sweep continues where this one stopped. */
  retentionSweepLogsPerRunMax: 1_000,
  // Resharding, capacity modes and throughput (src/kinesis/operations/split-shard.ts, shard-runtime.ts, ...).
  /** Per-shard write capacity under --limits aws (AWS: 1 MiB/s and 1,000 records/s). */
  shardWriteBytesPerSecDefault: 1024 * 1024,
  shardWriteRecordsPerSecDefault: 1000,
  /** Per-shard read capacity shared by GetRecords callers (AWS: 2 MiB/s, 5 calls/s). */
  shardReadBytesPerSecDefault: 2 * 1024 * 1024,
  getRecordsCallsPerSecPerShard: 5,
  getShardIteratorCallsPerSecPerShard: 5,
  /** Token-bucket burst, in seconds of the rate (a bucket holds rate × this when idle). */
  throughputBurstSec: 1,
  /** UpdateShardCount calls per stream per rolling 24 hours. */
  updateShardCountPer24hMax: 10,
  /** Capacity-mode switches per stream per rolling 24 hours. */
  streamModeSwitchesPer24hMax: 2,
  /** A write that meets a closing shard re-routes at most this many times before failing. */
  writeRerouteAttemptsMax: 8,
  /** Sealed shard gates kept per process (for writers holding a stale routing view); older ones go first. */
  sealedShardGatesMax: 100_000,
  /** On-demand: a shard offered more than its write capacity for this long is split. */
  onDemandScaleUpAfterMsDefault: 60_000,
  /** On-demand: a stream is not scaled again within this long of its previous scale-up. */
  onDemandScaleCooldownMs: 1_000,
  // Metrics and the console (src/kinesis/metrics/*, src/console/*).
  /** Seconds of 1-second stream series kept (the console's live charts). */
  metricsStreamSecondsKept: 600,
  /** Seconds of 1-second shard series kept (shard-level metrics enabled). */
  metricsShardSecondsKept: 300,
  /** Minutes of 1-minute series kept (the last hour, CloudWatch's resolution). */
  metricsMinutesKept: 60,
  /** Streams with metrics per process; beyond it the least recently active is dropped. */
  metricsStreamsMax: 1_000,
  /** Shards per stream counted (by shard index); higher indexes are not counted per shard. */
  metricsShardIndexMax: 100_000,
  /** Shards with time series (enhanced monitoring) per process. */
  metricsShardSeriesMax: 4_096,
  /** Consumers per stream with metrics (AWS allows 20, on-demand advantage 50). */
  metricsConsumersPerStreamMax: 64,
  /** A stream without any activity for this long loses its metrics (deleted streams go this way). */
  metricsIdleEvictMs: 3_600_000,
  /** Partition keys tracked per shard by the heavy-hitters sketch (Space-Saving counters). */
  hotKeysPerShard: 16,
  /** Every this long the sketch's counts halve, so it shows the recent window (half-life). */
  hotKeyHalfLifeMs: 10_000,
  /** Above this many records/s on a stream, only one record in hotKeySampleEvery feeds the sketch. */
  hotKeyFullSamplingRecordsPerSecMax: 1_000,
  hotKeySampleEvery: 8,
  /** Partition key characters kept in the sketch (longer keys are truncated for display). */
  hotKeyCharsMax: 256,
  /** PutRecords bodies at least this large are decoded on a worker thread when one is free. */
  decodeOffloadBytesMin: 64 * 1024,
  /** Codec worker threads (server/codec-pool.ts), at most. */
  workerThreadsMax: 4,
} as const;

export const HASH_KEY_MAX = (1n << 128n) - 1n;
