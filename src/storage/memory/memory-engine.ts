import type { StorageEngine } from '../engine.js';
import { MemoryLogStore } from './memory-log-store.js';
import { MemoryMetaStore } from './memory-meta-store.js';

export interface MemoryEngineOptions {
  /** Clock for record arrival times (epoch ms); tests inject one. */
  readonly now?: () => number;
}

/** Fault injection for tests. */
export interface MemoryFaults {
  /** The next append (to any log) rejects with `error` and stores nothing. */
  failNextAppend(error: Error): void;
  /** The next metadata put/delete rejects with `error` and changes nothing. */
  failNextMetaWrite(error: Error): void;
  /** Every append waits this long before committing (order is kept); 0 turns it off. */
  delayAppendMs: number;
}

export interface MemoryEngine extends StorageEngine {
  readonly kind: 'memory';
  readonly faults: MemoryFaults;
}

export function createMemoryEngine(opts: MemoryEngineOptions = {}): MemoryEngine {
  const logs = new MemoryLogStore(opts.now ?? Date.now);
  const meta = new MemoryMetaStore();
  const faults: MemoryFaults = {
    failNextAppend: (error) => logs.failNextAppend(error),
    failNextMetaWrite: (error) => meta.failNextWrite(error),
    get delayAppendMs() {
      return logs.delayAppendMs;
    },
    set delayAppendMs(ms: number) {
      logs.delayAppendMs = ms;
    },
  };
  return { kind: 'memory', logs, meta, faults, close: async () => {} };
}
