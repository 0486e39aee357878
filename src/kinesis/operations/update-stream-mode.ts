import { InvalidArgumentException, LimitExceededException } from '../errors.js';
import { limits } from '../limits.js';
import { checkWarmThroughput } from '../rules/warm-throughput-rules.js';
import type { Handler } from '../state/services.js';

const DAY_MS = 24 * 3_600_000;

/**
 * A capacity-mode switch changes metadata only: the shards stay as they are (an on-demand stream
 * then grows by splitting hot shards, on-demand-scaling.ts). At most 2 switches per rolling 24 h.
 */
export const updateStreamMode: Handler<'UpdateStreamMode'> = async (
  { streams, engine, config },
  input,
  ctx,
) => {
  const target = input.StreamModeDetails.StreamMode;
  const current = await streams.getActive(input, ctx);
  if (current.mode === target)
    throw new InvalidArgumentException(
      `Stream ${current.name} under account ${current.account} is already in ${target} mode.`,
    );
  const recent = (current.modeSwitchesMs ?? []).filter((t) => t > ctx.nowMs - DAY_MS);
  if (recent.length >= limits.streamModeSwitchesPer24hMax)
    throw new LimitExceededException(
      `Stream ${current.name} under account ${current.account} has already switched its capacity mode ` +
        `${recent.length} times in the last 24 hours. Limit: ${limits.streamModeSwitchesPer24hMax}.`,
    );
  const warm = input.WarmThroughputMiBps;
  if (warm !== undefined) await checkWarmThroughput(engine, current.account, current.region, target, warm);
  if (target === 'ON_DEMAND') {
    const counts = await streams.accountCounts(current.account, current.region, ctx.nowMs);
    if (counts.onDemandStreams >= config.onDemandStreamLimit)
      throw new LimitExceededException(
        `This request would exceed the on-demand stream count limit for the account ${current.account} in ` +
          `${current.region}. Limit: ${config.onDemandStreamLimit}.`,
      );
  }
  await streams.updateActive(
    input,
    ctx,
    (meta) => {
      const { warmThroughputMiBps: _dropped, ...kept } = meta;
      const rest = { ...kept, modeSwitchesMs: [...recent, ctx.nowMs] };
      return target === 'ON_DEMAND'
        ? { ...rest, mode: target, ...(warm !== undefined ? { warmThroughputMiBps: warm } : {}) }
        : { ...rest, mode: target, recordDistribution: 'USER_PARTITION_KEY' };
    },
    config.stateDelayMs,
  );
  return undefined;
};
