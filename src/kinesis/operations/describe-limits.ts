import { openShardCount } from '../domain/limits-math.js';
import type { Handler } from '../state/services.js';

export const describeLimits: Handler<'DescribeLimits'> = async ({ streams, config }, _input, ctx) => {
  const mine = await streams.list(ctx.account, ctx.region, ctx.nowMs);
  return {
    ShardLimit: config.shardLimit,
    OpenShardCount: openShardCount(mine),
    OnDemandStreamCount: mine.filter((s) => s.mode === 'ON_DEMAND').length,
    OnDemandStreamCountLimit: config.onDemandStreamLimit,
  };
};
