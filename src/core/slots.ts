// Per-process singletons that a service's parts share (caches, keys, background workers), each
// behind a typed key owned by the module that makes it: no string keys, no casts at use sites.

/** A typed key; `name` is for debugging only (two keys with one name are still distinct). */
export interface SlotKey<T> {
  readonly name: string;
  /** Never set: carries T for the type checker. */
  readonly _type?: T;
}

export const slotKey = <T>(name: string): SlotKey<T> => ({ name });

export class Slots {
  readonly #values = new Map<SlotKey<unknown>, unknown>();

  get<T>(key: SlotKey<T>): T | undefined {
    // Only set() writes the map, with a value of the key's type.
    return this.#values.get(key) as T | undefined;
  }

  set<T>(key: SlotKey<T>, value: T): void {
    this.#values.set(key, value);
  }

  delete(key: SlotKey<unknown>): void {
    this.#values.delete(key);
  }

  /** The slot's value, made by `make` on first use. */
  getOrCreate<T>(key: SlotKey<T>, make: () => T): T {
    if (this.#values.has(key)) return this.get(key) as T;
    const value = make();
    this.#values.set(key, value);
    return value;
  }
}
