// Enhanced monitoring: `ALL` stands for the seven shard-level metrics.
export const ALL_SHARD_LEVEL_METRICS = [
  'IncomingBytes',
  'IncomingRecords',
  'OutgoingBytes',
  'OutgoingRecords',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
  'IteratorAgeMilliseconds',
] as const;

export function expandMetrics(requested: readonly string[]): string[] {
  return requested.includes('ALL') ? [...ALL_SHARD_LEVEL_METRICS] : [...new Set(requested)];
}

/** Keeps the canonical order so Describe output is stable. */
export function canonicalMetrics(metrics: Iterable<string>): string[] {
  const set = new Set(metrics);
  return ALL_SHARD_LEVEL_METRICS.filter((m) => set.has(m));
}
