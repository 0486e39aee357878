import { randomUUID } from 'node:crypto';
import { initialShards, type StreamMeta, type StreamMode, StreamStatus } from '../domain/stream-model.js';
import { mergeTags } from '../domain/tag-rules.js';
import { InvalidArgumentException, LimitExceededException } from '../errors.js';
import { limits } from '../limits.js';
import { checkWarmThroughput } from '../rules/warm-throughput-rules.js';
import type { Handler } from '../state/services.js';

export const createStream: Handler<'CreateStream'> = async (services, input, ctx) => {
  const { config, streams, engine } = services;
  const explicitMode = input.StreamModeDetails?.StreamMode;
  // Without ShardCount or a mode, Kinesis now creates an on-demand stream.
  const mode: StreamMode = explicitMode ?? (input.ShardCount === undefined ? 'ON_DEMAND' : 'PROVISIONED');
  if (mode === 'PROVISIONED' && input.ShardCount === undefined)
    throw new InvalidArgumentException('ShardCount is required for streams in PROVISIONED mode.');
  if (mode === 'ON_DEMAND' && input.ShardCount !== undefined)
    throw new InvalidArgumentException('ShardCount cannot be specified for streams in ON_DEMAND mode.');
  const shardCount: number = input.ShardCount ?? limits.onDemandInitialShardCount;

  // Counted over the account's streams one page of metadata at a time (docs/storage.md).
  const counts = await streams.accountCounts(ctx.account, ctx.region, ctx.nowMs);
  const current = counts.openShards;
  if (current + shardCount > config.shardLimit)
    throw new LimitExceededException(
      `This request would exceed the shard limit for the account ${ctx.account} in ${ctx.region}. ` +
        `Current shard count for the account: ${current}. Limit: ${config.shardLimit}. ` +
        `Number of additional shards that would have resulted from this request: ${shardCount}. ` +
        'Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) ' +
        'for current limits and how to request higher limits.',
    );
  if (mode === 'ON_DEMAND' && counts.onDemandStreams >= config.onDemandStreamLimit)
    throw new LimitExceededException(
      `This request would exceed the on-demand stream count limit for the account ${ctx.account} in ${ctx.region}. ` +
        `Limit: ${config.onDemandStreamLimit}.`,
    );
  if (counts.creatingStreams >= limits.streamsCreatingMax)
    throw new LimitExceededException(
      `Account ${ctx.account} has reached the limit of ${limits.streamsCreatingMax} streams in CREATING state.`,
    );

  const tags = mergeTags({}, input.Tags ?? {}, {
    verb: 'add tags to',
    what: `stream ${input.StreamName} under account ${ctx.account}`,
  });
  if (input.WarmThroughputMiBps !== undefined)
    await checkWarmThroughput(engine, ctx.account, ctx.region, mode, input.WarmThroughputMiBps);
  if (input.RecordDistributionStrategy === 'AUTO' && mode !== 'ON_DEMAND')
    throw new InvalidArgumentException(
      'Record distribution strategy AUTO is only supported for streams in ON_DEMAND mode.',
    );

  const delay = config.stateDelayMs;
  const meta: StreamMeta = {
    uid: randomUUID(),
    name: input.StreamName,
    account: ctx.account,
    region: ctx.region,
    createdAtMs: ctx.nowMs,
    status: delay > 0 ? StreamStatus.CREATING : StreamStatus.ACTIVE,
    statusUntilMs: ctx.nowMs + delay,
    mode,
    retentionHours: limits.retentionHoursDefault,
    encryptionType: 'NONE',
    shardLevelMetrics: [],
    tags,
    maxRecordSizeKiB: input.MaxRecordSizeInKiB ?? limits.recordBytesDefault / 1024,
    ...(input.WarmThroughputMiBps !== undefined ? { warmThroughputMiBps: input.WarmThroughputMiBps } : {}),
    recordDistribution: input.RecordDistributionStrategy ?? 'USER_PARTITION_KEY',
    shards: initialShards(shardCount, ctx.nowMs),
    nextShardIndex: shardCount,
  };
  for (const shard of meta.shards) await engine.logs.create(`${meta.uid}/${shard.index}`);
  await streams.create(meta);
  return undefined;
};
