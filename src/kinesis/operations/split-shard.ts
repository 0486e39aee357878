// SplitShard: closes one open shard and creates two children covering its range, split at
// NewStartingHashKey. The stream is UPDATING meanwhile; the split commits when that ends, after
// in-flight writes to the parent drained (StreamStore.reshard, shard-runtime.ts).
import { canSplitAt, planOf } from '../domain/resharding.js';
import { shardIdOf } from '../domain/stream-model.js';
import { InvalidArgumentException } from '../errors.js';
import {
  accountOpenShards,
  assertProvisioned,
  eligibleShard,
  reshardShardIndex,
  shardLimitExceeded,
} from '../rules/reshard-rules.js';
import type { Handler } from '../state/services.js';

export const splitShard: Handler<'SplitShard'> = async (services, input, ctx) => {
  const { streams, config } = services;
  const address = streams.address(input, ctx);
  const index = reshardShardIndex(input.ShardToSplit, address.name, address.account);
  await streams.get(input, ctx);
  const accountOpen = await accountOpenShards(services, input, ctx);
  const at = BigInt(input.NewStartingHashKey);
  await streams.reshard(
    input,
    ctx,
    (meta) => {
      assertProvisioned('SplitShard', meta);
      const shard = eligibleShard(meta, index);
      if (accountOpen + 1 > config.shardLimit)
        throw shardLimitExceeded(address, accountOpen, config.shardLimit, 1);
      if (!canSplitAt(shard, at))
        throw new InvalidArgumentException(
          `NewStartingHashKey ${input.NewStartingHashKey} used in SplitShard() on shard ${shardIdOf(index)} in stream ` +
            `${meta.name} under account ${meta.account} is not both greater than one plus the shard's StartingHashKey ` +
            `${shard.start} and less than the shard's EndingHashKey ${shard.end}.`,
        );
      const set = { shards: meta.shards, nextShardIndex: meta.nextShardIndex };
      return planOf(set, [{ kind: 'split', shard: index, at: at.toString() }], ctx.nowMs);
    },
    config.stateDelayMs,
  );
  return undefined;
};
