import type { Handler } from '../state/services.js';

export const describeLimits: Handler<'DescribeLimits'> = async ({ streams, config }, _input, ctx) => {
  const counts = await streams.accountCounts(ctx.account, ctx.region, ctx.nowMs);
  return {
    ShardLimit: config.shardLimit,
    OpenShardCount: counts.openShards,
    OnDemandStreamCount: counts.onDemandStreams,
    OnDemandStreamCountLimit: config.onDemandStreamLimit,
  };
};
