// PutRecord: one record, routed like a PutRecords entry, with the optional SequenceNumberForOrdering.
import { parseSequenceNumber, shardPosition, streamTagOf } from '../domain/sequence-number.js';
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
    // record's. AWS accepts numbers of other shards and versions (and "0"); it rejects only the
    // unreadable ones and those whose time field lies in the future (but never one it issued: a
    // child created in its parent's second carries the next second). A number of Shardline's
    // earlier layout is accepted when it names this stream and one of its shards.
    const parsed = parseSequenceNumber(ordering);
    const bad =
      parsed === undefined ||
      (parsed.kind === 'aws'
        ? parsed.timeSecs !== undefined &&
          parsed.timeSecs * 1000 > Date.now() + 1000 &&
          !view.meta.shards.some((s) => shardPosition(parsed, s, view.meta.uid) !== undefined)
        : parsed.streamTag !== streamTagOf(view.meta.uid) || parsed.shardIndex >= view.meta.nextShardIndex);
    if (bad)
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
