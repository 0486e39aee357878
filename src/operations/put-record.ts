// PutRecord: one record, routed like a PutRecords entry, with the optional SequenceNumberForOrdering.
import { decodeSequenceNumber } from '../domain/sequence-number.js';
import { shardIdOf } from '../domain/stream-model.js';
import { DryRunOperationException, InvalidArgumentException } from '../errors.js';
import type { Handler } from './context.js';
import { appendOne, DRY_RUN_MESSAGE, type PutEntry, routeEntries } from './put-records.js';
import { loadWritableStream } from './record-path.js';

export const putRecord: Handler = async (services, input, ctx) => {
  const view = await loadWritableStream(services, input, ctx);
  const entry = input as PutEntry;
  const slot = routeEntries(view, [entry], 'data')[0]!;
  const ordering = input.SequenceNumberForOrdering as string | undefined;
  if (ordering !== undefined) {
    // Offsets only grow, so any sequence number we issued for this shard is already below the new
    // record's; we reject only numbers that we could never have issued.
    const pos = decodeSequenceNumber(ordering);
    if (pos === undefined || pos.shardIndex >= view.meta.nextShardIndex)
      throw new InvalidArgumentException(
        `ExclusiveMinimumSequenceNumber ${ordering} used in PutRecord on stream ${view.meta.name} ` +
          `under account ${view.meta.account} is invalid.`,
      );
  }
  if (input.DryRun === true) throw new DryRunOperationException(DRY_RUN_MESSAGE);
  const { shardIndex, sequenceNumber } = await appendOne(services, view, entry, slot);
  const out: Record<string, unknown> = { ShardId: shardIdOf(shardIndex), SequenceNumber: sequenceNumber };
  if (view.encrypted) out.EncryptionType = 'KMS';
  return out;
};
