import { checkWarmThroughput } from '../rules/warm-throughput-rules.js';
import { warmThroughput } from '../state/describe.js';
import type { Handler } from '../state/services.js';
import { arnOf, type PendingMeta } from '../state/stream-store.js';

/** The new target applies when the stream returns from UPDATING to ACTIVE. */
export const updateStreamWarmThroughput: Handler<'UpdateStreamWarmThroughput'> = async (
  { streams, engine, config },
  input,
  ctx,
) => {
  const current = await streams.getActive(input, ctx);
  const mibps = input.WarmThroughputMiBps;
  await checkWarmThroughput(engine, current.account, current.region, current.mode, mibps);
  const next = await streams.updateActive(
    input,
    ctx,
    (meta): PendingMeta => ({ ...meta, pending: { warmThroughputMiBps: mibps } }),
    config.stateDelayMs,
  );
  return {
    StreamARN: arnOf(next),
    StreamName: next.name,
    WarmThroughput: warmThroughput(next) ?? { TargetMiBps: mibps, CurrentMiBps: mibps },
  };
};
