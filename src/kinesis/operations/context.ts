// What every operation handler receives.
import type { FaultEngine, FaultInjector } from '../../aws/faults.js';
import type { Config } from '../../core/config.js';
import type { StorageEngine } from '../../storage/engine.js';
import type { StreamStore } from '../state/stream-store.js';

export interface OpContext {
  readonly account: string;
  readonly region: string;
  readonly requestId: string;
  readonly nowMs: number;
  readonly signal: AbortSignal;
  readonly wire: 'json' | 'cbor';
  /** The fault rules in force (src/aws/faults.ts), for per-record decisions; undefined when none. */
  readonly faults?: FaultEngine | undefined;
}

export interface Services {
  readonly config: Config;
  readonly engine: StorageEngine;
  readonly streams: StreamStore;
  /** Per-process secrets and caches that operations share (e.g. the iterator key). */
  readonly state: Map<string, unknown>;
  /** Fault injection rules (bootstrap `faults:`, /_shardline/faults). */
  readonly faults?: FaultInjector;
}

// biome-ignore lint/suspicious/noExplicitAny: inputs are shape-checked before handlers see them.
export type Input = Record<string, any>;

export type Handler = (services: Services, input: Input, ctx: OpContext) => Promise<unknown>;
