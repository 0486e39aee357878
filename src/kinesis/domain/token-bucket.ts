// Token buckets for Kinesis throughput limits: a bucket refills at `ratePerSec` up to `capacity`
// (the burst). Pure: the caller passes the clock, so tests drive time directly.
//
// Two ways to spend:
//  - tryTake(n): all or nothing, used before work whose cost is known (writes, call counts). A
//    cost above the whole capacity (a 10 MiB record on a 1 MiB/s shard) is allowed from a full
//    bucket and leaves it in debt, so large records are possible but pay for themselves.
//  - charge(n) after work whose cost is known only afterwards (GetRecords bytes): the bucket may
//    go negative, and hasCredit() refuses further work until the debt is repaid. A 10 MiB read
//    from a 2 MiB/s bucket thus blocks reads for about 4-5 s, which is AWS's documented penalty.

export class TokenBucket {
  readonly capacity: number;
  readonly ratePerSec: number;
  #tokens: number;
  #lastMs: number;

  constructor(ratePerSec: number, capacity: number, nowMs: number) {
    this.ratePerSec = ratePerSec;
    this.capacity = capacity;
    this.#tokens = capacity;
    this.#lastMs = nowMs;
  }

  /** Tokens available at `nowMs` (negative while in debt). */
  available(nowMs: number): number {
    this.#refill(nowMs);
    return this.#tokens;
  }

  tryTake(n: number, nowMs: number): boolean {
    this.#refill(nowMs);
    if (n <= this.#tokens || (n > this.capacity && this.#tokens >= this.capacity)) {
      this.#tokens -= n;
      return true;
    }
    return false;
  }

  /** Spends `n` unconditionally (may go into debt). */
  charge(n: number, nowMs: number): void {
    this.#refill(nowMs);
    this.#tokens -= n;
  }

  hasCredit(nowMs: number): boolean {
    this.#refill(nowMs);
    return this.#tokens > 0;
  }

  /** Milliseconds until `n` tokens are available (0 when they already are). */
  waitMs(n: number, nowMs: number): number {
    this.#refill(nowMs);
    const missing = Math.min(n, this.capacity) - this.#tokens;
    return missing <= 0 ? 0 : Math.ceil((missing / this.ratePerSec) * 1000);
  }

  #refill(nowMs: number): void {
    const elapsed = nowMs - this.#lastMs;
    if (elapsed <= 0) return;
    this.#lastMs = nowMs;
    this.#tokens = Math.min(this.capacity, this.#tokens + (elapsed * this.ratePerSec) / 1000);
  }
}
