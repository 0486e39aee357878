// Batches records into PutRecords calls (≤ 500 records, ≤ cliPutBatchBytesMax) and retries the
// entries a call rejected (throttling) with backoff, so a tool either puts everything or fails
// with one clear line. Calls run one at a time, which keeps the order of the input per key as far
// as Kinesis allows (a rejected entry retried after its successors is the known exception).

import { setTimeout as sleep } from 'node:timers/promises';
import { type KinesisClient, streamRef } from '../client/kinesis.js';
import { cliLimits } from './limits.js';

export interface OutRecord {
  readonly data: Buffer;
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
}

interface ResultEntry {
  readonly SequenceNumber?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}

export class PutFailedError extends Error {}

export class Putter {
  readonly #client: KinesisClient;
  readonly #stream: string;
  #batch: OutRecord[] = [];
  #bytes = 0;
  #chain: Promise<void> = Promise.resolve();
  put = 0;
  bytes = 0;
  retried = 0;
  onFlushed: ((putSoFar: number) => void) | undefined;

  constructor(client: KinesisClient, stream: string) {
    this.#client = client;
    this.#stream = stream;
  }

  /** Queues one record; resolves once it is in a batch (which may have required a call). */
  add(record: OutRecord): Promise<void> {
    this.#chain = this.#chain.then(() => this.#add(record));
    return this.#chain;
  }

  /** Sends whatever is queued. */
  flush(): Promise<void> {
    this.#chain = this.#chain.then(() => this.#send());
    return this.#chain;
  }

  async #add(r: OutRecord): Promise<void> {
    const size = r.data.length + Buffer.byteLength(r.partitionKey);
    if (
      this.#batch.length >= cliLimits.cliPutBatchRecordsMax ||
      this.#bytes + size > cliLimits.cliPutBatchBytesMax
    )
      await this.#send();
    this.#batch.push(r);
    this.#bytes += size;
  }

  async #send(): Promise<void> {
    let pending = this.#batch;
    this.#batch = [];
    this.#bytes = 0;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const out = await this.#client.call<{ Records: ResultEntry[] }>('PutRecords', {
        ...streamRef(this.#stream),
        Records: pending.map((r) => ({
          Data: r.data.toString('base64'),
          PartitionKey: r.partitionKey,
          ...(r.explicitHashKey !== undefined ? { ExplicitHashKey: r.explicitHashKey } : {}),
        })),
      });
      const failed: OutRecord[] = [];
      let firstError: ResultEntry | undefined;
      out.Records.forEach((e, i) => {
        const r = pending[i]!;
        if (e.SequenceNumber !== undefined) {
          this.put++;
          this.bytes += r.data.length;
        } else {
          failed.push(r);
          firstError ??= e;
        }
      });
      this.onFlushed?.(this.put);
      if (failed.length > 0 && attempt >= cliLimits.cliPutRetriesMax)
        throw new PutFailedError(
          `${failed.length} records could not be put after ${attempt + 1} attempts: ` +
            `${firstError?.ErrorCode}: ${firstError?.ErrorMessage}`,
        );
      if (failed.length > 0) {
        this.retried += failed.length;
        await sleep(Math.min(2000, 100 * 2 ** attempt));
      }
      pending = failed;
    }
  }
}
