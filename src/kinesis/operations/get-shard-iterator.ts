// GetShardIterator: resolves one of the five starting positions to a log offset and seals it in
// an iterator token.

import { LogNotFoundError } from '../../storage/engine.js';
import { encodedShardId, parseSequenceNumber, shardPosition } from '../domain/sequence-number.js';
import { encodeIterator } from '../domain/shard-iterator.js';
import { isExpiredShard, logIdOf, type ShardMeta, shardIdOf } from '../domain/stream-model.js';
import {
  DryRunOperationException,
  InternalFailure,
  InvalidArgumentException,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '../errors.js';
import type { GetShardIteratorInput } from '../model-types.js';
import {
  iteratorKey,
  loadStream,
  parseShardId,
  retentionCutoffMs,
  type StreamView,
  shardNotFound,
} from '../records/record-path.js';
import type { Handler, OpContext, Services } from '../state/services.js';
import { throughputOf } from '../state/shard-runtime.js';
import { DRY_RUN_MESSAGE, rateExceededMessage } from './put-records.js';

/** Where an iterator (or a subscription) starts. */
export type IteratorStart = Pick<
  GetShardIteratorInput,
  'ShardIteratorType' | 'StartingSequenceNumber' | 'Timestamp'
>;

const TYPE_RULE =
  'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or ' +
  '(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber.';

export const getShardIterator: Handler<'GetShardIterator'> = async (services, input, ctx) => {
  const address = services.streams.address(input, ctx);
  const shardId = input.ShardId;
  const shardIndex = parseShardId(shardId);
  if (shardIndex === undefined)
    throw new ResourceNotFoundException(
      `Could not find shard ${shardId} in stream ${address.name} under account ${address.account}.`,
    );
  const view = await loadStream(services, address, ctx);
  const shard = view?.shardsByIndex.get(shardIndex);
  // A closed shard whose data all passed retention is gone, as on AWS.
  if (
    view === undefined ||
    shard === undefined ||
    isExpiredShard(shard, retentionCutoffMs(services, view.meta, ctx.nowMs))
  )
    throw shardNotFound(shardIndex, address.name, address.account);
  checkTypeArguments(input, ctx);
  const t = throughputOf(services.config);
  if (
    t !== undefined &&
    !services.streams.runtimes
      .of(logIdOf(view.meta, shardIndex))
      .iteratorBucket(t, ctx.nowMs)
      .tryTake(1, ctx.nowMs)
  )
    throw new ProvisionedThroughputExceededException(rateExceededMessage(view, shardIndex));
  const offset = await startingOffset(services, view, shard, input);
  if (input.DryRun === true) throw new DryRunOperationException(DRY_RUN_MESSAGE);
  const key = await iteratorKey(services);
  const { meta } = view;
  const token = encodeIterator(key, {
    account: meta.account,
    region: meta.region,
    streamName: meta.name,
    streamUid: meta.uid,
    shardIndex,
    offset,
    issuedAtMs: ctx.nowMs,
  });
  return { ShardIterator: token };
};

function checkTypeArguments(input: IteratorStart, ctx: OpContext): void {
  const type = input.ShardIteratorType;
  const hasSeq = input.StartingSequenceNumber !== undefined;
  if ((type === 'TRIM_HORIZON' || type === 'LATEST') && hasSeq)
    throw new InvalidArgumentException(
      `${TYPE_RULE} Request specified ${type} and also a StartingSequenceNumber.`,
    );
  if ((type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER') && !hasSeq)
    throw new InvalidArgumentException(
      `${TYPE_RULE} Request specified ${type} and no StartingSequenceNumber.`,
    );
  if (type === 'AT_TIMESTAMP') {
    const ts = input.Timestamp;
    if (ts === undefined)
      throw new InvalidArgumentException(
        'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.',
      );
    if (ts > ctx.nowMs)
      throw new InvalidArgumentException(
        'The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. ' +
          `timestampInMillis: ${ts}, currentTimestampInMillis: ${ctx.nowMs}`,
      );
  }
}

/**
 * The offset the iterator starts at; never beyond the end of a closed shard. (SubscribeToShard
 * reuses it.) A shard whose log the retention sweeper dropped after the caller loaded the stream
 * is answered as gone, like an expired one.
 */
export async function startingOffset(
  services: Services,
  view: StreamView,
  shard: ShardMeta,
  input: IteratorStart,
): Promise<number> {
  try {
    return await offsetInLog(services, view, shard, input);
  } catch (err) {
    throw err instanceof LogNotFoundError
      ? shardNotFound(shard.index, view.meta.name, view.meta.account)
      : err;
  }
}

async function offsetInLog(
  services: Services,
  view: StreamView,
  shard: ShardMeta,
  input: IteratorStart,
): Promise<number> {
  const logs = services.engine.logs;
  const logId = logIdOf(view.meta, shard.index);
  const type = input.ShardIteratorType;
  const closedEnd = shard.closedEndOffset ?? Number.MAX_SAFE_INTEGER;
  switch (type) {
    case 'TRIM_HORIZON':
      // Reads skip records past retention, so the oldest stored offset is a correct horizon.
      return Math.min((await logs.bounds(logId)).startOffset, closedEnd);
    case 'LATEST':
      return Math.min((await logs.bounds(logId)).endOffset, closedEnd);
    case 'AT_TIMESTAMP':
      // checkTypeArguments made sure the type's argument is present.
      return Math.min(await logs.offsetForTimestamp(logId, input.Timestamp!), closedEnd);
    default:
      return sequenceOffset(services, view, shard, input);
  }
}

async function sequenceOffset(
  services: Services,
  view: StreamView,
  shard: ShardMeta,
  input: IteratorStart,
): Promise<number> {
  const seq = input.StartingSequenceNumber!; // present: checkTypeArguments
  const { meta } = view;
  const shardId = shardIdOf(shard.index);
  const invalid = (suffix: string) =>
    new InvalidArgumentException(
      `StartingSequenceNumber ${seq} used in GetShardIterator on shard ${shardId} in stream ${meta.name} ` +
        `under account ${meta.account} is invalid${suffix}.`,
    );
  // The order of AWS's checks (recorded): unreadable → invalid; another shard → "It encodes";
  // another version or shard creation time → invalid (an InternalFailure for a version-0 number).
  const parsed = parseSequenceNumber(seq);
  if (parsed === undefined) throw invalid('');
  if (parsed.shardIndex !== shard.index)
    throw new InvalidArgumentException(
      `Invalid StartingSequenceNumber. It encodes ${encodedShardId(parsed.shardIndex)}, while it was used in a call to a shard with ${shardId}`,
    );
  const pos = shardPosition(parsed, shard, meta.uid);
  if (pos === undefined && parsed.kind === 'aws' && parsed.version === 0) throw new InternalFailure();
  const { endOffset } = await services.engine.logs.bounds(logIdOf(meta, shard.index));
  // Numbers of another stream or past the shard's last record were never issued here.
  if (pos === undefined || pos.offset >= endOffset)
    throw invalid(' because it did not come from this stream');
  // offset -1 is the shard's StartingSequenceNumber: AT and AFTER it both start at the first record;
  // a position between two records (a fan-out continuation) starts at the later one either way.
  const offset =
    input.ShardIteratorType === 'AFTER_SEQUENCE_NUMBER' || pos.between
      ? pos.offset + 1
      : Math.max(pos.offset, 0);
  return Math.min(offset, shard.closedEndOffset ?? Number.MAX_SAFE_INTEGER);
}
