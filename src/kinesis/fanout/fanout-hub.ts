// The per-process registry of SubscribeToShard sessions: AWS's take-over rules and call rate per
// (consumer, shard), test hooks for the lifetime and heartbeat, and a way to end every session
// (shutdown). In a clustered deployment this registry would have to live in the shared metadata
// store; today one process serves a consumer's subscriptions.

import { slotKey } from '../../core/slots.js';
import { LimitExceededException, ResourceInUseException } from '../errors.js';
import { limits } from '../limits.js';
import type { Services } from '../state/services.js';

const HUB = slotKey<FanoutHub>('fanout/hub');

export type StopReason = 'takeover' | 'shutdown';

/** A claimed (consumer, shard) slot. The session behind it reacts to `stop`. */
export interface Claim {
  readonly key: string;
  readonly startedAtMs: number;
  /** Set by the session once it runs; called when a newer subscription takes over or on shutdown. */
  onStop: ((reason: StopReason) => void) | undefined;
  /** Pending stop requested before the session started listening. */
  stopped: StopReason | undefined;
  release(): void;
}

export class FanoutHub {
  readonly #active = new Map<string, Claim>();
  readonly #lastCallMs = new Map<string, number>();

  /**
   * Claims the (consumer, shard) slot for a new subscription. Within `subscribeTakeoverMs` of a
   * running subscription's start the call is refused; later, the running one is taken over.
   */
  claim(consumerArn: string, shardId: string, nowMs: number, rateLimited: boolean): Claim {
    const key = `${consumerArn}|${shardId}`;
    const running = this.#active.get(key);
    if (running && nowMs - running.startedAtMs < limits.subscribeTakeoverMs)
      throw new ResourceInUseException(
        `Another active subscription exists for this consumer: ${consumerArn}`,
      );
    const last = this.#lastCallMs.get(key);
    if (rateLimited && last !== undefined && nowMs - last < limits.subscribeCallIntervalMs)
      throw new LimitExceededException(
        `Rate exceeded for consumer ${consumerArn} and shard ${shardId}: one SubscribeToShard call per second is allowed.`,
      );
    this.#remember(key, nowMs);
    if (running) stopClaim(running, 'takeover');
    const claim: Claim = {
      key,
      startedAtMs: nowMs,
      onStop: undefined,
      stopped: undefined,
      release: () => {
        if (this.#active.get(key) === claim) this.#active.delete(key);
      },
    };
    this.#active.set(key, claim);
    return claim;
  }

  #remember(key: string, nowMs: number): void {
    this.#lastCallMs.delete(key);
    this.#lastCallMs.set(key, nowMs);
    if (this.#lastCallMs.size <= limits.subscribeCallMemoryEntriesMax) return;
    // Oldest first (insertion order); entries older than the rate window no longer matter.
    for (const [k, t] of this.#lastCallMs) {
      if (
        this.#lastCallMs.size <= limits.subscribeCallMemoryEntriesMax &&
        nowMs - t < limits.subscribeCallIntervalMs
      )
        break;
      this.#lastCallMs.delete(k);
    }
  }

  get activeCount(): number {
    return this.#active.size;
  }

  /** Ends every session (server shutdown). */
  stopAll(): void {
    for (const claim of [...this.#active.values()]) stopClaim(claim, 'shutdown');
  }
}

function stopClaim(claim: Claim, reason: StopReason): void {
  claim.stopped ??= reason;
  claim.release();
  claim.onStop?.(reason);
}

export function fanoutHubOf(services: Services): FanoutHub {
  return services.slots.getOrCreate(HUB, () => new FanoutHub());
}

export function lifetimeMsOf(services: Services): number {
  return services.hooks.subscriptionLifetimeMs ?? limits.subscriptionLifetimeMs;
}

export function heartbeatMsOf(services: Services): number {
  return services.hooks.subscriptionHeartbeatMs ?? limits.subscriptionHeartbeatMs;
}
