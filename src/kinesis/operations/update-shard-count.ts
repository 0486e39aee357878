// UpdateShardCount (UNIFORM_SCALING): reshapes the open shards into an even layout of
// TargetShardCount shards through real splits and merges (domain/resharding.ts), committed as one
// plan when the UPDATING period ends; short-lived intermediate shards show as closed shards.
import { planOf, uniformScalingSteps } from '../domain/resharding.js';
import { isOpen, type StreamMeta } from '../domain/stream-model.js';
import { LimitExceededException } from '../errors.js';
import { limits } from '../limits.js';
import { accountOpenShards, assertProvisioned } from '../rules/reshard-rules.js';
import type { Handler } from '../state/services.js';
import { arnOf } from '../state/stream-store.js';

const DAY_MS = 24 * 3_600_000;

export const updateShardCount: Handler<'UpdateShardCount'> = async (services, input, ctx) => {
  const { streams, config } = services;
  const target = input.TargetShardCount;
  const current = await streams.get(input, ctx);
  const accountOpen = await accountOpenShards(services, input, ctx);
  await streams.reshard(
    input,
    ctx,
    (meta) => {
      assertProvisioned('UpdateShardCount', meta);
      const open = meta.shards.filter(isOpen).length;
      checkScalingQuota(meta, ctx.nowMs);
      // The account limit applies to the shards the stream would have, next to the other streams'.
      const others = accountOpen - current.shards.filter(isOpen).length;
      const limit = Math.min(config.shardLimit - Math.max(0, others), limits.shardsPerStreamMax);
      if (target > limit && target > open)
        throw new LimitExceededException(
          `Target shard count or number of open shards cannot be greater than ${Math.min(config.shardLimit, limits.shardsPerStreamMax)}. ` +
            `Current open shard count: ${open}, Target shard count: ${target}`,
        );
      if (target > open * 2)
        throw new LimitExceededException(
          'UpdateShardCount cannot scale up over double your current open shard count. ' +
            `Current open shard count: ${open}, Target shard count: ${target}`,
        );
      if (target * 2 < open)
        throw new LimitExceededException(
          'UpdateShardCount cannot scale down below half your current open shard count. ' +
            `Current open shard count: ${open}, Target shard count: ${target}`,
        );
      const set = { shards: meta.shards, nextShardIndex: meta.nextShardIndex };
      return planOf(set, uniformScalingSteps(set, target), ctx.nowMs);
    },
    config.stateDelayMs,
    (meta) => ({ scalingHistoryMs: [...recentScalings(meta, ctx.nowMs), ctx.nowMs] }),
  );
  return {
    StreamName: current.name,
    CurrentShardCount: current.shards.filter(isOpen).length,
    TargetShardCount: target,
    StreamARN: arnOf(current),
  };
};

const recentScalings = (meta: StreamMeta, nowMs: number): number[] =>
  (meta.scalingHistoryMs ?? []).filter((t) => t > nowMs - DAY_MS);

function checkScalingQuota(meta: StreamMeta, nowMs: number): void {
  if (recentScalings(meta, nowMs).length >= limits.updateShardCountPer24hMax)
    throw new LimitExceededException(
      `Exceeded the limit of ${limits.updateShardCountPer24hMax} UpdateShardCount operations per rolling 24 hour ` +
        `period for stream ${meta.name} under account ${meta.account}.`,
    );
}
