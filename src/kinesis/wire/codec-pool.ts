// Worker threads for the bulk codec of the record path, when the machine has cores to spare:
// reading large PutRecords JSON bodies (scan + base64 decode, ~3 µs per 1 KiB record). Bounded:
// each worker holds at most `jobsPerWorkerMax` jobs; when all are full the caller does the work on
// its own thread, so nothing queues without limit. Buffers cross by transfer, never by copy.
//
// Rendering large GetRecords answers on the workers too was tried: on this 2-core machine it cost
// 12 instead of 9 µs of CPU per record (packing, transfers) for the same drain rate, so it is not
// done; with more cores than the event-loop thread and the clients use, it would pay.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type PackedInput, unpackInput } from './fast-json-transfer.js';

export interface CodecJob {
  readonly id: number;
  /** The body, transferred: the caller's Buffer is detached until the reply gives it back. */
  readonly body: ArrayBuffer;
  readonly length: number;
  readonly shapeName: string;
}

export interface CodecReply {
  readonly id: number;
  /** The body, always transferred back; without `packed` the fast path declined it. */
  readonly body: ArrayBuffer;
  readonly packed?: PackedInput;
}

/** What a decode gives: the input, or the body back for the generic path. */
export type DecodeResult = { readonly input: Record<string, unknown> } | { readonly body: Buffer };

interface Slot {
  readonly worker: Worker;
  /** Settles each job in flight: with the reply, or with undefined when the worker stopped. */
  readonly pending: Map<number, (reply: CodecReply | undefined) => void>;
}

const jobsPerWorkerMax = 4;

export class CodecPool {
  readonly #slots: Slot[] = [];
  readonly #size: number;
  #nextId = 0;
  #closed = false;
  /** Jobs done by workers: bodies decoded, and bodies handed back for the generic path. */
  readonly counts = { decoded: 0, declined: 0 };

  constructor(size: number) {
    this.#size = size;
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
    const job: CodecJob = {
      id: this.#nextId++,
      body: body.buffer as ArrayBuffer,
      length: body.length,
      shapeName,
    };
    try {
      // Throws before transferring anything (e.g. a buffer Node marked untransferable): the
      // caller still has its body and decodes it itself.
      slot.worker.postMessage(job, [job.body]);
    } catch {
      return undefined;
    }
    return new Promise<DecodeResult>((resolve, reject) => {
      slot.pending.set(job.id, (reply) => {
        if (reply === undefined) return reject(new Error('codec worker stopped'));
        if (reply.packed !== undefined) {
          this.counts.decoded++;
          return resolve({ input: unpackInput(reply.packed) });
        }
        this.counts.declined++;
        resolve({ body: Buffer.from(reply.body, 0, job.length) });
      });
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
    const worker = new Worker(new URL('./codec-worker.js', import.meta.url));
    worker.unref();
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (reply: CodecReply) => {
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

/** One worker per core beyond the first, at most `max`; none on a single core. */
export function defaultWorkerThreads(max: number): number {
  return Math.max(0, Math.min(max, availableParallelism() - 1));
}
