import type { Durability } from '../engine.js';
import type { BufferPool } from './buffer-pool.js';
import type { ByteBudget } from './byte-budget.js';
import type { FileHandleCache } from './file-handle-cache.js';
import type { SealedInfoCache } from './sealed-info-cache.js';
import type { TailCache } from './tail-cache.js';

/** A repair made to stored files (reported at open in `recoveryReport`, and always via onWarning). */
export interface RecoveryEvent {
  readonly logId: string;
  readonly file: string;
  /**
   * truncated: a damaged tail was cut off the active segment; tail-ignored: a sealed segment is read
   * only up to its damaged tail (file left as is); index-rebuilt: index files rewritten from the
   * segment; removed: a leftover file deleted.
   */
  readonly action: 'truncated' | 'tail-ignored' | 'index-rebuilt' | 'removed';
  readonly reason: string;
  /** For `truncated` and `tail-ignored`: where the valid data ends and how many bytes follow. */
  readonly position?: number;
  readonly bytesRemoved?: number;
}

/** Settings and shared resources every log of one engine uses. */
export interface LogContext {
  readonly durability: Durability;
  readonly segmentBytes: number;
  readonly indexIntervalBytes: number;
  /** Smallest read issued against a segment; reads are larger when the limits ask for more. */
  readonly readChunkBytes: number;
  readonly readChunkBytesMax: number;
  readonly flushBytesMax: number;
  readonly flushBatchesMax: number;
  /** Commits up to this size are written on the event-loop thread (page cache), larger ones in the pool. */
  readonly inlineWriteBytesMax: number;
  readonly handles: FileHandleCache;
  readonly budget: ByteBudget;
  readonly buffers: BufferPool;
  readonly tails: TailCache;
  readonly sealedInfos: SealedInfoCache<object>;
  readonly now: () => number;
  readonly report: (event: RecoveryEvent) => void;
  readonly warn: (message: string, details: Record<string, unknown>) => void;
  readonly notify: (logId: string, endOffset: number) => void;
  /** batch durability: the log wrote data that the background syncer must fdatasync. */
  readonly markDirty: (log: { syncDirty(): Promise<void> }) => void;
}
