import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type ConformanceTarget, describeStorageConformance } from './conformance.js';
import type { Durability } from './engine.js';
import { openLocalEngine } from './local/local-engine.js';
import { createMemoryEngine } from './memory/memory-engine.js';

// SHARDLINE_TEST_BACKENDS picks the backends (comma list): memory, local (fsync), local-batch,
// local-none. The local targets use tiny segments and caches so that rolling, sparse index
// lookups and disk reads are exercised by every test.

const targets: Record<string, () => Promise<ConformanceTarget>> = {
  memory: async () => ({
    durable: false,
    open: async (now) => createMemoryEngine({ now }),
    cleanup: async () => {},
  }),
  local: () => localTarget('fsync'),
  'local-batch': () => localTarget('batch'),
  'local-none': () => localTarget('none'),
};

async function localTarget(durability: Durability): Promise<ConformanceTarget> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardline-conformance-'));
  return {
    durable: true,
    open: (now) =>
      openLocalEngine({
        dataDir,
        durability,
        now,
        segmentBytes: 4096,
        indexIntervalBytes: 512,
        tailCacheBytes: 8192,
        sealedIndexCacheBytes: 4096,
        openFilesMax: 8,
        onWarning: () => {},
      }),
    cleanup: () => fs.rm(dataDir, { recursive: true, force: true }),
  };
}

const names = (process.env.SHARDLINE_TEST_BACKENDS ?? 'memory,local').split(',').map((s) => s.trim());
for (const name of names.filter((n) => n !== '')) {
  const target = targets[name];
  if (target === undefined) throw new Error(`unknown storage backend in SHARDLINE_TEST_BACKENDS: ${name}`);
  describeStorageConformance(name, target);
}
