// Bounds of the CLI's user tools (put, tail, streams), with units in the names.
export const cliLimits = {
  /** CLI: records per PutRecords batch and its bytes (AWS: 500 and 5 MiB). */
  cliPutBatchRecordsMax: 500,
  cliPutBatchBytesMax: 4 * 1024 * 1024,
  /** CLI tail/replay: GetRecords page size and the idle poll interval. */
  cliReadPageRecordsMax: 1_000,
  cliTailPollMs: 1_000,
  /** CLI: a JSON-lines input line longer than this is refused. */
  cliInputLineBytesMax: 2 * 1024 * 1024,
  /** CLI: failed entries of one batch are retried this many times (throttling) before giving up. */
  cliPutRetriesMax: 10,
  /** CLI: a request that gets no answer is abandoned after this. */
  cliRequestTimeoutMs: 30_000,
} as const;
