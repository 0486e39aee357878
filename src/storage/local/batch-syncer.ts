/** Something with writes to fdatasync; `syncDirty` must not reject. */
export interface Syncable {
  syncDirty(): Promise<void>;
}

/** fdatasyncs issued in parallel by one background pass. */
const syncConcurrency = 4;

/** batch durability: fdatasyncs the files written since the last pass, every `intervalMs`. */
export class BatchSyncer {
  readonly #dirty = new Set<Syncable>();
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  mark(log: Syncable): void {
    this.#dirty.add(log);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
      this.#timer.unref();
    }
  }

  /** Stops the timer after one last pass. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
    await this.#pass();
  }

  #tick(): void {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
  }

  async #pass(): Promise<void> {
    const logs = [...this.#dirty];
    this.#dirty.clear();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < logs.length) await logs[next++]!.syncDirty();
    };
    await Promise.all(Array.from({ length: syncConcurrency }, worker));
  }
}
