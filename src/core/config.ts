// Server configuration: CLI flags and SHARDLINE_* environment variables resolve to this.
import type { Durability } from '../storage/engine.js';

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** `local` (embedded, durable) or `memory` (nothing persisted). */
  readonly storage: 'local' | 'memory';
  readonly durability: Durability;
  readonly region: string;
  readonly accountId: string;
  /** How long streams and consumers stay CREATING/UPDATING/DELETING. */
  readonly stateDelayMs: number;
  /** `aws` enforces AWS's throughput limits; `off` lifts them. */
  readonly limits: 'aws' | 'off';
  readonly shardLimit: number;
  readonly onDemandStreamLimit: number;
  readonly tlsPort?: number;
  readonly tlsKeyFile?: string;
  readonly tlsCertFile?: string;
  readonly bootstrapFile?: string;
  /** Bound on a new connection's first bytes and an HTTP/1.1 header block (default limits.headersTimeoutMs). */
  readonly headersTimeoutMs?: number;
  readonly logLevel: string;
  /** Per-shard capacities under `limits: 'aws'` (self-hosted shards may be bigger); defaults are AWS's. */
  readonly shardWriteBytesPerSec?: number;
  readonly shardWriteRecordsPerSec?: number;
  readonly shardReadBytesPerSec?: number;
  /** On-demand streams split a shard offered more than its write capacity for this long. */
  readonly onDemandScaleUpAfterMs?: number;
  /**
   * A GetRecords that reaches the end of an open shard while appends are being committed waits at
   * most this long for them (default limits.getRecordsCommitWaitMsDefault; 0 never waits).
   */
  readonly getRecordsCommitWaitMs?: number;
  /** Counting for /metrics, /metrics.json and the console (default on; `false` for benchmarks). */
  readonly metrics?: boolean;
  /**
   * Enforce AWS's control-plane call rates (LimitExceededException). Off by default, unlike the
   * data-plane limits: test suites call the control plane faster than AWS allows.
   */
  readonly controlPlaneLimits?: boolean;
  /**
   * Worker threads that read large PutRecords bodies (default: one per core beyond the first, at
   * most 4; 0 reads every body on the event-loop thread).
   */
  readonly workerThreads?: number;
}

export const defaultConfig: Config = {
  host: '127.0.0.1',
  port: 4567,
  dataDir: './data',
  storage: 'local',
  durability: 'fsync',
  region: 'us-east-1',
  accountId: '000000000000',
  stateDelayMs: 500,
  limits: 'aws',
  shardLimit: 20_000,
  onDemandStreamLimit: 50,
  logLevel: 'info',
};
