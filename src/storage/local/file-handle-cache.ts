import fs, { type FileHandle } from 'node:fs/promises';

interface Entry {
  readonly opening: Promise<FileHandle>;
  users: number;
  forgotten: boolean;
}

/**
 * Bounded set of open file handles (read/write, no create), shared by all logs so that thousands of
 * logs do not mean thousands of descriptors. Handles in use are never closed; idle ones beyond
 * `maxOpen` are closed least recently used first.
 */
export class FileHandleCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxOpen: number;

  constructor(maxOpen: number) {
    this.#maxOpen = maxOpen;
  }

  async with<T>(path: string, use: (handle: FileHandle) => Promise<T>): Promise<T> {
    const entry = this.#acquire(path);
    try {
      return await use(await entry.opening);
    } finally {
      entry.users--;
      await this.#settle(entry);
    }
  }

  /** Closes the handle of `path` once idle (its file is being deleted or replaced). */
  async forget(path: string): Promise<void> {
    const entry = this.#entries.get(path);
    if (entry === undefined) return;
    entry.forgotten = true;
    this.#entries.delete(path);
    if (entry.users === 0) await closeQuietly(entry);
  }

  async forgetUnder(dir: string): Promise<void> {
    const paths = [...this.#entries.keys()].filter((p) => p.startsWith(dir));
    await Promise.all(paths.map((p) => this.forget(p)));
  }

  async closeAll(): Promise<void> {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all(entries.map((e) => closeQuietly(e)));
  }

  #acquire(path: string): Entry {
    let entry = this.#entries.get(path);
    if (entry === undefined) {
      entry = { opening: fs.open(path, 'r+'), users: 0, forgotten: false };
      // A failed open must not stay cached; the error reaches the caller through `with`.
      entry.opening.catch(() => this.#entries.get(path) === entry && this.#entries.delete(path));
    } else {
      this.#entries.delete(path);
    }
    this.#entries.set(path, entry);
    entry.users++;
    return entry;
  }

  async #settle(entry: Entry): Promise<void> {
    if (entry.users > 0) return;
    if (entry.forgotten) return closeQuietly(entry);
    if (this.#entries.size <= this.#maxOpen) return;
    const idle: [string, Entry][] = [];
    for (const [p, e] of this.#entries) {
      if (this.#entries.size - idle.length <= this.#maxOpen) break;
      if (e.users === 0) idle.push([p, e]);
    }
    for (const [p] of idle) this.#entries.delete(p);
    await Promise.all(idle.map(([, e]) => closeQuietly(e)));
  }
}

async function closeQuietly(entry: Entry): Promise<void> {
  try {
    await (await entry.opening).close();
  } catch {
    // Closing a handle that failed to open, or closing twice: nothing to release.
  }
}
