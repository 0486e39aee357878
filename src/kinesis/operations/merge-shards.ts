// MergeShards: closes two adjacent open shards and creates one child covering both ranges
// (ParentShardId = ShardToMerge, AdjacentParentShardId = AdjacentShardToMerge). ShardToMerge must
// be the lower of the pair, as AWS answered when the order was inverted.
import { areMergeable, planOf } from '../domain/resharding.js';
import { shardIdOf } from '../domain/stream-model.js';
import { InvalidArgumentException } from '../errors.js';
import { assertProvisioned, eligibleShard, reshardShardIndex } from '../rules/reshard-rules.js';
import type { Handler } from '../state/services.js';

export const mergeShards: Handler<'MergeShards'> = async ({ streams, config }, input, ctx) => {
  const address = streams.address(input, ctx);
  const lower = reshardShardIndex(input.ShardToMerge, address.name, address.account);
  const upper = reshardShardIndex(input.AdjacentShardToMerge, address.name, address.account);
  await streams.reshard(
    input,
    ctx,
    (meta) => {
      assertProvisioned('MergeShards', meta);
      const a = eligibleShard(meta, lower);
      const b = eligibleShard(meta, upper);
      if (!areMergeable(a, b))
        throw new InvalidArgumentException(
          `Shards ${shardIdOf(lower)} and ${shardIdOf(upper)} in stream ${meta.name} under account ${meta.account} ` +
            'are not an adjacent pair of shards eligible for merging',
        );
      const set = { shards: meta.shards, nextShardIndex: meta.nextShardIndex };
      return planOf(set, [{ kind: 'merge', shard: lower, adjacent: upper }], ctx.nowMs);
    },
    config.stateDelayMs,
  );
  return undefined;
};
