import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  type AppendRecord,
  type AppendResult,
  type LogBounds,
  LogNotFoundError,
  LogSealedError,
  type ReadLimits,
  type ReadResult,
} from '../engine.js';
import {
  type BatchHeader,
  batchBytesMax,
  type EncodedBatch,
  encodeBatch,
  encodedBatchBytes,
  recordOverheadBytes,
  sealBatch,
} from './batch-codec.js';
import { scanBatches } from './batch-scanner.js';
import type { LogContext } from './log-context.js';
import { Mutex } from './mutex.js';
import { RecordCollector } from './record-collector.js';
import type { SealedInfo } from './sealed-info-cache.js';
import {
  createSegmentFiles,
  fsyncDir,
  isMissingFile,
  logSuffix,
  offsetIndexSuffix,
  parseSegmentName,
  readSmallFile,
  replaceFile,
  type SegmentPaths,
  segmentPaths,
  timeIndexSuffix,
  writeAllAt,
  writeAllAtSync,
} from './segment-files.js';
import { scanSegmentTail } from './segment-recovery.js';
import { offsetEntryBytes, SparseIndex, timeEntryBytes } from './sparse-index.js';
import { StorageCorruptionError } from './storage-corruption-error.js';
import { LogTail } from './tail-cache.js';

/** Reads restarted because retention deleted a segment under them. */
const readAttemptsMax = 3;
/** Recovery reads large pieces: it may have to rescan a whole segment whose index was lost. */
const recoveryChunkBytes = 1024 * 1024;
const twoPow32 = 0x1_0000_0000;

/** Groups written whose fdatasync and publication are still pending, per log. */
const commitsInFlightMax = 2;

/** The end of the log as far as writing goes. */
interface WriteTip {
  readonly offset: number;
  readonly bytes: number;
  readonly timestampMs: number | undefined;
  readonly indexCount: number;
  readonly lastEntryPos: number | undefined;
}

interface WritePlan {
  readonly start: WriteTip;
  readonly tip: WriteTip;
  readonly entries: readonly [relOffset: number, position: number][];
  readonly results: readonly AppendResult[];
}

const noop = (): void => undefined;

/**
 * Present in a sealed log's directory: `{"endOffset":N}`. Written by rename (see replaceFile), so a
 * crash leaves either no marker or a whole one; a leftover `sealed.tmp` is removed at open.
 */
export const sealMarkerName = 'sealed';

interface PendingAppend {
  readonly batch: EncodedBatch;
  readonly bytes: number;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

class SealedSegment {
  loading: Promise<SealedInfo> | undefined;
  constructor(
    readonly baseOffset: number,
    /** Base offset of the segment after it. */
    readonly endOffset: number,
    readonly paths: SegmentPaths,
  ) {}
}

interface ActiveSegment {
  readonly baseOffset: number;
  readonly paths: SegmentPaths;
  /** Bytes committed (visible to readers). */
  sizeBytes: number;
  readonly index: SparseIndex;
}

type LogState = 'open' | 'closing' | 'dropped';

/**
 * One shard log: a directory of segments, the newest one written. Appends queue up and are
 * group-committed (one writev, one fdatasync) by a single drain loop; readers see a record once
 * its commit has finished, i.e. once it is as durable as the mode promises.
 */
export class LocalLog {
  readonly #ctx: LogContext;
  readonly #tail = new LogTail();
  readonly #lock = new Mutex();
  #sealed: SealedSegment[];
  #active: ActiveSegment;
  #nextOffset: number;
  #lastTimestampMs: number | undefined;
  /** Where the next group goes: ahead of the visible end while commits are in flight. */
  #written: WriteTip;
  #queue: PendingAppend[] = [];
  #queueHead = 0;
  /** The newest append queued; it settles last (groups publish in queue order). */
  #newestAppend: Promise<AppendResult> | undefined;
  #draining: Promise<void> | undefined;
  /** Publications of written groups, oldest first; each settles after the one before it. */
  #inFlight: Promise<void>[] = [];
  /** Error of a failed commit, until the file is cut back to the visible end. */
  #poisoned: unknown;
  #state: LogState = 'open';
  /** Set once `seal` was called (or the marker was found at open): appends are refused from then on. */
  #sealRequested = false;
  /** The seal under way or done; undefined before the first `seal` or after a failed one. */
  #sealing: Promise<number> | undefined;
  #failure: unknown;
  readonly #dirtyFiles = new Set<string>();
  /**
   * Arrival time of the record at `startOffset`, while that is still the log's start. Readers pass
   * the retention cutoff (now minus retention) on every read; it is nearly always older than the
   * first record, and this answers that without touching the disk. Records never change while they
   * are kept, so it stays true until retention moves the start.
   */
  #startStamp: { readonly startOffset: number; readonly timestampMs: number } | undefined;

  private constructor(
    ctx: LogContext,
    readonly id: string,
    readonly dir: string,
    sealed: SealedSegment[],
    active: ActiveSegment,
    tip: { nextOffset: number; lastTimestampMs: number | undefined },
  ) {
    this.#ctx = ctx;
    this.#sealed = sealed;
    this.#active = active;
    this.#nextOffset = tip.nextOffset;
    this.#lastTimestampMs = tip.lastTimestampMs;
    this.#written = this.#visibleTip();
  }

  /** Opens the log in `dir`: lists segments, recovers the newest; older ones load lazily. */
  static async open(ctx: LogContext, id: string, dir: string): Promise<LocalLog> {
    const bases = await listSegments(ctx, id, dir);
    const activeBase = bases.at(-1)!;
    const sealed = bases
      .slice(0, -1)
      .map((b, i) => new SealedSegment(b, bases[i + 1]!, segmentPaths(dir, b)));
    const paths = segmentPaths(dir, activeBase);
    const recovered = await recoverSegment(ctx, id, activeBase, paths, true);
    const active = { baseOffset: activeBase, paths, sizeBytes: recovered.sizeBytes, index: recovered.index };
    const tip = { nextOffset: recovered.nextOffset, lastTimestampMs: recovered.lastTimestampMs };
    const log = new LocalLog(ctx, id, dir, sealed, active, tip);
    if (tip.lastTimestampMs === undefined) {
      log.#lastTimestampMs = await log.#sealedLastTimestamp();
      log.#written = log.#visibleTip();
    }
    await log.#loadSealMarker();
    return log;
  }

  async #loadSealMarker(): Promise<void> {
    const marker = await readSmallFile(path.join(this.dir, sealMarkerName));
    if (marker.length === 0) return;
    let endOffset = Number.NaN;
    try {
      endOffset = Number((JSON.parse(marker.toString('utf8')) as { endOffset?: unknown }).endOffset);
    } catch {}
    if (endOffset !== this.#nextOffset) {
      // Lost records (durability none) or a damaged marker: the log is sealed where it now ends.
      this.#ctx.report({
        logId: this.id,
        file: path.join(this.dir, sealMarkerName),
        action: 'tail-ignored',
        reason: `seal marker says end offset ${marker.toString('utf8').slice(0, 64)}, log ends at ${this.#nextOffset}`,
      });
    }
    this.#sealRequested = true;
    this.#sealing = Promise.resolve(this.#nextOffset);
  }

  get startOffset(): number {
    return this.#sealed[0]?.baseOffset ?? this.#active.baseOffset;
  }

  bounds(): LogBounds {
    this.#assertReadable();
    return { startOffset: this.startOffset, endOffset: this.#nextOffset };
  }

  // ---- append -------------------------------------------------------------------------------

  async append(records: readonly AppendRecord[]): Promise<AppendResult> {
    assert.ok(records.length > 0, 'append needs at least one record');
    this.#assertWritable();
    const bytes = encodedBatchBytes(records);
    if (bytes > batchBytesMax) throw new RangeError(`append of ${bytes} bytes exceeds ${batchBytesMax}`);
    // tryAcquire fails whenever someone is waiting, so appends keep their call order.
    if (!this.#ctx.budget.tryAcquire(bytes)) await this.#ctx.budget.acquire(bytes);
    try {
      this.#assertWritable();
    } catch (error) {
      this.#ctx.budget.release(bytes);
      throw error;
    }
    const batch = encodeBatch(records, bytes, (n) => this.#ctx.buffers.acquire(n));
    const committed = new Promise<AppendResult>((resolve, reject) => {
      this.#queue.push({ batch, bytes, resolve, reject });
    });
    this.#newestAppend = committed;
    this.#draining ??= this.#drain();
    return committed;
  }

  /**
   * See LogStore.seal. Appends are refused from the call on; the ones queued before it are
   * committed (or fail) first, then the marker file is written, under the lock and after every
   * write was settled, so the marker's end offset is the visible end and nothing follows it.
   */
  seal(): Promise<number> {
    try {
      this.#assertReadable();
    } catch (error) {
      return Promise.reject(error);
    }
    this.#sealRequested = true;
    this.#sealing ??= this.#writeSeal().catch((error: unknown) => {
      this.#sealing = undefined;
      throw error;
    });
    return this.#sealing;
  }

  async #writeSeal(): Promise<number> {
    while (this.#draining !== undefined) await this.#draining;
    return this.#lock.run(async () => {
      await this.#settle();
      this.#assertReadable();
      // batch: the records below the seal are made durable before the marker that names their end.
      if (this.#ctx.durability === 'batch')
        await this.#ctx.handles.with(this.#active.paths.log, (h) => h.datasync());
      const endOffset = this.#nextOffset;
      const durable = this.#ctx.durability !== 'none';
      await replaceFile(
        path.join(this.dir, sealMarkerName),
        Buffer.from(JSON.stringify({ endOffset })),
        durable,
      );
      if (durable) await fsyncDir(this.dir);
      return endOffset;
    });
  }

  /**
   * See LogStore.settled. The drain loop runs while anything is queued or in flight, so without it
   * nothing is pending; with it, the newest append settles after all the others.
   */
  settled(): Promise<void> | undefined {
    if (this.#draining === undefined || this.#newestAppend === undefined) return undefined;
    return this.#newestAppend.then(noop, noop);
  }

  /**
   * Writes queued appends group by group until nothing is queued or in flight. Never rejects:
   * failures go to the appenders.
   */
  async #drain(): Promise<void> {
    try {
      for (;;) {
        if (this.#queueHead < this.#queue.length) await this.#lock.run(() => this.#writeNext());
        else if (this.#inFlight.length > 0) await this.#inFlight.shift();
        else return;
      }
    } finally {
      this.#draining = undefined;
    }
  }

  /**
   * Writes the next group at the write tip and queues its publication, without waiting for its
   * fdatasync: the next group is written while this one syncs (a two-stage pipeline).
   */
  async #writeNext(): Promise<void> {
    while (this.#inFlight.length >= commitsInFlightMax) await this.#inFlight.shift();
    const first = this.#queue[this.#queueHead];
    if (first === undefined) return;
    if (this.#poisoned !== undefined || this.#needsRoll(first.bytes)) await this.#settle();
    const roll = this.#needsRoll(first.bytes);
    const room = this.#ctx.segmentBytes - (roll ? 0 : this.#written.bytes);
    const group = this.#takeGroup(room);
    const groupBytes = group.reduce((sum, p) => sum + p.bytes, 0);
    try {
      if (this.#failure !== undefined) throw this.#failure;
      if (roll) await this.#roll();
    } catch (error) {
      for (const p of group) p.reject(error);
      this.#ctx.budget.release(groupBytes);
      return;
    }
    const plan = this.#plan(group);
    const writeError = await this.#writeGroup(group, plan);
    // The kernel has the bytes now; pooled buffers never reach the tail cache, so nothing else
    // holds a view of them.
    for (const p of group) this.#ctx.buffers.release(p.batch.buffer);
    this.#written = plan.tip;
    const previous = this.#inFlight.at(-1);
    this.#inFlight.push(this.#publishInOrder(group, groupBytes, plan, writeError, previous));
  }

  #needsRoll(nextBytes: number): boolean {
    return this.#written.bytes > 0 && this.#written.bytes + nextBytes > this.#ctx.segmentBytes;
  }

  /** Waits for every write in flight to be published; undoes failed ones. */
  async #settle(): Promise<void> {
    await Promise.all(this.#inFlight);
    this.#inFlight = [];
    if (this.#poisoned === undefined) return;
    const active = this.#active;
    try {
      // Everything after the visible end is from failed or cancelled commits.
      await this.#ctx.handles.with(active.paths.log, (h) => h.truncate(active.sizeBytes));
      this.#poisoned = undefined;
      this.#written = this.#visibleTip();
    } catch (error) {
      this.#failure = error;
      this.#ctx.warn('log disabled: could not undo a failed write', { logId: this.id, error: String(error) });
    }
  }

  /** Takes queued appends for one commit: bounded in bytes and count, and to the segment's room. */
  #takeGroup(roomBytes: number): PendingAppend[] {
    const limit = Math.min(roomBytes, this.#ctx.flushBytesMax);
    const group: PendingAppend[] = [];
    let bytes = 0;
    while (this.#queueHead < this.#queue.length && group.length < this.#ctx.flushBatchesMax) {
      const next = this.#queue[this.#queueHead]!;
      if (group.length > 0 && bytes + next.bytes > limit) break;
      group.push(next);
      bytes += next.bytes;
      this.#queueHead++;
    }
    if (this.#queueHead === this.#queue.length) {
      this.#queue = [];
      this.#queueHead = 0;
    }
    return group;
  }

  /** Assigns offsets and the arrival time, seals the batches, and picks new index points. */
  #plan(group: readonly PendingAppend[]): WritePlan {
    const w = this.#written;
    const timestampMs = Math.max(this.#ctx.now(), w.timestampMs ?? 0);
    const baseOffset = this.#active.baseOffset;
    const entries: [relOffset: number, position: number][] = [];
    const results: AppendResult[] = [];
    let { offset, bytes: pos, lastEntryPos } = w;
    for (const p of group) {
      sealBatch(p.batch, offset, timestampMs);
      if (lastEntryPos === undefined || pos - lastEntryPos >= this.#ctx.indexIntervalBytes) {
        entries.push([offset - baseOffset, pos]);
        lastEntryPos = pos;
      }
      results.push({ firstOffset: offset, timestampMs });
      offset += p.batch.recordCount;
      pos += p.bytes;
    }
    const tip = { offset, bytes: pos, timestampMs, indexCount: w.indexCount + entries.length, lastEntryPos };
    return { start: w, tip, entries, results };
  }

  /** Writes the batches and their index points; resolves to the error of the log write, if any. */
  async #writeGroup(group: readonly PendingAppend[], plan: WritePlan): Promise<unknown> {
    const active = this.#active;
    const buffers = group.map((p) => p.batch.buffer);
    const indexWrite = this.#writeIndexEntries(active, plan);
    const at = plan.start.bytes;
    const inline = plan.tip.bytes - at <= this.#ctx.inlineWriteBytesMax;
    try {
      await this.#ctx.handles.with(active.paths.log, async (h) =>
        inline ? writeAllAtSync(h, buffers, at) : writeAllAt(h, buffers, at),
      );
      return undefined;
    } catch (error) {
      return error;
    } finally {
      await indexWrite;
    }
  }

  /** Index files are rebuildable, so they are written beside the data but never fsync'd per commit. */
  async #writeIndexEntries(active: ActiveSegment, plan: WritePlan): Promise<void> {
    const { entries } = plan;
    if (entries.length === 0) return;
    const ts = plan.tip.timestampMs!;
    const offsets = Buffer.allocUnsafe(entries.length * offsetEntryBytes);
    const times = Buffer.allocUnsafe(entries.length * timeEntryBytes);
    entries.forEach(([rel, pos], i) => {
      offsets.writeUInt32LE(rel, i * offsetEntryBytes);
      offsets.writeUInt32LE(pos, i * offsetEntryBytes + 4);
      times.writeUInt32LE(ts % twoPow32, i * timeEntryBytes);
      times.writeUInt32LE(Math.floor(ts / twoPow32), i * timeEntryBytes + 4);
      times.writeUInt32LE(rel, i * timeEntryBytes + 8);
    });
    const n = plan.start.indexCount;
    const { handles } = this.#ctx;
    try {
      // A few bytes each: written on this thread (see writeAllAtSync).
      await Promise.all([
        handles.with(active.paths.offsetIndex, async (h) =>
          writeAllAtSync(h, [offsets], n * offsetEntryBytes),
        ),
        handles.with(active.paths.timeIndex, async (h) => writeAllAtSync(h, [times], n * timeEntryBytes)),
      ]);
    } catch (error) {
      this.#ctx.warn('index write failed; it will be rebuilt on open', {
        logId: this.id,
        error: String(error),
      });
    }
  }

  /**
   * fdatasyncs (in fsync mode), waits for the previous group's publication, then makes the group
   * visible and resolves its appends. A failure poisons the pipeline: every later group in flight
   * is refused too, and the next write first cuts the file back to the visible end.
   */
  async #publishInOrder(
    group: readonly PendingAppend[],
    groupBytes: number,
    plan: WritePlan,
    writeError: unknown,
    previous: Promise<void> | undefined,
  ): Promise<void> {
    let error = writeError;
    if (error === undefined && this.#ctx.durability === 'fsync') {
      try {
        await this.#ctx.handles.with(this.#active.paths.log, (h) => h.datasync());
      } catch (syncError) {
        error = syncError;
      }
    }
    await previous;
    if (error === undefined && this.#poisoned === undefined) {
      this.#publish(group, plan);
      for (let i = 0; i < group.length; i++) group[i]!.resolve(plan.results[i]!);
      this.#ctx.notify(this.id, this.#nextOffset);
    } else {
      this.#poisoned ??= error;
      for (const p of group) p.reject(error ?? this.#poisoned);
    }
    this.#ctx.budget.release(groupBytes);
  }

  #publish(group: readonly PendingAppend[], plan: WritePlan): void {
    const active = this.#active;
    const timestampMs = plan.tip.timestampMs!;
    for (const [rel, pos] of plan.entries) active.index.push(rel, pos, timestampMs);
    group.forEach((p, i) => {
      const header: BatchHeader = {
        crc: 0,
        batchBytes: p.bytes,
        recordCount: p.batch.recordCount,
        baseOffset: plan.results[i]!.firstOffset,
        timestampMs,
      };
      if (this.#ctx.buffers.pools(p.bytes)) this.#ctx.tails.clear(this.#tail);
      else this.#ctx.tails.add(this.#tail, { header, buffer: p.batch.buffer });
    });
    active.sizeBytes = plan.tip.bytes;
    this.#nextOffset = plan.tip.offset;
    this.#lastTimestampMs = timestampMs;
    if (this.#ctx.durability === 'batch') {
      this.#dirtyFiles.add(active.paths.log);
      this.#ctx.markDirty(this);
    }
  }

  #visibleTip(): WriteTip {
    const { index, sizeBytes } = this.#active;
    return {
      offset: this.#nextOffset,
      bytes: sizeBytes,
      timestampMs: this.#lastTimestampMs,
      indexCount: index.count,
      lastEntryPos: index.count > 0 ? index.positionAt(index.count - 1) : undefined,
    };
  }

  /** Seals the active segment and starts a new one at the log's end. Caller holds the lock and settled. */
  async #roll(): Promise<void> {
    const old = this.#active;
    // batch: a sealed segment is always whole on disk, so a power loss can only cost a suffix of
    // the active segment, never a hole in the middle of the log (fsync: already synced).
    if (this.#ctx.durability === 'batch') await this.#ctx.handles.with(old.paths.log, (h) => h.datasync());
    const paths = segmentPaths(this.dir, this.#nextOffset);
    await createSegmentFiles(paths);
    if (this.#ctx.durability !== 'none') await fsyncDir(this.dir);
    const sealed = new SealedSegment(old.baseOffset, this.#nextOffset, old.paths);
    this.#ctx.sealedInfos.set(sealed, {
      index: old.index,
      sizeBytes: old.sizeBytes,
      lastTimestampMs: this.#lastTimestampMs,
    });
    this.#sealed = [...this.#sealed, sealed];
    this.#active = { baseOffset: this.#nextOffset, paths, sizeBytes: 0, index: new SparseIndex() };
    this.#written = this.#visibleTip();
    await Promise.all([old.paths.offsetIndex, old.paths.timeIndex].map((p) => this.#ctx.handles.forget(p)));
  }

  /** batch durability: fdatasync what was written since the last call. */
  async syncDirty(): Promise<void> {
    const files = [...this.#dirtyFiles];
    this.#dirtyFiles.clear();
    for (const file of files) {
      try {
        await this.#ctx.handles.with(file, (h) => h.datasync());
      } catch (error) {
        if (isMissingFile(error)) continue;
        this.#failure ??= error;
        this.#ctx.warn('log disabled: background fdatasync failed', { logId: this.id, error: String(error) });
      }
    }
  }

  // ---- read ---------------------------------------------------------------------------------

  async read(fromOffset: number, limits: ReadLimits): Promise<ReadResult> {
    this.#assertReadable();
    let start = Math.max(fromOffset, this.startOffset);
    if (limits.minTimestampMs !== undefined) {
      start = Math.max(start, await this.offsetForTimestamp(limits.minTimestampMs));
    }
    const collector = new RecordCollector(limits);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#collect(Math.max(start, collector.nextOffset ?? 0), collector, limits);
        break;
      } catch (error) {
        if (!isMissingFile(error) || attempt >= readAttemptsMax) throw error;
        start = Math.max(start, this.startOffset);
      }
    }
    return {
      records: collector.records,
      nextOffset: collector.nextOffset ?? fromOffset,
      endOffset: this.#nextOffset,
      lastTimestampMs: this.#lastTimestampMs,
    };
  }

  async #collect(from: number, collector: RecordCollector, limits: ReadLimits): Promise<void> {
    let offset = from;
    while (!collector.full && offset < this.#nextOffset) {
      const tailStart = this.#tail.firstOffset;
      if (tailStart !== undefined && offset >= tailStart) {
        this.#tail.collect(offset, collector);
        return;
      }
      offset = await this.#collectFromSegment(offset, collector, limits);
    }
  }

  /** Collects from the segment holding `offset`; returns where to continue. */
  async #collectFromSegment(offset: number, collector: RecordCollector, limits: ReadLimits): Promise<number> {
    const segment = this.#segmentFor(offset);
    const view =
      segment === this.#active ? this.#activeView() : await this.#sealedView(segment as SealedSegment);
    const entry = view.index.floorByRelOffset(offset - view.baseOffset);
    const start = entry >= 0 ? view.index.positionAt(entry) : 0;
    const wanted = limits.maxBytes + limits.maxRecords * recordOverheadBytes + this.#ctx.indexIntervalBytes;
    const chunk = Math.min(Math.max(wanted, this.#ctx.readChunkBytes), this.#ctx.readChunkBytesMax);
    let next = offset;
    const scan = await this.#ctx.handles.with(view.paths.log, (h) =>
      scanBatches(h, start, view.sizeBytes, chunk, true, (buf, at, header) => {
        collector.addBatch(buf, at, header, offset);
        next = header.baseOffset + header.recordCount;
        return !collector.full;
      }),
    );
    if (scan.problem !== undefined) {
      throw new StorageCorruptionError(`${view.paths.log} at byte ${scan.position}: ${scan.problem}`);
    }
    return scan.stopped ? next : view.endOffset;
  }

  #segmentFor(offset: number): SealedSegment | ActiveSegment {
    if (offset >= this.#active.baseOffset) return this.#active;
    const sealed = this.#sealed;
    let lo = 0;
    let hi = sealed.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sealed[mid]!.baseOffset <= offset) lo = mid + 1;
      else hi = mid;
    }
    return sealed[Math.max(0, lo - 1)]!;
  }

  #activeView(): SegmentView {
    const a = this.#active;
    return {
      baseOffset: a.baseOffset,
      endOffset: this.#nextOffset,
      paths: a.paths,
      index: a.index,
      sizeBytes: a.sizeBytes,
    };
  }

  async #sealedView(segment: SealedSegment): Promise<SegmentView> {
    const info = await this.#sealedInfo(segment);
    return { ...info, baseOffset: segment.baseOffset, endOffset: segment.endOffset, paths: segment.paths };
  }

  async #sealedInfo(segment: SealedSegment): Promise<SealedInfo> {
    const cached = this.#ctx.sealedInfos.get(segment);
    if (cached !== undefined) return cached;
    segment.loading ??= this.#loadSealed(segment).finally(() => {
      segment.loading = undefined;
    });
    return segment.loading;
  }

  async #loadSealed(segment: SealedSegment): Promise<SealedInfo> {
    const recovered = await recoverSegment(this.#ctx, this.id, segment.baseOffset, segment.paths, false);
    if (recovered.nextOffset !== segment.endOffset) {
      this.#ctx.warn('records missing between segments', {
        logId: this.id,
        file: segment.paths.log,
        from: recovered.nextOffset,
        to: segment.endOffset,
      });
    }
    const info = {
      index: recovered.index,
      sizeBytes: recovered.sizeBytes,
      lastTimestampMs: recovered.lastTimestampMs,
    };
    this.#ctx.sealedInfos.set(segment, info);
    return info;
  }

  async #sealedLastTimestamp(): Promise<number | undefined> {
    for (let i = this.#sealed.length - 1; i >= 0; i--) {
      const info = await this.#sealedInfo(this.#sealed[i]!);
      if (info.lastTimestampMs !== undefined) return info.lastTimestampMs;
    }
    return undefined;
  }

  // ---- time ---------------------------------------------------------------------------------

  async offsetForTimestamp(timestampMs: number): Promise<number> {
    this.#assertReadable();
    const end = this.#nextOffset;
    if (this.#lastTimestampMs === undefined || this.#lastTimestampMs < timestampMs) return end;
    const start = this.#startStamp;
    if (start !== undefined && start.startOffset === this.startOffset && timestampMs <= start.timestampMs)
      return start.startOffset;
    const fromTail = this.#offsetForTimestampInTail(timestampMs);
    if (fromTail !== undefined) return fromTail;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#offsetForTimestampOnDisk(timestampMs);
      } catch (error) {
        if (!isMissingFile(error) || attempt >= readAttemptsMax) throw error;
      }
    }
  }

  #offsetForTimestampInTail(timestampMs: number): number | undefined {
    const tailStart = this.#tail.firstOffset;
    if (tailStart === undefined) return undefined;
    let first = true;
    for (const { header } of this.#tail.from(tailStart)) {
      if (header.timestampMs >= timestampMs) {
        if (!first) return header.baseOffset;
        // Older records may precede the tail, unless the tail starts at the log's start.
        if (tailStart !== this.startOffset) return undefined;
        this.#startStamp = { startOffset: tailStart, timestampMs: header.timestampMs };
        return tailStart;
      }
      first = false;
    }
    return this.#nextOffset;
  }

  async #offsetForTimestampOnDisk(timestampMs: number): Promise<number> {
    const segment = await this.#firstSegmentReaching(timestampMs);
    if (segment === undefined) return this.#nextOffset;
    const view =
      segment === this.#active ? this.#activeView() : await this.#sealedView(segment as SealedSegment);
    const entry = view.index.lastBeforeTimestamp(timestampMs);
    const start = entry >= 0 ? view.index.positionAt(entry) : 0;
    let found = view.endOffset;
    let foundTimestampMs: number | undefined;
    const scan = await this.#ctx.handles.with(view.paths.log, (h) =>
      scanBatches(h, start, view.sizeBytes, this.#ctx.readChunkBytes, false, (_buf, _at, header) => {
        if (header.timestampMs < timestampMs) return true;
        found = header.baseOffset;
        foundTimestampMs = header.timestampMs;
        return false;
      }),
    );
    if (scan.problem !== undefined) {
      throw new StorageCorruptionError(`${view.paths.log} at byte ${scan.position}: ${scan.problem}`);
    }
    if (foundTimestampMs !== undefined && found === this.startOffset)
      this.#startStamp = { startOffset: found, timestampMs: foundTimestampMs };
    return Math.max(found, this.startOffset);
  }

  /** The oldest segment whose newest record arrived at or after `timestampMs` (binary search). */
  async #firstSegmentReaching(timestampMs: number): Promise<SealedSegment | ActiveSegment | undefined> {
    const sealed = this.#sealed;
    let lo = 0;
    let hi = sealed.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const last = (await this.#sealedInfo(sealed[mid]!)).lastTimestampMs;
      if (last === undefined || last < timestampMs) lo = mid + 1;
      else hi = mid;
    }
    if (lo < sealed.length) return sealed[lo];
    return this.#active.sizeBytes > 0 ? this.#active : undefined;
  }

  // ---- retention ------------------------------------------------------------------------------

  /** Deletes whole segments whose newest record is older than `cutoffMs` (see docs/storage.md). */
  async trimBefore(cutoffMs: number): Promise<number> {
    this.#assertReadable();
    return this.#lock.run(async () => {
      const before = this.startOffset;
      let count = 0;
      for (const segment of this.#sealed) {
        const last = (await this.#sealedInfo(segment)).lastTimestampMs;
        if (last !== undefined && last >= cutoffMs) break;
        count++;
      }
      if (count === this.#sealed.length && (await this.#rollIfAllOlderThan(cutoffMs))) {
        count++;
        this.#ctx.tails.clear(this.#tail);
      }
      const doomed = this.#sealed.slice(0, count);
      this.#sealed = this.#sealed.slice(count);
      for (const segment of doomed) await this.#deleteSegment(segment);
      return this.startOffset - before;
    });
  }

  /** Rolls the active segment when every record in it is older than `cutoffMs`. Caller holds the lock. */
  async #rollIfAllOlderThan(cutoffMs: number): Promise<boolean> {
    const allOld = (): boolean =>
      this.#written.bytes > 0 && this.#lastTimestampMs !== undefined && this.#lastTimestampMs < cutoffMs;
    if (!allOld()) return false;
    await this.#settle();
    // Settled under the lock: nothing is in flight, so written and visible ends agree.
    if (!allOld() || this.#failure !== undefined || this.#written.bytes !== this.#active.sizeBytes)
      return false;
    await this.#roll();
    return true;
  }

  async #deleteSegment(segment: SealedSegment): Promise<void> {
    this.#ctx.sealedInfos.delete(segment);
    const { log, offsetIndex, timeIndex } = segment.paths;
    this.#dirtyFiles.delete(log);
    // The log file goes first: a crash after it leaves orphan index files, which open deletes.
    for (const file of [log, offsetIndex, timeIndex]) {
      await this.#ctx.handles.forget(file);
      await fs.rm(file, { force: true });
    }
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Commits what is queued, then refuses further appends. */
  async close(): Promise<void> {
    if (this.#state === 'open') this.#state = 'closing';
    await this.#draining;
    await this.#lock.run(async () => {});
    if (this.#ctx.durability === 'batch') await this.syncDirty();
    this.#ctx.tails.clear(this.#tail);
  }

  /** Fails queued appends, waits for the commit in flight, and forgets the log. Files are the caller's. */
  async drop(): Promise<void> {
    this.#state = 'dropped';
    const queued = this.#queue.slice(this.#queueHead);
    this.#queue = [];
    this.#queueHead = 0;
    for (const p of queued) {
      this.#ctx.budget.release(p.bytes);
      p.reject(new LogNotFoundError(this.id));
    }
    await this.#draining;
    await this.#lock.run(async () => {});
    this.#ctx.tails.clear(this.#tail);
    for (const segment of this.#sealed) this.#ctx.sealedInfos.delete(segment);
    await this.#ctx.handles.forgetUnder(this.dir);
  }

  #assertReadable(): void {
    if (this.#state === 'dropped') throw new LogNotFoundError(this.id);
  }

  #assertWritable(): void {
    this.#assertReadable();
    if (this.#state === 'closing') throw new Error('storage engine is closing');
    if (this.#sealRequested) throw new LogSealedError(this.id);
    if (this.#failure !== undefined) throw this.#failure;
  }
}

interface SegmentView {
  readonly baseOffset: number;
  readonly endOffset: number;
  readonly paths: SegmentPaths;
  readonly index: SparseIndex;
  readonly sizeBytes: number;
}

/** Segment base offsets in `dir`, oldest first; removes leftovers; creates the first segment if none. */
async function listSegments(ctx: LogContext, id: string, dir: string): Promise<number[]> {
  const names = await fs.readdir(dir);
  const bases = names.flatMap((n) => parseSegmentName(n, logSuffix) ?? []).sort((a, b) => a - b);
  const known = new Set(bases);
  for (const name of names) {
    const base = parseSegmentName(name, offsetIndexSuffix) ?? parseSegmentName(name, timeIndexSuffix);
    const orphan = (base !== undefined && !known.has(base)) || name.endsWith('.tmp');
    if (!orphan) continue;
    await fs.rm(`${dir}/${name}`, { force: true });
    ctx.report({ logId: id, file: name, action: 'removed', reason: 'leftover file' });
  }
  if (bases.length === 0) {
    await createSegmentFiles(segmentPaths(dir, 0));
    bases.push(0);
  }
  return bases;
}

interface RecoveredSegment {
  readonly index: SparseIndex;
  readonly sizeBytes: number;
  readonly nextOffset: number;
  readonly lastTimestampMs: number | undefined;
}

/**
 * Loads a segment's index and verifies the data after its last index point; rewrites a stale
 * index. A damaged tail is cut off the active segment (`cutDamagedTail`), where it is the torn
 * end of an interrupted write; a sealed segment is left as it is and only read up to the damage.
 */
async function recoverSegment(
  ctx: LogContext,
  id: string,
  baseOffset: number,
  paths: SegmentPaths,
  cutDamagedTail: boolean,
): Promise<RecoveredSegment> {
  const [offsetFile, timeFile] = await Promise.all([
    readSmallFile(paths.offsetIndex),
    readSmallFile(paths.timeIndex),
  ]);
  return ctx.handles.with(paths.log, async (handle) => {
    const fileBytes = (await handle.stat()).size;
    const index = SparseIndex.parse(offsetFile, timeFile, fileBytes);
    const opts = {
      baseOffset,
      fileBytes,
      indexIntervalBytes: ctx.indexIntervalBytes,
      chunkBytes: recoveryChunkBytes,
    };
    const state = await scanSegmentTail(handle, index, opts);
    if (state.problem !== undefined) {
      if (cutDamagedTail) {
        await handle.truncate(state.validBytes);
        if (ctx.durability !== 'none') await handle.datasync();
      }
      ctx.report({
        logId: id,
        file: paths.log,
        action: cutDamagedTail ? 'truncated' : 'tail-ignored',
        reason: state.problem,
        position: state.validBytes,
        bytesRemoved: fileBytes - state.validBytes,
      });
    }
    const current =
      offsetFile.length === index.count * offsetEntryBytes &&
      timeFile.length === index.count * timeEntryBytes;
    if (!current || !index.encodeOffsetEntries().equals(offsetFile)) {
      await rewriteIndex(ctx, paths, index);
      ctx.report({
        logId: id,
        file: paths.offsetIndex,
        action: 'index-rebuilt',
        reason: 'index did not match segment',
      });
    }
    return {
      index,
      sizeBytes: state.validBytes,
      nextOffset: state.nextOffset,
      lastTimestampMs: state.lastTimestampMs,
    };
  });
}

async function rewriteIndex(ctx: LogContext, paths: SegmentPaths, index: SparseIndex): Promise<void> {
  await Promise.all([ctx.handles.forget(paths.offsetIndex), ctx.handles.forget(paths.timeIndex)]);
  await replaceFile(paths.offsetIndex, index.encodeOffsetEntries(), false);
  await replaceFile(paths.timeIndex, index.encodeTimeEntries(), false);
}
