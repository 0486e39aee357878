// Limits of the storage layer itself (not Kinesis's), with units in the name. src/storage/** takes
// its limits from here only, so the storage part does not depend on the Kinesis service.
export const storageLimits = {
  /** Entries one `MetaStore.list` call returns at most (a replicated KV bucket pages its keys too). */
  metaListPageEntriesMax: 1_000,
  /** Metadata entries the local engine keeps in memory after reading them (its SQLite file is exclusive to the process). */
  metaReadCacheEntriesMax: 16_384,
} as const;
