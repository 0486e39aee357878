// AWS's documented control-plane call rates (per account and region), enforced with token buckets
// when `--control-plane-limits on`. Off by default: test suites call the control plane far faster
// than these rates, and AWS's own answer (LimitExceededException) would fail them.
import { TokenBucket } from './token-bucket.js';

/** Calls per second (spec §4.15); burst = one second's worth. */
export const CONTROL_PLANE_TPS: Readonly<Record<string, number>> = {
  CreateStream: 5,
  DeleteStream: 5,
  ListStreams: 5,
  AddTagsToStream: 5,
  RemoveTagsFromStream: 5,
  ListTagsForStream: 5,
  SplitShard: 5,
  MergeShards: 5,
  DescribeStream: 10,
  DescribeStreamSummary: 20,
  DescribeLimits: 1,
  UpdateShardCount: 10,
  DescribeAccountSettings: 5,
  UpdateAccountSettings: 5,
  UpdateStreamWarmThroughput: 5,
  RegisterStreamConsumer: 5,
  DeregisterStreamConsumer: 5,
  DescribeStreamConsumer: 20,
  ListStreamConsumers: 5,
  ListShards: 1000,
};

/** Bound on distinct (account, region, operation) buckets kept. */
const BUCKETS_MAX = 10_000;

export class ControlPlaneRates {
  readonly #buckets = new Map<string, TokenBucket>();

  /** Whether a call may proceed now; operations without a documented rate always may. */
  tryCall(operation: string, account: string, region: string, nowMs: number): boolean {
    const tps = CONTROL_PLANE_TPS[operation];
    if (tps === undefined) return true;
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
