// Renders stored stream metadata in the API's output shapes (shared by Describe*, ListStreams, ListShards).
import { encodeSequenceNumber, shardStartSequenceNumber } from '../domain/sequence-number.js';
import {
  isExpiredShard,
  isOpen,
  type ShardMeta,
  type StreamMeta,
  StreamStatus,
  shardIdOf,
} from '../domain/stream-model.js';
import type {
  EnhancedMetrics,
  SequenceNumberRange,
  Shard,
  StreamDescriptionSummary,
  StreamSummary,
  WarmThroughputObject,
} from '../model-types.js';
import { arnOf, type PendingMeta } from './stream-store.js';

/** A shard in the API's Shard shape; its sequence numbers derive from its index and creation time. */
export function shardOutput(shard: ShardMeta): Shard {
  const range: SequenceNumberRange = {
    StartingSequenceNumber: shardStartSequenceNumber(shard),
  };
  // A closed shard ends at its last record (at its start when it never had one).
  if (shard.closedEndOffset !== undefined)
    range.EndingSequenceNumber = encodeSequenceNumber(
      shard,
      shard.closedEndOffset - 1,
      // The last record's number; a shard that never had one ends at its StartingSequenceNumber.
      shard.closedEndTimeMs ?? (shard.closedEndOffset === 0 ? undefined : shard.closedAtMs),
    );
  return {
    ShardId: shardIdOf(shard.index),
    ...(shard.parent !== undefined ? { ParentShardId: shardIdOf(shard.parent) } : {}),
    ...(shard.adjacentParent !== undefined ? { AdjacentParentShardId: shardIdOf(shard.adjacentParent) } : {}),
    HashKeyRange: { StartingHashKey: shard.start, EndingHashKey: shard.end },
    SequenceNumberRange: range,
  };
}

/**
 * Shards are visible once the stream leaves CREATING (and never if it was deleted while CREATING).
 * A closed shard disappears once all its data is past retention: its last record arrived before
 * it closed, so that is when `closedAtMs` falls before the retention cutoff.
 */
export function visibleShards(meta: StreamMeta, retentionCutoffMs?: number): readonly ShardMeta[] {
  if (meta.status === StreamStatus.CREATING || (meta as PendingMeta).shardsHidden === true) return [];
  if (retentionCutoffMs === undefined) return meta.shards;
  return meta.shards.filter((s) => !isExpiredShard(s, retentionCutoffMs));
}

export function enhancedMonitoring(meta: StreamMeta): EnhancedMetrics[] {
  return [{ ShardLevelMetrics: [...meta.shardLevelMetrics] }];
}

export function encryptionFields(
  meta: StreamMeta,
): Pick<StreamDescriptionSummary, 'EncryptionType' | 'KeyId'> {
  return meta.encryptionType === 'KMS'
    ? { EncryptionType: 'KMS', KeyId: meta.keyId }
    : { EncryptionType: 'NONE' };
}

export function streamSummary(meta: StreamMeta): Required<Omit<StreamSummary, 'StreamId'>> {
  return {
    StreamName: meta.name,
    StreamARN: arnOf(meta),
    StreamStatus: meta.status,
    StreamModeDetails: { StreamMode: meta.mode },
    StreamCreationTimestamp: new Date(meta.createdAtMs),
  };
}

/** Warm throughput is reported for on-demand streams that have one configured (or pending). */
export function warmThroughput(meta: StreamMeta): WarmThroughputObject | undefined {
  if (meta.mode !== 'ON_DEMAND') return undefined;
  const target = (meta as PendingMeta).pending?.warmThroughputMiBps ?? meta.warmThroughputMiBps;
  if (target === undefined) return undefined;
  return { TargetMiBps: target, CurrentMiBps: meta.warmThroughputMiBps ?? 0 };
}

export function streamDescriptionSummary(meta: StreamMeta, consumers: number): StreamDescriptionSummary {
  const warm = warmThroughput(meta);
  return {
    ...streamSummary(meta),
    RetentionPeriodHours: meta.retentionHours,
    EnhancedMonitoring: enhancedMonitoring(meta),
    ...encryptionFields(meta),
    OpenShardCount: visibleShards(meta).filter(isOpen).length,
    ConsumerCount: consumers,
    ...(warm ? { WarmThroughput: warm } : {}),
    MaxRecordSizeInKiB: meta.maxRecordSizeKiB,
    ...(meta.mode === 'ON_DEMAND' ? { RecordDistributionStrategy: meta.recordDistribution } : {}),
  };
}
