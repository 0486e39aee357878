import { shardIndexOf } from '../domain/stream-model.js';
import { limits } from '../limits.js';
import { retentionCutoffMs } from '../records/record-path.js';
import {
  encryptionFields,
  enhancedMonitoring,
  shardOutput,
  streamSummary,
  visibleShards,
} from '../state/describe.js';
import type { Handler } from '../state/services.js';

export const describeStream: Handler<'DescribeStream'> = async (services, input, ctx) => {
  const meta = await services.streams.get(input, ctx);
  const limit = Math.min(input.Limit ?? limits.describeStreamShardsMax, limits.describeStreamShardsMax);
  let shards = visibleShards(meta, retentionCutoffMs(services, meta, ctx.nowMs));
  if (input.ExclusiveStartShardId !== undefined) {
    const after = shardIndexOf(input.ExclusiveStartShardId) ?? -1;
    shards = shards.filter((s) => s.index > after);
  }
  const page = shards.slice(0, limit);
  const summary = streamSummary(meta);
  return {
    StreamDescription: {
      StreamName: summary.StreamName,
      StreamARN: summary.StreamARN,
      StreamStatus: summary.StreamStatus,
      StreamModeDetails: summary.StreamModeDetails,
      Shards: page.map((shard) => shardOutput(shard)),
      HasMoreShards: shards.length > page.length,
      RetentionPeriodHours: meta.retentionHours,
      StreamCreationTimestamp: summary.StreamCreationTimestamp,
      EnhancedMonitoring: enhancedMonitoring(meta),
      ...encryptionFields(meta),
    },
  };
};
