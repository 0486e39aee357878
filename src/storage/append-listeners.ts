/** onAppend subscriptions per log id. A throwing listener is reported and does not stop the others. */
export class AppendListeners {
  readonly #byLog = new Map<string, Set<(endOffset: number) => void>>();
  readonly #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError;
  }

  add(logId: string, listener: (endOffset: number) => void): () => void {
    let set = this.#byLog.get(logId);
    if (set === undefined) {
      set = new Set();
      this.#byLog.set(logId, set);
    }
    // Wrapped so that the same function subscribed twice gets two independent subscriptions.
    const entry = (endOffset: number): void => listener(endOffset);
    set.add(entry);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.#byLog.get(logId) === set) this.#byLog.delete(logId);
    };
  }

  notify(logId: string, endOffset: number): void {
    const set = this.#byLog.get(logId);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        listener(endOffset);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}
