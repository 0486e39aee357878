import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppendListeners } from '../append-listeners.js';
import type { Durability, StorageEngine } from '../engine.js';
import { BatchSyncer } from './batch-syncer.js';
import { BufferPool } from './buffer-pool.js';
import { ByteBudget } from './byte-budget.js';
import { FileHandleCache } from './file-handle-cache.js';
import { LocalLogStore } from './local-log-store.js';
import type { LogContext, RecoveryEvent } from './log-context.js';
import { SealedInfoCache } from './sealed-info-cache.js';
import { SqliteMetaStore } from './sqlite-meta-store.js';
import { TailCache } from './tail-cache.js';

export type { RecoveryEvent } from './log-context.js';

const MiB = 1024 * 1024;

/** Defaults and bounds of the local engine; every one is a memory or I/O bound, see docs/storage.md. */
export const localEngineLimits = {
  segmentBytesDefault: 64 * MiB,
  segmentBytesMax: 1024 * MiB,
  indexIntervalBytesDefault: 32 * 1024,
  readChunkBytes: 64 * 1024,
  readChunkBytesMax: 16 * MiB,
  flushBytesMax: 4 * MiB,
  flushBatchesMax: 1024,
  inlineWriteBytesMax: 64 * 1024,
  queuedBytesMaxDefault: 64 * MiB,
  pooledBufferBytesMin: 64 * 1024,
  pooledBuffersFreeBytesMax: 32 * MiB,
  tailCacheBytesDefault: 32 * MiB,
  tailCacheBatchesMax: 65_536,
  sealedIndexCacheBytesDefault: 16 * MiB,
  openFilesMaxDefault: 1024,
  batchSyncIntervalMs: 50,
  recoveryEventsMax: 1000,
} as const;

export interface LocalEngineOptions {
  readonly dataDir: string;
  readonly durability: Durability;
  /** A segment is rolled once it would grow past this (default 64 MiB). */
  readonly segmentBytes?: number;
  /** Bytes between sparse index entries (default 32 KiB). */
  readonly indexIntervalBytes?: number;
  /** Bytes written by one group commit (one writev + one fdatasync), default 4 MiB. */
  readonly flushBytesMax?: number;
  /** Encoded bytes waiting to be committed, all logs together, before `append` waits (default 64 MiB). */
  readonly queuedBytesMax?: number;
  /** Newest batches kept in memory for readers at the tip, all logs together (default 32 MiB). */
  readonly tailCacheBytes?: number;
  /** Indexes of older segments kept in memory, all logs together (default 16 MiB). */
  readonly sealedIndexCacheBytes?: number;
  /** Open file descriptors kept for segments and indexes (default 1024). */
  readonly openFilesMax?: number;
  /** Clock for record arrival times (epoch ms); tests inject one. */
  readonly now?: () => number;
  /** Receives warnings: repairs made at open or later, background fsync failures. */
  readonly onWarning?: (message: string, details: Record<string, unknown>) => void;
}

export interface RecoveryReport {
  readonly logsOpened: number;
  readonly durationMs: number;
  /** Repairs made while opening (the first `recoveryEventsMax`). */
  readonly events: readonly RecoveryEvent[];
  readonly eventsDropped: number;
}

export interface LocalEngine extends StorageEngine {
  readonly kind: 'local';
  readonly recoveryReport: RecoveryReport;
}

export async function openLocalEngine(opts: LocalEngineOptions): Promise<LocalEngine> {
  const started = performance.now();
  await fs.mkdir(opts.dataDir, { recursive: true });
  const meta = new SqliteMetaStore(path.join(opts.dataDir, 'meta.sqlite'), opts.durability);
  const events: RecoveryEvent[] = [];
  let eventsDropped = 0;
  let opening = true;
  const warn = opts.onWarning ?? defaultWarn;
  const onEvent = (event: RecoveryEvent): void => {
    warn(`storage repair: ${event.action}`, { ...event });
    if (!opening) return;
    if (events.length < localEngineLimits.recoveryEventsMax) events.push(event);
    else eventsDropped++;
  };
  const listeners = new AppendListeners((error) => warn('onAppend listener threw', { error: String(error) }));
  const syncer = new BatchSyncer(localEngineLimits.batchSyncIntervalMs);
  const ctx = makeContext(opts, { warn, report: onEvent, listeners, syncer });
  let logs: LocalLogStore;
  try {
    logs = await LocalLogStore.open(ctx, opts.dataDir, listeners);
  } catch (error) {
    await ctx.handles.closeAll();
    meta.close();
    throw error;
  }
  opening = false;
  const recoveryReport = {
    logsOpened: logs.logCount,
    durationMs: performance.now() - started,
    events,
    eventsDropped,
  };
  const close = async (): Promise<void> => {
    await logs.close();
    await syncer.stop();
    await ctx.handles.closeAll();
    meta.close();
  };
  return { kind: 'local', logs, meta, recoveryReport, close };
}

function makeContext(
  opts: LocalEngineOptions,
  parts: {
    warn: LogContext['warn'];
    report: LogContext['report'];
    listeners: AppendListeners;
    syncer: BatchSyncer;
  },
): LogContext {
  const L = localEngineLimits;
  const segmentBytes = opts.segmentBytes ?? L.segmentBytesDefault;
  assert.ok(segmentBytes > 0 && segmentBytes <= L.segmentBytesMax, 'segmentBytes out of range');
  return {
    durability: opts.durability,
    segmentBytes,
    indexIntervalBytes: opts.indexIntervalBytes ?? L.indexIntervalBytesDefault,
    readChunkBytes: L.readChunkBytes,
    readChunkBytesMax: L.readChunkBytesMax,
    flushBytesMax: opts.flushBytesMax ?? L.flushBytesMax,
    flushBatchesMax: L.flushBatchesMax,
    inlineWriteBytesMax: L.inlineWriteBytesMax,
    handles: new FileHandleCache(opts.openFilesMax ?? L.openFilesMaxDefault),
    budget: new ByteBudget(opts.queuedBytesMax ?? L.queuedBytesMaxDefault),
    buffers: new BufferPool(L.pooledBufferBytesMin, L.pooledBuffersFreeBytesMax),
    tails: new TailCache(opts.tailCacheBytes ?? L.tailCacheBytesDefault, L.tailCacheBatchesMax),
    sealedInfos: new SealedInfoCache(opts.sealedIndexCacheBytes ?? L.sealedIndexCacheBytesDefault),
    now: opts.now ?? Date.now,
    report: parts.report,
    warn: parts.warn,
    notify: (logId, endOffset) => parts.listeners.notify(logId, endOffset),
    markDirty: (log) => parts.syncer.mark(log),
  };
}

function defaultWarn(message: string, details: Record<string, unknown>): void {
  process.emitWarning(`${message} ${JSON.stringify(details)}`, 'ShardlineStorageWarning');
}
