import type { StreamMode } from '../domain/stream-model.js';
import { InvalidArgumentException, LimitExceededException } from '../errors.js';
import type { Handler } from './context.js';
import { checkWarmThroughput } from './warm-throughput-rules.js';

/** A capacity-mode switch changes metadata only: the shards stay as they are. */
export const updateStreamMode: Handler = async ({ streams, engine, config }, input, ctx) => {
  const target = input.StreamModeDetails.StreamMode as StreamMode;
  const current = await streams.getActive(input, ctx);
  if (current.mode === target)
    throw new InvalidArgumentException(
      `Stream ${current.name} under account ${current.account} is already in ${target} mode.`,
    );
  const warm = input.WarmThroughputMiBps as number | undefined;
  if (warm !== undefined) await checkWarmThroughput(engine, current.account, current.region, target, warm);
  if (target === 'ON_DEMAND') {
    const mine = await streams.list(current.account, current.region, ctx.nowMs);
    if (mine.filter((s) => s.mode === 'ON_DEMAND').length >= config.onDemandStreamLimit)
      throw new LimitExceededException(
        `This request would exceed the on-demand stream count limit for the account ${current.account} in ` +
          `${current.region}. Limit: ${config.onDemandStreamLimit}.`,
      );
  }
  await streams.updateActive(
    input,
    ctx,
    (meta) => {
      const { warmThroughputMiBps: _dropped, ...rest } = meta;
      return target === 'ON_DEMAND'
        ? { ...rest, mode: target, ...(warm !== undefined ? { warmThroughputMiBps: warm } : {}) }
        : { ...rest, mode: target, recordDistribution: 'USER_PARTITION_KEY' };
    },
    config.stateDelayMs,
  );
  return undefined;
};
