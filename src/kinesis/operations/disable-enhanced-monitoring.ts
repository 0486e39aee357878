import { expandMetrics } from '../domain/shard-level-metrics.js';
import type { Handler } from '../state/services.js';
import { arnOf } from '../state/stream-store.js';

export const disableEnhancedMonitoring: Handler<'DisableEnhancedMonitoring'> = async (
  { streams },
  input,
  ctx,
) => {
  let current: readonly string[] = [];
  const next = await streams.updateActive(input, ctx, (meta) => {
    current = meta.shardLevelMetrics;
    const off = new Set(expandMetrics(input.ShardLevelMetrics));
    return { ...meta, shardLevelMetrics: meta.shardLevelMetrics.filter((m) => !off.has(m)) };
  });
  return {
    StreamName: next.name,
    StreamARN: arnOf(next),
    CurrentShardLevelMetrics: [...current],
    DesiredShardLevelMetrics: [...next.shardLevelMetrics],
  };
};
