// Checks shared by SplitShard, MergeShards and UpdateShardCount, with AWS's wording.

import { isOpen, type ShardMeta, type StreamMeta, shardIdOf } from '../domain/stream-model.js';
import {
  LimitExceededException,
  ResourceInUseException,
  ResourceNotFoundException,
  ValidationException,
} from '../errors.js';
import { parseShardId } from '../records/record-path.js';
import type { OpContext, Services, StreamRef } from '../state/services.js';

/** Resolves a ShardId argument; one that cannot name a shard is "not found" even before the stream is. */
export function reshardShardIndex(raw: string, streamName: string, account: string): number {
  const index = parseShardId(raw);
  if (index === undefined)
    throw new ResourceNotFoundException(
      `Could not find shard ${raw} in stream ${streamName} under account ${account}.`,
    );
  return index;
}

/** The named shard of the stream, open (eligible for splitting or merging). */
export function eligibleShard(meta: StreamMeta, index: number): ShardMeta {
  const shard = meta.shards.find((s) => s.index === index);
  if (shard === undefined)
    throw new ResourceNotFoundException(
      `Could not find shard ${shardIdOf(index)} in stream ${meta.name} under account ${meta.account}.`,
    );
  if (!isOpen(shard))
    throw new ResourceInUseException(
      `Shard ${shardIdOf(index)} in stream ${meta.name} under account ${meta.account} has already been merged ` +
        'or split, and thus is not eligible for merging or splitting',
    );
  return shard;
}

/** SplitShard, MergeShards and UpdateShardCount are for provisioned streams only. */
export function assertProvisioned(operation: string, meta: StreamMeta): void {
  if (meta.mode === 'ON_DEMAND')
    throw new ValidationException(
      `${operation} is not supported for stream ${meta.name} under account ${meta.account} because it is ` +
        'in ON_DEMAND capacity mode. It is supported only in PROVISIONED capacity mode.',
    );
}

/** Open shards of the account in the stream's region (against the account shard limit). */
export async function accountOpenShards(
  services: Services,
  input: StreamRef,
  ctx: OpContext,
): Promise<number> {
  const a = services.streams.address(input, ctx);
  return (await services.streams.accountCounts(a.account, a.region, ctx.nowMs)).openShards;
}

/** CreateStream's and SplitShard's account shard-limit error. */
export function shardLimitExceeded(
  ctx: { account: string; region: string },
  current: number,
  limit: number,
  added: number,
): Error {
  return new LimitExceededException(
    `This request would exceed the shard limit for the account ${ctx.account} in ${ctx.region}. ` +
      `Current shard count for the account: ${current}. Limit: ${limit}. ` +
      `Number of additional shards that would have resulted from this request: ${added}. ` +
      'Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) ' +
      'for current limits and how to request higher limits.',
  );
}
