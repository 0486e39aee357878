// AWS's documented control-plane call rates (per account and region; each operation's `rateTps`
// in the operation table), enforced with token buckets when `--control-plane-limits on`. Off by default: test suites call the control plane far faster
// than these rates, and AWS's own answer (LimitExceededException) would fail them.
import { TokenBucket } from './token-bucket.js';

/** Bound on distinct (account, region, operation) buckets kept. */
const BUCKETS_MAX = 10_000;

export class ControlPlaneRates {
  readonly #buckets = new Map<string, TokenBucket>();

  /** Whether a call at `tps` calls/s (burst: one second's worth) may proceed now. */
  tryCall(operation: string, tps: number, account: string, region: string, nowMs: number): boolean {
    const key = `${account}/${region}/${operation}`;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= BUCKETS_MAX)
        this.#buckets.delete(this.#buckets.keys().next().value as string);
      bucket = new TokenBucket(tps, tps, nowMs);
      this.#buckets.set(key, bucket);
    }
    return bucket.tryTake(1, nowMs);
  }
}
