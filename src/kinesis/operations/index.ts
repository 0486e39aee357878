// The Kinesis operation table: each operation declared once (name, handler, IAM action and
// resources, control-plane rate, wire fast path, streaming). Dispatch, validation, control-plane
// rates, the authorizer, the docs' operation list and the coverage tests all read it. Operations
// of the model without an entry here (the Channels family) answer "not implemented".
import type { OpContext } from '../../aws/operation.js';
import type { OperationEntry } from '../../aws/service.js';
import {
  arnResource,
  consumerOrStreamResource,
  consumerResource,
  noResource,
  streamResource,
} from '../domain/iam-resources.js';
import { InvalidArgumentException } from '../errors.js';
import type { OperationName } from '../model-types.js';
import type { KinesisOperation, Services } from '../state/services.js';
import { addTagsToStream } from './add-tags-to-stream.js';
import { createStream } from './create-stream.js';
import { decreaseStreamRetentionPeriod } from './decrease-stream-retention-period.js';
import { deleteResourcePolicy } from './delete-resource-policy.js';
import { deleteStream } from './delete-stream.js';
import { deregisterStreamConsumer } from './deregister-stream-consumer.js';
import { describeAccountSettings } from './describe-account-settings.js';
import { describeLimits } from './describe-limits.js';
import { describeStream } from './describe-stream.js';
import { describeStreamConsumer } from './describe-stream-consumer.js';
import { describeStreamSummary } from './describe-stream-summary.js';
import { disableEnhancedMonitoring } from './disable-enhanced-monitoring.js';
import { enableEnhancedMonitoring } from './enable-enhanced-monitoring.js';
import { getRecords } from './get-records.js';
import { getResourcePolicy } from './get-resource-policy.js';
import { getShardIterator } from './get-shard-iterator.js';
import { increaseStreamRetentionPeriod } from './increase-stream-retention-period.js';
import { listShards } from './list-shards.js';
import { listStreamConsumers } from './list-stream-consumers.js';
import { listStreams } from './list-streams.js';
import { listTagsForResource } from './list-tags-for-resource.js';
import { listTagsForStream } from './list-tags-for-stream.js';
import { mergeShards } from './merge-shards.js';
import { putRecord } from './put-record.js';
import { putRecords } from './put-records.js';
import { putResourcePolicy } from './put-resource-policy.js';
import { registerStreamConsumer } from './register-stream-consumer.js';
import { removeTagsFromStream } from './remove-tags-from-stream.js';
import { splitShard } from './split-shard.js';
import { startStreamEncryption } from './start-stream-encryption.js';
import { stopStreamEncryption } from './stop-stream-encryption.js';
import { subscribeToShard } from './subscribe-to-shard.js';
import { tagResource } from './tag-resource.js';
import { untagResource } from './untag-resource.js';
import { updateAccountSettings } from './update-account-settings.js';
import { updateMaxRecordSize } from './update-max-record-size.js';
import { updateShardCount } from './update-shard-count.js';
import { updateStreamMode } from './update-stream-mode.js';
import { updateStreamRecordDistributionStrategy } from './update-stream-record-distribution-strategy.js';
import { updateStreamWarmThroughput } from './update-stream-warm-throughput.js';

type OperationTable = { readonly [N in OperationName]?: KinesisOperation<N> };

export const kinesisOperations: OperationTable = {
  AddTagsToStream: {
    name: 'AddTagsToStream',
    handler: addTagsToStream,
    rateTps: 5,
    iam: { action: 'kinesis:AddTagsToStream', resources: streamResource },
  },
  CreateStream: {
    name: 'CreateStream',
    handler: createStream,
    rateTps: 5,
    iam: { action: 'kinesis:CreateStream', resources: streamResource },
  },
  DecreaseStreamRetentionPeriod: {
    name: 'DecreaseStreamRetentionPeriod',
    handler: decreaseStreamRetentionPeriod,
    iam: { action: 'kinesis:DecreaseStreamRetentionPeriod', resources: streamResource },
  },
  DeleteResourcePolicy: {
    name: 'DeleteResourcePolicy',
    handler: deleteResourcePolicy,
    iam: { action: 'kinesis:DeleteResourcePolicy', resources: arnResource },
  },
  DeleteStream: {
    name: 'DeleteStream',
    handler: deleteStream,
    rateTps: 5,
    iam: { action: 'kinesis:DeleteStream', resources: streamResource },
  },
  DeregisterStreamConsumer: {
    name: 'DeregisterStreamConsumer',
    handler: deregisterStreamConsumer,
    rateTps: 5,
    iam: { action: 'kinesis:DeregisterStreamConsumer', resources: consumerOrStreamResource },
  },
  DescribeAccountSettings: {
    name: 'DescribeAccountSettings',
    handler: describeAccountSettings,
    rateTps: 5,
    iam: { action: 'kinesis:DescribeAccountSettings', resources: noResource },
  },
  DescribeLimits: {
    name: 'DescribeLimits',
    handler: describeLimits,
    rateTps: 1,
    iam: { action: 'kinesis:DescribeLimits', resources: noResource },
  },
  DescribeStream: {
    name: 'DescribeStream',
    handler: describeStream,
    rateTps: 10,
    iam: { action: 'kinesis:DescribeStream', resources: streamResource },
  },
  DescribeStreamConsumer: {
    name: 'DescribeStreamConsumer',
    handler: describeStreamConsumer,
    rateTps: 20,
    iam: { action: 'kinesis:DescribeStreamConsumer', resources: consumerOrStreamResource },
  },
  DescribeStreamSummary: {
    name: 'DescribeStreamSummary',
    handler: describeStreamSummary,
    rateTps: 20,
    iam: { action: 'kinesis:DescribeStreamSummary', resources: streamResource },
  },
  DisableEnhancedMonitoring: {
    name: 'DisableEnhancedMonitoring',
    handler: disableEnhancedMonitoring,
    iam: { action: 'kinesis:DisableEnhancedMonitoring', resources: streamResource },
  },
  EnableEnhancedMonitoring: {
    name: 'EnableEnhancedMonitoring',
    handler: enableEnhancedMonitoring,
    iam: { action: 'kinesis:EnableEnhancedMonitoring', resources: streamResource },
  },
  GetRecords: {
    name: 'GetRecords',
    handler: getRecords,
    // The iterator names the stream; the authorizer reads it from the decoded iterator.
    iam: { action: 'kinesis:GetRecords', resources: noResource },
  },
  GetResourcePolicy: {
    name: 'GetResourcePolicy',
    handler: getResourcePolicy,
    iam: { action: 'kinesis:GetResourcePolicy', resources: arnResource },
  },
  GetShardIterator: {
    name: 'GetShardIterator',
    handler: getShardIterator,
    iam: { action: 'kinesis:GetShardIterator', resources: streamResource },
  },
  IncreaseStreamRetentionPeriod: {
    name: 'IncreaseStreamRetentionPeriod',
    handler: increaseStreamRetentionPeriod,
    iam: { action: 'kinesis:IncreaseStreamRetentionPeriod', resources: streamResource },
  },
  ListShards: {
    name: 'ListShards',
    handler: listShards,
    rateTps: 1000,
    iam: { action: 'kinesis:ListShards', resources: streamResource },
  },
  ListStreamConsumers: {
    name: 'ListStreamConsumers',
    handler: listStreamConsumers,
    rateTps: 5,
    iam: { action: 'kinesis:ListStreamConsumers', resources: streamResource },
  },
  ListStreams: {
    name: 'ListStreams',
    handler: listStreams,
    rateTps: 5,
    iam: { action: 'kinesis:ListStreams', resources: noResource },
  },
  ListTagsForResource: {
    name: 'ListTagsForResource',
    handler: listTagsForResource,
    iam: { action: 'kinesis:ListTagsForResource', resources: arnResource },
  },
  ListTagsForStream: {
    name: 'ListTagsForStream',
    handler: listTagsForStream,
    rateTps: 5,
    iam: { action: 'kinesis:ListTagsForStream', resources: streamResource },
  },
  MergeShards: {
    name: 'MergeShards',
    handler: mergeShards,
    rateTps: 5,
    iam: { action: 'kinesis:MergeShards', resources: streamResource },
  },
  PutRecord: {
    name: 'PutRecord',
    handler: putRecord,
    fastPath: 'json-input',
    iam: { action: 'kinesis:PutRecord', resources: streamResource },
  },
  PutRecords: {
    name: 'PutRecords',
    handler: putRecords,
    fastPath: 'json-input-offload',
    iam: { action: 'kinesis:PutRecords', resources: streamResource },
  },
  PutResourcePolicy: {
    name: 'PutResourcePolicy',
    handler: putResourcePolicy,
    iam: { action: 'kinesis:PutResourcePolicy', resources: arnResource },
  },
  RegisterStreamConsumer: {
    name: 'RegisterStreamConsumer',
    handler: registerStreamConsumer,
    rateTps: 5,
    iam: { action: 'kinesis:RegisterStreamConsumer', resources: streamResource },
  },
  RemoveTagsFromStream: {
    name: 'RemoveTagsFromStream',
    handler: removeTagsFromStream,
    rateTps: 5,
    iam: { action: 'kinesis:RemoveTagsFromStream', resources: streamResource },
  },
  SplitShard: {
    name: 'SplitShard',
    handler: splitShard,
    rateTps: 5,
    iam: { action: 'kinesis:SplitShard', resources: streamResource },
  },
  StartStreamEncryption: {
    name: 'StartStreamEncryption',
    handler: startStreamEncryption,
    iam: { action: 'kinesis:StartStreamEncryption', resources: streamResource },
  },
  StopStreamEncryption: {
    name: 'StopStreamEncryption',
    handler: stopStreamEncryption,
    iam: { action: 'kinesis:StopStreamEncryption', resources: streamResource },
  },
  SubscribeToShard: {
    name: 'SubscribeToShard',
    handler: subscribeToShard,
    streaming: true,
    iam: { action: 'kinesis:SubscribeToShard', resources: consumerResource },
  },
  TagResource: {
    name: 'TagResource',
    handler: tagResource,
    iam: { action: 'kinesis:TagResource', resources: arnResource },
  },
  UntagResource: {
    name: 'UntagResource',
    handler: untagResource,
    iam: { action: 'kinesis:UntagResource', resources: arnResource },
  },
  UpdateAccountSettings: {
    name: 'UpdateAccountSettings',
    handler: updateAccountSettings,
    rateTps: 5,
    iam: { action: 'kinesis:UpdateAccountSettings', resources: noResource },
  },
  UpdateMaxRecordSize: {
    name: 'UpdateMaxRecordSize',
    handler: updateMaxRecordSize,
    iam: { action: 'kinesis:UpdateMaxRecordSize', resources: streamResource },
  },
  UpdateShardCount: {
    name: 'UpdateShardCount',
    handler: updateShardCount,
    rateTps: 10,
    iam: { action: 'kinesis:UpdateShardCount', resources: streamResource },
  },
  UpdateStreamMode: {
    name: 'UpdateStreamMode',
    handler: updateStreamMode,
    iam: { action: 'kinesis:UpdateStreamMode', resources: streamResource },
  },
  UpdateStreamRecordDistributionStrategy: {
    name: 'UpdateStreamRecordDistributionStrategy',
    handler: updateStreamRecordDistributionStrategy,
    iam: { action: 'kinesis:UpdateStreamRecordDistributionStrategy', resources: streamResource },
  },
  UpdateStreamWarmThroughput: {
    name: 'UpdateStreamWarmThroughput',
    handler: updateStreamWarmThroughput,
    rateTps: 5,
    iam: { action: 'kinesis:UpdateStreamWarmThroughput', resources: streamResource },
  },
};

/** The entry of `name`, typed for dispatch (inputs are validated against the model before). */
export interface DispatchEntry extends OperationEntry {
  readonly handler: (services: Services, input: unknown, ctx: OpContext) => Promise<unknown>;
}

const notImplemented = (name: string): DispatchEntry => ({
  name,
  handler: async () => {
    throw new InvalidArgumentException(`Shardline does not implement ${name} yet.`);
  },
  iam: { action: `kinesis:${name}`, resources: () => [] },
});

/**
 * Every operation of the service model, implemented or not (unknown targets never get here).
 * The front end validates each input against the operation's model shape before dispatch, so an
 * entry's typed handler receives the input type it declares: this is where the types are erased.
 */
export function dispatchTable(operationNames: readonly string[]): ReadonlyMap<string, DispatchEntry> {
  const table = new Map<string, DispatchEntry>();
  const declared = kinesisOperations as Readonly<Record<string, DispatchEntry | undefined>>;
  for (const name of operationNames) table.set(name, declared[name] ?? notImplemented(name));
  return table;
}

export const implementedOperations = (): string[] => Object.keys(kinesisOperations).sort();
