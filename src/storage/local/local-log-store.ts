import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { AppendListeners } from '../append-listeners.js';
import {
  type AppendRecord,
  type AppendResult,
  type LogBounds,
  LogNotFoundError,
  type LogStore,
  type ReadLimits,
  type ReadResult,
} from '../engine.js';
import { LocalLog } from './local-log.js';
import type { LogContext } from './log-context.js';
import { logDirName, logIdOfDirName } from './log-dir-name.js';
import { fsyncDir } from './segment-files.js';

/** Logs recovered in parallel at open. */
const openConcurrency = 8;

/** The LogStore of the local engine: one LocalLog per directory under `<dataDir>/logs`. */
export class LocalLogStore implements LogStore {
  readonly #ctx: LogContext;
  readonly #logsDir: string;
  readonly #trashDir: string;
  readonly #listeners: AppendListeners;
  readonly #logs = new Map<string, LocalLog>();
  /** create/drop of one id run one after the other. */
  readonly #lifecycle = new Map<string, Promise<void>>();

  private constructor(ctx: LogContext, dataDir: string, listeners: AppendListeners) {
    this.#ctx = ctx;
    this.#logsDir = path.join(dataDir, 'logs');
    this.#trashDir = path.join(dataDir, 'trash');
    this.#listeners = listeners;
  }

  get logCount(): number {
    return this.#logs.size;
  }

  static async open(ctx: LogContext, dataDir: string, listeners: AppendListeners): Promise<LocalLogStore> {
    const store = new LocalLogStore(ctx, dataDir, listeners);
    await fs.mkdir(store.#logsDir, { recursive: true });
    // Dropped logs are moved to trash first, so a crash mid-delete cannot bring them back.
    await fs.rm(store.#trashDir, { recursive: true, force: true });
    await fs.mkdir(store.#trashDir, { recursive: true });
    const names = await fs.readdir(store.#logsDir);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < names.length) await store.#openExisting(names[next++]!);
    };
    await Promise.all(Array.from({ length: openConcurrency }, worker));
    return store;
  }

  async #openExisting(name: string): Promise<void> {
    const id = logIdOfDirName(name);
    if (id === undefined) {
      this.#ctx.warn('ignoring unknown entry in logs directory', { name });
      return;
    }
    this.#logs.set(id, await LocalLog.open(this.#ctx, id, path.join(this.#logsDir, name)));
  }

  create(logId: string): Promise<void> {
    return this.#serialize(logId, async () => {
      if (this.#logs.has(logId)) return;
      const dir = path.join(this.#logsDir, logDirName(logId));
      await fs.mkdir(dir, { recursive: true });
      const log = await LocalLog.open(this.#ctx, logId, dir);
      if (this.#ctx.durability !== 'none') {
        await fsyncDir(dir);
        await fsyncDir(this.#logsDir);
      }
      this.#logs.set(logId, log);
    });
  }

  drop(logId: string): Promise<void> {
    return this.#serialize(logId, async () => {
      const log = this.#logs.get(logId);
      if (log === undefined) return;
      this.#logs.delete(logId);
      await log.drop();
      const trash = path.join(this.#trashDir, `${path.basename(log.dir)}-${randomUUID()}`);
      await fs.rename(log.dir, trash);
      if (this.#ctx.durability !== 'none') await fsyncDir(this.#logsDir);
      await fs.rm(trash, { recursive: true, force: true });
    });
  }

  append(logId: string, records: readonly AppendRecord[]): Promise<AppendResult> {
    const log = this.#logs.get(logId);
    return log === undefined ? Promise.reject(new LogNotFoundError(logId)) : log.append(records);
  }

  seal(logId: string): Promise<number> {
    const log = this.#logs.get(logId);
    return log === undefined ? Promise.reject(new LogNotFoundError(logId)) : log.seal();
  }

  settled(logId: string): Promise<void> | undefined {
    return this.#logs.get(logId)?.settled();
  }

  async read(logId: string, fromOffset: number, limits: ReadLimits): Promise<ReadResult> {
    return this.#get(logId).read(fromOffset, limits);
  }

  async bounds(logId: string): Promise<LogBounds> {
    return this.#get(logId).bounds();
  }

  async offsetForTimestamp(logId: string, timestampMs: number): Promise<number> {
    return this.#get(logId).offsetForTimestamp(timestampMs);
  }

  async trimBefore(logId: string, cutoffMs: number): Promise<number> {
    return this.#get(logId).trimBefore(cutoffMs);
  }

  onAppend(logId: string, listener: (endOffset: number) => void): () => void {
    return this.#listeners.add(logId, listener);
  }

  /** Commits queued appends of every log and stops accepting new ones. */
  async close(): Promise<void> {
    await Promise.all([...this.#lifecycle.values()]);
    await Promise.all([...this.#logs.values()].map((log) => log.close()));
  }

  #get(logId: string): LocalLog {
    const log = this.#logs.get(logId);
    if (log === undefined) throw new LogNotFoundError(logId);
    return log;
  }

  #serialize(logId: string, step: () => Promise<void>): Promise<void> {
    const previous = this.#lifecycle.get(logId) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(step);
    const settled = current.catch(() => undefined);
    this.#lifecycle.set(logId, settled);
    void settled.then(() => {
      if (this.#lifecycle.get(logId) === settled) this.#lifecycle.delete(logId);
    });
    return current;
  }
}
