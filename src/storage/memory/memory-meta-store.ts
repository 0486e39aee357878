import type { KvEntry, ListOptions, ListPage, MetaStore } from '../engine.js';
import { compareKeys } from '../key-order.js';
import { checkListLimit } from '../meta-pages.js';
import { checkRevision } from '../revision-check.js';

/**
 * MetaStore in a Map. Revisions come from one counter, like a replicated KV bucket's sequence.
 * Keys are also kept in a sorted array, so `list` starts with a binary search instead of a scan.
 */
export class MemoryMetaStore implements MetaStore {
  readonly #entries = new Map<string, KvEntry>();
  /** Every key, in key order. */
  readonly #sorted: string[] = [];
  #revision = 0;
  #failNextWrite: Error | undefined;

  /** The next `put` or `delete` rejects with `error` and changes nothing. */
  failNextWrite(error: Error): void {
    this.#failNextWrite = error;
  }

  async get(key: string): Promise<KvEntry | undefined> {
    return this.#entries.get(key);
  }

  async put(key: string, value: string, expectedRevision?: number | null): Promise<number> {
    this.#takeFault();
    checkRevision(key, this.#entries.get(key), expectedRevision);
    const revision = ++this.#revision;
    if (!this.#entries.has(key)) this.#sorted.splice(this.#firstIndexAfter(key, true), 0, key);
    this.#entries.set(key, { key, value, revision });
    return revision;
  }

  async delete(key: string, expectedRevision?: number): Promise<void> {
    this.#takeFault();
    const current = this.#entries.get(key);
    if (expectedRevision !== undefined) checkRevision(key, current, expectedRevision);
    if (current === undefined) return;
    this.#entries.delete(key);
    this.#sorted.splice(this.#firstIndexAfter(key, true), 1);
  }

  async list(prefix: string, options: ListOptions): Promise<ListPage> {
    checkListLimit(options.limit);
    const { after } = options;
    let i =
      after !== undefined && compareKeys(after, prefix) >= 0
        ? this.#firstIndexAfter(after, false)
        : this.#firstIndexAfter(prefix, true);
    const entries: KvEntry[] = [];
    for (; i < this.#sorted.length; i++) {
      const key = this.#sorted[i]!;
      if (!key.startsWith(prefix)) break;
      if (entries.length === options.limit) return { entries, next: entries.at(-1)!.key };
      entries.push(this.#entries.get(key)!);
    }
    return { entries };
  }

  /** Index of the first key after `key` (or at it, with `inclusive`). */
  #firstIndexAfter(key: string, inclusive: boolean): number {
    let lo = 0;
    let hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareKeys(this.#sorted[mid]!, key);
      if (c < 0 || (c === 0 && !inclusive)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #takeFault(): void {
    const fault = this.#failNextWrite;
    if (fault === undefined) return;
    this.#failNextWrite = undefined;
    throw fault;
  }
}
