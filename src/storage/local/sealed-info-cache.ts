import type { SparseIndex } from './sparse-index.js';

/** What a read needs to know about a segment that is no longer written. */
export interface SealedInfo {
  readonly index: SparseIndex;
  readonly sizeBytes: number;
  /** Arrival time of its newest record; undefined for an empty segment. */
  readonly lastTimestampMs: number | undefined;
}

const entryOverheadBytes = 128;

/**
 * Indexes of sealed segments, loaded on demand and kept least recently used first under one byte
 * budget for all logs, so that memory does not grow with the number of segments stored.
 */
export class SealedInfoCache<K extends object> {
  readonly #entries = new Map<K, SealedInfo>();
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get(key: K): SealedInfo | undefined {
    const info = this.#entries.get(key);
    if (info === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, info);
    return info;
  }

  set(key: K, info: SealedInfo): void {
    this.delete(key);
    this.#entries.set(key, info);
    this.#bytes += sizeOf(info);
    for (const [k, v] of this.#entries) {
      if (this.#bytes <= this.#maxBytes || k === key) break;
      this.#entries.delete(k);
      this.#bytes -= sizeOf(v);
    }
  }

  delete(key: K): void {
    const info = this.#entries.get(key);
    if (info === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= sizeOf(info);
  }
}

function sizeOf(info: SealedInfo): number {
  return info.index.memoryBytes + entryOverheadBytes;
}
