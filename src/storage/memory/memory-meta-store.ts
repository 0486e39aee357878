import type { KvEntry, MetaStore } from '../engine.js';
import { compareKeys } from '../key-order.js';
import { checkRevision } from '../revision-check.js';

/** MetaStore in a Map. Revisions come from one counter, like a replicated KV bucket's sequence. */
export class MemoryMetaStore implements MetaStore {
  readonly #entries = new Map<string, KvEntry>();
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
    this.#entries.set(key, { key, value, revision });
    return revision;
  }

  async delete(key: string, expectedRevision?: number): Promise<void> {
    this.#takeFault();
    const current = this.#entries.get(key);
    if (expectedRevision !== undefined) checkRevision(key, current, expectedRevision);
    this.#entries.delete(key);
  }

  async list(prefix: string): Promise<KvEntry[]> {
    const found: KvEntry[] = [];
    for (const entry of this.#entries.values()) if (entry.key.startsWith(prefix)) found.push(entry);
    return found.sort((a, b) => compareKeys(a.key, b.key));
  }

  #takeFault(): void {
    const fault = this.#failNextWrite;
    if (fault === undefined) return;
    this.#failNextWrite = undefined;
    throw fault;
  }
}
