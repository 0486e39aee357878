/**
 * Back-pressure for appends: bytes encoded and waiting to be committed, across all logs. Waiters are
 * served first come, first served, so appends keep their call order. A request larger than the whole
 * budget is admitted when nothing else is held.
 */
export class ByteBudget {
  readonly #capacityBytes: number;
  #usedBytes = 0;
  readonly #waiters: { bytes: number; grant: () => void }[] = [];
  #head = 0;

  constructor(capacityBytes: number) {
    this.#capacityBytes = capacityBytes;
  }

  get usedBytes(): number {
    return this.#usedBytes;
  }

  tryAcquire(bytes: number): boolean {
    if (this.#head < this.#waiters.length || !this.#fits(bytes)) return false;
    this.#usedBytes += bytes;
    return true;
  }

  acquire(bytes: number): Promise<void> {
    if (this.tryAcquire(bytes)) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiters.push({ bytes, grant: resolve });
    });
  }

  release(bytes: number): void {
    this.#usedBytes -= bytes;
    while (this.#head < this.#waiters.length) {
      const next = this.#waiters[this.#head]!;
      if (!this.#fits(next.bytes)) break;
      this.#head++;
      this.#usedBytes += next.bytes;
      next.grant();
    }
    if (this.#head === this.#waiters.length) {
      this.#waiters.length = 0;
      this.#head = 0;
    }
  }

  #fits(bytes: number): boolean {
    return this.#usedBytes === 0 || this.#usedBytes + bytes <= this.#capacityBytes;
  }
}
