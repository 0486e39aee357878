// PutRecord: one record, routed like a PutRecords entry, with the optional SequenceNumberForOrdering.
import { decodeSequenceNumber } from '../domain/sequence-number.js';
import { shardIdOf } from '../domain/stream-model.js';
import { InvalidArgumentException } from '../errors.js';
import type { PutRecordOutput } from '../model-types.js';
import type { StreamView } from '../records/record-path.js';
import type { Handler } from '../state/services.js';
import { putOne } from './put-records.js';

export const putRecord: Handler<'PutRecord'> = async (services, input, ctx) => {
  const ordering = input.SequenceNumberForOrdering;
  const check = (view: StreamView) => {
    if (ordering === undefined) return;
    // Offsets only grow, so any sequence number we issued for this shard is already below the new
    // record's; we reject only numbers that we could never have issued.
    const pos = decodeSequenceNumber(ordering);
    if (pos === undefined || pos.shardIndex >= view.meta.nextShardIndex)
      throw new InvalidArgumentException(
        `ExclusiveMinimumSequenceNumber ${ordering} used in PutRecord on stream ${view.meta.name} ` +
          `under account ${view.meta.account} is invalid.`,
      );
  };
  const { view, shardIndex, sequenceNumber } = await putOne(services, input, ctx, check);
  const out: PutRecordOutput = { ShardId: shardIdOf(shardIndex), SequenceNumber: sequenceNumber };
  if (view.encrypted) out.EncryptionType = 'KMS';
  return out;
};
