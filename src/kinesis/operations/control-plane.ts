// Control-plane operations (streams, tags, policies, encryption, monitoring, limits, account).
// Channels (CreateChannel, DescribeChannel, ListChannels, UpdateChannel, DeleteChannel) are
// deliberately absent: they answer the table's "not implemented" error (see docs/control-plane.md).
import { addTagsToStream } from './add-tags-to-stream.js';
import type { Handler } from './context.js';
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
import { getResourcePolicy } from './get-resource-policy.js';
import { increaseStreamRetentionPeriod } from './increase-stream-retention-period.js';
import { listShards } from './list-shards.js';
import { listStreamConsumers } from './list-stream-consumers.js';
import { listStreams } from './list-streams.js';
import { listTagsForResource } from './list-tags-for-resource.js';
import { listTagsForStream } from './list-tags-for-stream.js';
import { mergeShards } from './merge-shards.js';
import { putResourcePolicy } from './put-resource-policy.js';
import { registerStreamConsumer } from './register-stream-consumer.js';
import { removeTagsFromStream } from './remove-tags-from-stream.js';
import { splitShard } from './split-shard.js';
import { startStreamEncryption } from './start-stream-encryption.js';
import { stopStreamEncryption } from './stop-stream-encryption.js';
import { tagResource } from './tag-resource.js';
import { untagResource } from './untag-resource.js';
import { updateAccountSettings } from './update-account-settings.js';
import { updateMaxRecordSize } from './update-max-record-size.js';
import { updateShardCount } from './update-shard-count.js';
import { updateStreamMode } from './update-stream-mode.js';
import { updateStreamRecordDistributionStrategy } from './update-stream-record-distribution-strategy.js';
import { updateStreamWarmThroughput } from './update-stream-warm-throughput.js';

export const controlPlaneHandlers: Readonly<Record<string, Handler>> = {
  AddTagsToStream: addTagsToStream,
  CreateStream: createStream,
  DecreaseStreamRetentionPeriod: decreaseStreamRetentionPeriod,
  DeleteResourcePolicy: deleteResourcePolicy,
  DeleteStream: deleteStream,
  DescribeAccountSettings: describeAccountSettings,
  DescribeLimits: describeLimits,
  DescribeStream: describeStream,
  DescribeStreamSummary: describeStreamSummary,
  DisableEnhancedMonitoring: disableEnhancedMonitoring,
  EnableEnhancedMonitoring: enableEnhancedMonitoring,
  GetResourcePolicy: getResourcePolicy,
  IncreaseStreamRetentionPeriod: increaseStreamRetentionPeriod,
  ListShards: listShards,
  ListStreams: listStreams,
  ListTagsForResource: listTagsForResource,
  ListTagsForStream: listTagsForStream,
  PutResourcePolicy: putResourcePolicy,
  RemoveTagsFromStream: removeTagsFromStream,
  StartStreamEncryption: startStreamEncryption,
  StopStreamEncryption: stopStreamEncryption,
  TagResource: tagResource,
  UntagResource: untagResource,
  UpdateAccountSettings: updateAccountSettings,
  UpdateMaxRecordSize: updateMaxRecordSize,
  UpdateShardCount: updateShardCount,
  SplitShard: splitShard,
  MergeShards: mergeShards,
  UpdateStreamMode: updateStreamMode,
  UpdateStreamRecordDistributionStrategy: updateStreamRecordDistributionStrategy,
  UpdateStreamWarmThroughput: updateStreamWarmThroughput,
  // Enhanced fan-out consumers.
  RegisterStreamConsumer: registerStreamConsumer,
  DeregisterStreamConsumer: deregisterStreamConsumer,
  DescribeStreamConsumer: describeStreamConsumer,
  ListStreamConsumers: listStreamConsumers,
};
