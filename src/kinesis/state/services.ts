// The Kinesis service's typed container: what every operation, store and background worker of
// the service is given. Per-process singletons live in `slots` under keys owned by the modules
// that make them; test hooks are typed, documented options (never set in production).
import type { FaultInjector } from '../../aws/faults.js';
import type { OpContext, OperationSpec } from '../../aws/operation.js';
import type { Config } from '../../core/config.js';
import type { CoreServices } from '../../core/services.js';
import { Slots } from '../../core/slots.js';
import type { StorageEngine } from '../../storage/engine.js';
import type { OperationName, Operations } from '../model-types.js';
import { StreamStore } from './stream-store.js';

/** Knobs tests turn to make slow AWS behaviour observable quickly. Undefined: AWS's behaviour. */
export interface TestHooks {
  /** Lifetime of a SubscribeToShard subscription (AWS: 5 minutes). */
  subscriptionLifetimeMs?: number;
  /** Interval of the SubscribeToShard events sent while no record arrives (AWS: about 5 s). */
  subscriptionHeartbeatMs?: number;
  /** Added to the clock that retention compares record and shard ages against. */
  retentionClockOffsetMs?: number;
}

export interface Services extends CoreServices {
  readonly streams: StreamStore;
  readonly hooks: TestHooks;
  /** Fault injection rules (bootstrap `faults:`, /_shardline/faults); absent in unit tests. */
  readonly faults?: FaultInjector;
}

export function createServices(config: Config, engine: StorageEngine, faults?: FaultInjector): Services {
  return {
    config,
    engine,
    streams: new StreamStore(engine),
    slots: new Slots(),
    hooks: {},
    ...(faults ? { faults } : {}),
  };
}

/** An operation's handler, typed by the generated model types. */
export type Handler<N extends OperationName> = OperationSpec<
  Services,
  Operations[N]['input'],
  Operations[N]['output']
>['handler'];

export type KinesisOperation<N extends OperationName> = OperationSpec<
  Services,
  Operations[N]['input'],
  Operations[N]['output']
> & { readonly name: N };

export type { OpContext };

/** How a request names its stream: by name (in the caller's account and region) or by ARN. */
export interface StreamRef {
  readonly StreamName?: string;
  readonly StreamARN?: string;
}
