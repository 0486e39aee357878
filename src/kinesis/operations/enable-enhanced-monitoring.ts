import { canonicalMetrics, expandMetrics } from '../domain/shard-level-metrics.js';
import type { Handler } from '../state/services.js';
import { arnOf } from '../state/stream-store.js';

export const enableEnhancedMonitoring: Handler<'EnableEnhancedMonitoring'> = async (
  { streams },
  input,
  ctx,
) => {
  let current: readonly string[] = [];
  const next = await streams.updateActive(input, ctx, (meta) => {
    current = meta.shardLevelMetrics;
    return {
      ...meta,
      shardLevelMetrics: canonicalMetrics([
        ...meta.shardLevelMetrics,
        ...expandMetrics(input.ShardLevelMetrics),
      ]),
    };
  });
  return {
    StreamName: next.name,
    StreamARN: arnOf(next),
    CurrentShardLevelMetrics: [...current],
    DesiredShardLevelMetrics: [...next.shardLevelMetrics],
  };
};
