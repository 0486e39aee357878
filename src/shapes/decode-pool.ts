// PutRecords bodies of hundreds of KiB spend most of their event-loop time in the JSON fast path
// (scan + base64 decode, ~3 µs per 1 KiB record). A few worker threads take that work when the
// machine has cores to spare. Bounded: each worker holds at most `jobsPerWorkerMax` bodies; when
// all are full the caller decodes on its own thread, so nothing queues without limit.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type PackedInput, unpackInput } from './fast-json-transfer.js';

export interface DecodeJob {
  readonly id: number;
  /** The body, transferred: the caller's Buffer is detached until the reply gives it back. */
  readonly body: ArrayBuffer;
  readonly length: number;
  readonly shapeName: string;
}

export interface DecodeReply {
  readonly id: number;
  readonly packed?: PackedInput;
  /** The body, transferred back; without `packed` the fast path declined: decode it the generic way. */
  readonly body: ArrayBuffer;
  readonly error?: string;
}

/** What a decode gives: the input, or the body back for the generic path. */
export type DecodeResult = { readonly input: Record<string, unknown> } | { readonly body: Buffer };

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, (reply: DecodeReply | undefined) => void>;
}

const jobsPerWorkerMax = 4;

export class DecodePool {
  readonly #slots: Slot[] = [];
  readonly #size: number;
  #nextId = 0;
  #closed = false;
  /** Bodies decoded by a worker, and those a worker handed back for the generic path. */
  readonly counts = { decoded: 0, declined: 0 };

  constructor(size: number) {
    this.#size = size;
  }

  get size(): number {
    return this.#size;
  }

  /**
   * Decodes `body` on a worker, or returns undefined at once when every worker is full (or there
   * are none): the caller then decodes it itself. `body` must own its whole ArrayBuffer.
   */
  tryDecode(body: Buffer, shapeName: string): Promise<DecodeResult> | undefined {
    if (this.#closed || this.#size === 0) return undefined;
    if (body.byteOffset !== 0 || body.buffer.byteLength !== body.length) return undefined;
    const slot = this.#pick();
    if (slot === undefined) return undefined;
    const id = this.#nextId++;
    const job: DecodeJob = { id, body: body.buffer as ArrayBuffer, length: body.length, shapeName };
    return new Promise<DecodeResult>((resolve, reject) => {
      slot.pending.set(id, (reply) => {
        if (reply === undefined) reject(new Error('decode worker stopped'));
        else if (reply.packed !== undefined) {
          this.counts.decoded++;
          resolve({ input: unpackInput(reply.packed) });
        } else {
          this.counts.declined++;
          resolve({ body: Buffer.from(reply.body, 0, job.length) });
        }
      });
      slot.worker.postMessage(job, [job.body]);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const slots = this.#slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  #pick(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.#slots) if (best === undefined || s.pending.size < best.pending.size) best = s;
    if ((best === undefined || best.pending.size > 0) && this.#slots.length < this.#size)
      best = this.#spawn();
    return best !== undefined && best.pending.size < jobsPerWorkerMax ? best : undefined;
  }

  #spawn(): Slot {
    const worker = new Worker(new URL('./decode-worker.js', import.meta.url));
    worker.unref();
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (reply: DecodeReply) => {
      const done = slot.pending.get(reply.id);
      slot.pending.delete(reply.id);
      done?.(reply);
    });
    const fail = (): void => {
      const i = this.#slots.indexOf(slot);
      if (i >= 0) this.#slots.splice(i, 1);
      for (const done of slot.pending.values()) done(undefined);
      slot.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    this.#slots.push(slot);
    return slot;
  }
}

/** One worker per core beyond the first, at most 4; none on a single core. */
export function defaultDecodeWorkers(): number {
  return Math.max(0, Math.min(4, availableParallelism() - 1));
}
