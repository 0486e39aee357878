// The StorageEngine contract. Operations reach storage only through these interfaces.
//
// It is shaped to fit a clustered backend later (NATS JetStream): logs get their offsets from the
// backend (never from an in-process counter in the caller), and metadata is a key-value store with
// compare-and-set on a revision, like a replicated KV bucket. Callers may cache; the backend is
// the truth.

/** A record as handed to `append`. Validation happened above: sizes and keys are already legal. */
export interface AppendRecord {
  readonly partitionKey: string;
  readonly data: Uint8Array;
}

/** A record as read back. `offset` is the record's position in its shard log. */
export interface StoredRecord {
  readonly offset: number;
  /** Arrival time, epoch milliseconds, assigned by the log at append. */
  readonly timestampMs: number;
  readonly partitionKey: string;
  readonly data: Uint8Array;
}

export interface AppendResult {
  /** Offset of the first record; the others follow consecutively. */
  readonly firstOffset: number;
  readonly timestampMs: number;
}

export interface ReadResult {
  readonly records: StoredRecord[];
  /** Offset to read from next (one past the last record returned, or `from` if none). */
  readonly nextOffset: number;
  /** Offset the next appended record will get: the log's tip. */
  readonly endOffset: number;
  /** Arrival time of the newest record in the log, or undefined when empty. */
  readonly lastTimestampMs: number | undefined;
}

export interface LogBounds {
  /** Oldest offset still stored (the trim horizon before time-based filtering). */
  readonly startOffset: number;
  /** Offset the next appended record will get. */
  readonly endOffset: number;
}

export interface ReadLimits {
  readonly maxRecords: number;
  /** Stop before exceeding this many bytes of data + partition key (at least one record is returned). */
  readonly maxBytes: number;
  /** Records with timestampMs below this are skipped (retention); optional. */
  readonly minTimestampMs?: number;
}

/** Durability: fsync = acknowledged means fdatasync'd; batch = written, fsync'd within a bounded interval; none = OS decides. */
export type Durability = 'fsync' | 'batch' | 'none';

/**
 * Append-only logs, one per shard, addressed by an opaque id (e.g. `<streamUid>/<shardIndex>`).
 * Offsets start at 0 and increase by 1 per record.
 */
export interface LogStore {
  /** Creates an empty log; a no-op when it exists. */
  create(logId: string): Promise<void>;
  /** Removes a log and all its data. A no-op when it is missing. */
  drop(logId: string): Promise<void>;
  /** Appends records atomically (all or none) and resolves once durable per the durability mode. */
  append(logId: string, records: readonly AppendRecord[]): Promise<AppendResult>;
  read(logId: string, fromOffset: number, limits: ReadLimits): Promise<ReadResult>;
  bounds(logId: string): Promise<LogBounds>;
  /** First offset whose record arrived at or after `timestampMs`; `endOffset` when none. */
  offsetForTimestamp(logId: string, timestampMs: number): Promise<number>;
  /** Deletes whole segments whose newest record is older than `cutoffMs`. Returns records dropped. */
  trimBefore(logId: string, cutoffMs: number): Promise<number>;
  /**
   * A promise that settles (never rejects) once every append queued to `logId` so far has been
   * committed or has failed; undefined when none is pending or the log does not exist. Lets a
   * reader at the end of a log include records whose commit is already under way.
   */
  settled(logId: string): Promise<void> | undefined;
  /**
   * Seals the log: it accepts no more appends, ever (also after a restart). Resolves to the final
   * end offset. Appends queued before the seal either commit below that offset or reject; appends
   * after it reject with LogSealedError; none ever commits at or past it. Sealing again is a no-op
   * that resolves to the same end offset. `read`, `bounds`, `offsetForTimestamp`, `trimBefore`
   * and `drop` keep working on a sealed log. (A clustered backend seals its stream in the cluster,
   * so appends from every gateway are decided by the same seal.)
   */
  seal(logId: string): Promise<number>;
  /** Calls `listener` after records are appended (committed) to `logId`. Returns an unsubscribe. */
  onAppend(logId: string, listener: (endOffset: number) => void): () => void;
}

export interface KvEntry {
  readonly key: string;
  readonly value: string;
  readonly revision: number;
}

/** Thrown by `put`/`delete` when the expected revision does not match. */
export class RevisionConflictError extends Error {
  constructor(key: string) {
    super(`revision conflict on ${key}`);
    this.name = 'RevisionConflictError';
  }
}

/** Thrown by `append` on a log that was sealed (see `LogStore.seal`), also when the seal came first in a race. */
export class LogSealedError extends Error {
  constructor(logId: string) {
    super(`log sealed: ${logId}`);
    this.name = 'LogSealedError';
  }
}

/** Thrown by log operations (other than `create`, `drop`, `onAppend`) on a log that does not exist. */
export class LogNotFoundError extends Error {
  constructor(logId: string) {
    super(`log not found: ${logId}`);
    this.name = 'LogNotFoundError';
  }
}

/** Small transactional metadata: streams, shards, consumers, tags, policies, account settings. */
export interface MetaStore {
  get(key: string): Promise<KvEntry | undefined>;
  /**
   * Writes `value`. `expectedRevision` null means "must not exist"; a number means "must be at that
   * revision"; undefined means unconditional. Resolves to the new revision.
   */
  put(key: string, value: string, expectedRevision?: number | null): Promise<number>;
  delete(key: string, expectedRevision?: number): Promise<void>;
  /**
   * One page of the entries whose key starts with `prefix`, in key order (Unicode code point
   * order): those with a key strictly after `options.after` (any string; usually the `next` of the
   * previous page), at most `options.limit` of them. `limit` must be an integer from 1 to
   * `storageLimits.metaListPageEntriesMax` (else RangeError). The page carries `next` exactly when
   * more entries remain under the prefix; pass it as `after` to continue. A cursor is a key, so
   * paging goes on correctly while entries are written or deleted (each page is read at its own
   * moment, not from one snapshot).
   */
  list(prefix: string, options: ListOptions): Promise<ListPage>;
}

export interface ListOptions {
  /** Only keys strictly after this one (in key order). */
  readonly after?: string;
  /** Entries in the page, at most (1 .. storageLimits.metaListPageEntriesMax). */
  readonly limit: number;
}

export interface ListPage {
  readonly entries: KvEntry[];
  /** Present when more entries remain under the prefix: the `after` of the next page. */
  readonly next?: string;
}

export interface StorageEngine {
  readonly kind: string;
  readonly logs: LogStore;
  readonly meta: MetaStore;
  close(): Promise<void>;
}
