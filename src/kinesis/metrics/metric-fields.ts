// The metrics Shardline counts, each with its CloudWatch name (namespace AWS/Kinesis) and its
// Prometheus name. Counters are kept as plain numbers in typed arrays indexed by these positions,
// so the record path adds to an array slot instead of looking anything up.

/** `calls`: a call count that only serves as a latency field's count (not published itself). */
export type FieldKind = 'counter' | 'gauge' | 'latency' | 'calls';

export interface FieldDef {
  /** The CloudWatch metric name. */
  readonly cloudWatch: string;
  /** Prometheus name without the `shardline_` prefix (counters get `_total`, latencies `_seconds`). */
  readonly prom: string;
  readonly kind: FieldKind;
  readonly help: string;
  /** For latency fields: the counter field that counts the measured calls. */
  readonly countField?: number;
}

/** Stream-level metrics (dimension StreamName), always collected. */
export const S = {
  incomingBytes: 0,
  incomingRecords: 1,
  putRecordBytes: 2,
  putRecordSuccess: 3,
  putRecordLatency: 4,
  putRecordsBytes: 5,
  putRecordsSuccess: 6,
  putRecordsLatency: 7,
  putRecordsTotalRecords: 8,
  putRecordsSuccessfulRecords: 9,
  putRecordsFailedRecords: 10,
  putRecordsThrottledRecords: 11,
  getRecordsBytes: 12,
  getRecordsRecords: 13,
  getRecordsSuccess: 14,
  getRecordsLatency: 15,
  getRecordsIteratorAge: 16,
  writeThrottled: 17,
  readThrottled: 18,
  putRecordsCalls: 19,
} as const;
export const STREAM_FIELD_COUNT = 20;

export const streamFields: readonly FieldDef[] = [
  {
    cloudWatch: 'IncomingBytes',
    prom: 'incoming_bytes',
    kind: 'counter',
    help: 'Bytes successfully put (PutRecord and PutRecords), data plus partition key.',
  },
  {
    cloudWatch: 'IncomingRecords',
    prom: 'incoming_records',
    kind: 'counter',
    help: 'Records successfully put (PutRecord and PutRecords).',
  },
  {
    cloudWatch: 'PutRecord.Bytes',
    prom: 'put_record_bytes',
    kind: 'counter',
    help: 'Bytes put with PutRecord.',
  },
  {
    cloudWatch: 'PutRecord.Success',
    prom: 'put_record_success',
    kind: 'counter',
    help: 'Successful PutRecord calls.',
  },
  {
    cloudWatch: 'PutRecord.Latency',
    prom: 'put_record_latency',
    kind: 'latency',
    help: 'Time taken per successful PutRecord call.',
    countField: 3,
  },
  {
    cloudWatch: 'PutRecords.Bytes',
    prom: 'put_records_bytes',
    kind: 'counter',
    help: 'Bytes put with PutRecords (successful entries).',
  },
  {
    cloudWatch: 'PutRecords.Success',
    prom: 'put_records_success',
    kind: 'counter',
    help: 'PutRecords calls with at least one successful record.',
  },
  {
    cloudWatch: 'PutRecords.Latency',
    prom: 'put_records_latency',
    kind: 'latency',
    help: 'Time taken per PutRecords call that was answered.',
    countField: 19,
  },
  {
    cloudWatch: 'PutRecords.TotalRecords',
    prom: 'put_records_total_records',
    kind: 'counter',
    help: 'Records sent in PutRecords calls.',
  },
  {
    cloudWatch: 'PutRecords.SuccessfulRecords',
    prom: 'put_records_successful_records',
    kind: 'counter',
    help: 'Successful records in PutRecords calls (also published as PutRecords.Records).',
  },
  {
    cloudWatch: 'PutRecords.FailedRecords',
    prom: 'put_records_failed_records',
    kind: 'counter',
    help: 'Records rejected by internal failures in PutRecords calls.',
  },
  {
    cloudWatch: 'PutRecords.ThrottledRecords',
    prom: 'put_records_throttled_records',
    kind: 'counter',
    help: 'Records rejected by throttling in PutRecords calls.',
  },
  {
    cloudWatch: 'GetRecords.Bytes',
    prom: 'get_records_bytes',
    kind: 'counter',
    help: 'Bytes returned by GetRecords.',
  },
  {
    cloudWatch: 'GetRecords.Records',
    prom: 'get_records_records',
    kind: 'counter',
    help: 'Records returned by GetRecords.',
  },
  {
    cloudWatch: 'GetRecords.Success',
    prom: 'get_records_success',
    kind: 'counter',
    help: 'Successful GetRecords calls.',
  },
  {
    cloudWatch: 'GetRecords.Latency',
    prom: 'get_records_latency',
    kind: 'latency',
    help: 'Time taken per successful GetRecords call.',
    countField: 14,
  },
  {
    cloudWatch: 'GetRecords.IteratorAgeMilliseconds',
    prom: 'get_records_iterator_age_milliseconds',
    kind: 'gauge',
    help: 'Age of the last record returned by the latest GetRecords call (0 = caught up).',
  },
  {
    cloudWatch: 'WriteProvisionedThroughputExceeded',
    prom: 'write_provisioned_throughput_exceeded',
    kind: 'counter',
    help: 'Records rejected by write throttling (PutRecord and PutRecords).',
  },
  {
    cloudWatch: 'ReadProvisionedThroughputExceeded',
    prom: 'read_provisioned_throughput_exceeded',
    kind: 'counter',
    help: 'GetRecords calls throttled.',
  },
  {
    cloudWatch: 'PutRecords.Calls',
    prom: 'put_records_calls',
    kind: 'calls',
    help: 'PutRecords calls answered.',
  },
];

/** Shard-level metrics (dimensions StreamName, ShardId): the MetricsName enum, published when enabled. */
export const H = {
  incomingBytes: 0,
  incomingRecords: 1,
  outgoingBytes: 2,
  outgoingRecords: 3,
  writeThrottled: 4,
  readThrottled: 5,
  iteratorAge: 6,
} as const;
export const SHARD_FIELD_COUNT = 7;

export const shardFields: readonly FieldDef[] = [
  {
    cloudWatch: 'IncomingBytes',
    prom: 'shard_incoming_bytes',
    kind: 'counter',
    help: 'Bytes successfully put to the shard.',
  },
  {
    cloudWatch: 'IncomingRecords',
    prom: 'shard_incoming_records',
    kind: 'counter',
    help: 'Records successfully put to the shard.',
  },
  {
    cloudWatch: 'OutgoingBytes',
    prom: 'shard_outgoing_bytes',
    kind: 'counter',
    help: 'Bytes read from the shard by GetRecords.',
  },
  {
    cloudWatch: 'OutgoingRecords',
    prom: 'shard_outgoing_records',
    kind: 'counter',
    help: 'Records read from the shard by GetRecords.',
  },
  {
    cloudWatch: 'WriteProvisionedThroughputExceeded',
    prom: 'shard_write_provisioned_throughput_exceeded',
    kind: 'counter',
    help: 'Records rejected by write throttling on the shard.',
  },
  {
    cloudWatch: 'ReadProvisionedThroughputExceeded',
    prom: 'shard_read_provisioned_throughput_exceeded',
    kind: 'counter',
    help: 'GetRecords calls throttled on the shard.',
  },
  {
    cloudWatch: 'IteratorAgeMilliseconds',
    prom: 'shard_iterator_age_milliseconds',
    kind: 'gauge',
    help: 'Age of the last record returned by the latest GetRecords call on the shard.',
  },
];

/** Consumer-level metrics (dimensions StreamName, ConsumerName): enhanced fan-out. */
export const C = {
  subscribeSuccess: 0,
  subscribeRateExceeded: 1,
  eventBytes: 2,
  eventRecords: 3,
  eventSuccess: 4,
  millisBehindLatest: 5,
} as const;
export const CONSUMER_FIELD_COUNT = 6;

export const consumerFields: readonly FieldDef[] = [
  {
    cloudWatch: 'SubscribeToShard.Success',
    prom: 'subscribe_to_shard_success',
    kind: 'counter',
    help: 'Successful SubscribeToShard calls.',
  },
  {
    cloudWatch: 'SubscribeToShard.RateExceeded',
    prom: 'subscribe_to_shard_rate_exceeded',
    kind: 'counter',
    help: 'SubscribeToShard calls refused by the call-rate or take-over rules.',
  },
  {
    cloudWatch: 'SubscribeToShardEvent.Bytes',
    prom: 'subscribe_to_shard_event_bytes',
    kind: 'counter',
    help: 'Bytes delivered in SubscribeToShard events.',
  },
  {
    cloudWatch: 'SubscribeToShardEvent.Records',
    prom: 'subscribe_to_shard_event_records',
    kind: 'counter',
    help: 'Records delivered in SubscribeToShard events.',
  },
  {
    cloudWatch: 'SubscribeToShardEvent.Success',
    prom: 'subscribe_to_shard_event_success',
    kind: 'counter',
    help: 'SubscribeToShard events delivered.',
  },
  {
    cloudWatch: 'SubscribeToShardEvent.MillisBehindLatest',
    prom: 'subscribe_to_shard_event_millis_behind_latest',
    kind: 'gauge',
    help: 'MillisBehindLatest of the latest event delivered to the consumer.',
  },
];

/** Bucket upper bounds (ms) of the latency histograms. */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000] as const;

export function latencyBucketOf(ms: number): number {
  let b = 0;
  while (b < LATENCY_BUCKETS_MS.length && ms > LATENCY_BUCKETS_MS[b]!) b++;
  return b;
}
