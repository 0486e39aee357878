// A token bucket in bytes: the 2 MiB/s per consumer and shard of enhanced fan-out. The burst
// equals one second of rate; a record larger than the burst drives the balance negative and the
// session waits it off before the next event.
export class ThroughputBudget {
  readonly #bytesPerSecond: number;
  #tokens: number;
  #atMs: number;

  constructor(bytesPerSecond: number, nowMs: number) {
    this.#bytesPerSecond = bytesPerSecond;
    this.#tokens = bytesPerSecond;
    this.#atMs = nowMs;
  }

  #refill(nowMs: number): void {
    const elapsed = Math.max(0, nowMs - this.#atMs);
    this.#tokens = Math.min(this.#bytesPerSecond, this.#tokens + (elapsed * this.#bytesPerSecond) / 1000);
    this.#atMs = nowMs;
  }

  /** Bytes that may be sent now (0 when in debt). */
  available(nowMs: number): number {
    this.#refill(nowMs);
    return Math.max(0, Math.floor(this.#tokens));
  }

  spend(bytes: number, nowMs: number): void {
    this.#refill(nowMs);
    this.#tokens -= bytes;
  }

  /** Milliseconds until at least `bytes` (capped at the burst) are available. */
  waitMs(bytes: number, nowMs: number): number {
    this.#refill(nowMs);
    const want = Math.min(bytes, this.#bytesPerSecond);
    return this.#tokens >= want ? 0 : Math.ceil(((want - this.#tokens) * 1000) / this.#bytesPerSecond);
  }
}
