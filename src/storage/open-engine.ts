import type { Durability, StorageEngine } from './engine.js';
import { openLocalEngine } from './local/local-engine.js';
import { createMemoryEngine } from './memory/memory-engine.js';

export interface OpenEngineOptions {
  readonly kind: 'memory' | 'local';
  /** Required for `local`; ignored by `memory`. */
  readonly dataDir?: string;
  readonly durability?: Durability;
  readonly onWarning?: (message: string, details: Record<string, unknown>) => void;
}

/** Opens the configured storage backend. `local` recovers its data directory before resolving. */
export async function openEngine(opts: OpenEngineOptions): Promise<StorageEngine> {
  if (opts.kind === 'memory') return createMemoryEngine();
  if (opts.dataDir === undefined) throw new Error('the local storage engine needs a data directory');
  return openLocalEngine({
    dataDir: opts.dataDir,
    durability: opts.durability ?? 'fsync',
    ...(opts.onWarning === undefined ? {} : { onWarning: opts.onWarning }),
  });
}
