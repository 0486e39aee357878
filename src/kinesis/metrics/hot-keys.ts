// Heavy hitters per shard: the Space-Saving algorithm (Metwally, Agrawal, El Abbadi 2005) with k
// counters, weighted, with exponential decay so it shows a recent window rather than all time.
//
// Space-Saving keeps at most k keys. A tracked key adds its weight; an untracked key replaces the
// key with the smallest count and inherits that count as its error bound. Every key whose true
// (decayed) weight exceeds total/k is guaranteed to be tracked, and a key's count over-estimates
// its weight by at most its `error`. Memory is O(k) whatever the number of distinct keys.

export interface HotKey {
  readonly key: string;
  /** Estimated (decayed) number of records with this key. */
  readonly count: number;
  /** Estimated (decayed) bytes with this key. */
  readonly bytes: number;
  /** Upper bound of the over-estimate in `count`. */
  readonly error: number;
}

export class HotKeys {
  readonly #k: number;
  readonly #keys: string[] = [];
  readonly #counts: Float64Array;
  readonly #bytes: Float64Array;
  readonly #errors: Float64Array;
  readonly #index = new Map<string, number>();
  #total = 0;

  constructor(k: number) {
    this.#k = k;
    this.#counts = new Float64Array(k);
    this.#bytes = new Float64Array(k);
    this.#errors = new Float64Array(k);
  }

  /** Decayed total weight seen (tracked or not). */
  get total(): number {
    return this.#total;
  }

  add(key: string, weight: number, bytes: number): void {
    this.#total += weight;
    const i = this.#index.get(key);
    if (i !== undefined) {
      this.#counts[i]! += weight;
      this.#bytes[i]! += bytes;
      return;
    }
    if (this.#keys.length < this.#k) {
      const j = this.#keys.length;
      this.#keys.push(key);
      this.#index.set(key, j);
      this.#counts[j] = weight;
      this.#bytes[j] = bytes;
      this.#errors[j] = 0;
      return;
    }
    const m = this.#minSlot();
    const min = this.#counts[m]!;
    this.#index.delete(this.#keys[m]!);
    this.#keys[m] = key;
    this.#index.set(key, m);
    this.#counts[m] = min + weight;
    this.#bytes[m] = bytes;
    this.#errors[m] = min;
  }

  /** Multiplies every count by `factor` (0..1) and forgets keys that faded below `floor`. */
  decay(factor: number, floor = 0.5): void {
    this.#total *= factor;
    for (let j = this.#keys.length - 1; j >= 0; j--) {
      this.#counts[j]! *= factor;
      this.#bytes[j]! *= factor;
      this.#errors[j]! *= factor;
      if (this.#counts[j]! < floor) this.#removeSlot(j);
    }
  }

  get size(): number {
    return this.#keys.length;
  }

  /** The tracked keys, heaviest first. */
  top(n = this.#k): HotKey[] {
    const out: HotKey[] = [];
    for (let j = 0; j < this.#keys.length; j++)
      out.push({
        key: this.#keys[j]!,
        count: this.#counts[j]!,
        bytes: this.#bytes[j]!,
        error: this.#errors[j]!,
      });
    out.sort((a, b) => b.count - a.count);
    return out.slice(0, n);
  }

  #minSlot(): number {
    let m = 0;
    for (let j = 1; j < this.#keys.length; j++) if (this.#counts[j]! < this.#counts[m]!) m = j;
    return m;
  }

  /** Moves the last slot into `j` (order does not matter; top() sorts). */
  #removeSlot(j: number): void {
    const last = this.#keys.length - 1;
    this.#index.delete(this.#keys[j]!);
    if (j !== last) {
      const key = this.#keys[last]!;
      this.#keys[j] = key;
      this.#index.set(key, j);
      this.#counts[j] = this.#counts[last]!;
      this.#bytes[j] = this.#bytes[last]!;
      this.#errors[j] = this.#errors[last]!;
    }
    this.#keys.pop();
  }
}
