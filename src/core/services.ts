// What every service of the platform is given: the configuration, the storage engine and the
// per-process slots. Each service's own container extends it with typed fields of its own
// (Kinesis: src/kinesis/state/services.ts) — never a string-keyed bag.
import type { StorageEngine } from '../storage/engine.js';
import type { Config } from './config.js';
import type { Slots } from './slots.js';

export interface CoreServices {
  readonly config: Config;
  readonly engine: StorageEngine;
  /** Per-process singletons under typed keys (slots.ts). */
  readonly slots: Slots;
}
