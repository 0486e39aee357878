// Stream and shard metadata as stored (JSON in the metadata store) and the pure rules over it.
import { evenRanges, type HashRange } from './hash-keys.js';

export const StreamStatus = {
  CREATING: 'CREATING',
  ACTIVE: 'ACTIVE',
  UPDATING: 'UPDATING',
  DELETING: 'DELETING',
} as const;
export type StreamStatus = (typeof StreamStatus)[keyof typeof StreamStatus];

export type StreamMode = 'PROVISIONED' | 'ON_DEMAND';

export interface ShardMeta {
  readonly index: number;
  /** Hash range bounds as decimal strings (JSON has no 128-bit integers). */
  readonly start: string;
  readonly end: string;
  readonly parent?: number;
  readonly adjacentParent?: number;
  readonly createdAtMs: number;
  /**
   * The creation seconds its sequence numbers carry, when not those of `createdAtMs`: a child
   * created within its parent's creation second gets the parent's + 1, so its numbers sort above
   * the parent's (docs/sequence-numbers.md). Absent in metadata written before it existed.
   */
  readonly sequenceSecs?: number;
  /** Set when the shard is closed by resharding: the log offset one past its last record. */
  readonly closedEndOffset?: number;
  readonly closedAtMs?: number;
  /** Arrival time of the closed shard's last record (its EndingSequenceNumber's time field). */
  readonly closedEndTimeMs?: number;
  /**
   * Set by the retention sweeper when it drops the log of a closed shard whose data all passed
   * retention: the shard stays gone even if the retention period is raised later.
   */
  readonly expired?: true;
}

/**
 * A closed shard all of whose data is past retention (its last record arrived before it closed),
 * or one the sweeper has already removed: gone from listings, iterators and subscriptions, as on AWS.
 */
export function isExpiredShard(shard: ShardMeta, retentionCutoffMs: number): boolean {
  return shard.expired === true || (shard.closedAtMs !== undefined && shard.closedAtMs < retentionCutoffMs);
}

export interface StreamMeta {
  readonly uid: string;
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly createdAtMs: number;
  readonly status: StreamStatus;
  /** When a transitional status (CREATING, UPDATING, DELETING) ends. */
  readonly statusUntilMs: number;
  readonly mode: StreamMode;
  readonly retentionHours: number;
  readonly encryptionType: 'NONE' | 'KMS';
  readonly keyId?: string;
  readonly shardLevelMetrics: readonly string[];
  /** Insertion-ordered tags. */
  readonly tags: Readonly<Record<string, string>>;
  readonly maxRecordSizeKiB: number;
  readonly warmThroughputMiBps?: number;
  readonly recordDistribution: 'USER_PARTITION_KEY' | 'AUTO';
  readonly shards: readonly ShardMeta[];
  readonly nextShardIndex: number;
  /** When UpdateShardCount ran, within the last 24 hours (its per-stream quota). */
  readonly scalingHistoryMs?: readonly number[];
  /** When the capacity mode was switched, within the last 24 hours (its per-stream quota). */
  readonly modeSwitchesMs?: readonly number[];
  /** When StartStreamEncryption / StopStreamEncryption were applied, within the last 24 hours (their quotas). */
  readonly encryptionStartsMs?: readonly number[];
  readonly encryptionStopsMs?: readonly number[];
}

export const shardIdOf = (index: number): string => `shardId-${String(index).padStart(12, '0')}`;

/** Accepts `shardId-000000000001` and, like Kinesis, a bare or differently padded number. */
export function shardIndexOf(shardId: string): number | undefined {
  const m = /^(?:shardId-)?(\d{1,20})$/.exec(shardId);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function streamArn(region: string, account: string, name: string): string {
  return `arn:${partitionOf(region)}:kinesis:${region}:${account}:stream/${name}`;
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

const STREAM_ARN_RE = /^arn:aws[a-z-]*:kinesis:([a-z0-9-]+):(\d{12}):stream\/([a-zA-Z0-9_.-]+)$/;

export interface StreamAddress {
  readonly region: string;
  readonly account: string;
  readonly name: string;
}

export function parseStreamArn(arn: string): StreamAddress | undefined {
  const m = STREAM_ARN_RE.exec(arn);
  if (!m) return undefined;
  return { region: m[1] as string, account: m[2] as string, name: m[3] as string };
}

export function logIdOf(stream: StreamMeta, shardIndex: number): string {
  return `${stream.uid}/${shardIndex}`;
}

export function initialShards(count: number, nowMs: number): ShardMeta[] {
  return evenRanges(count).map((r: HashRange, index) => ({
    index,
    start: r.start.toString(),
    end: r.end.toString(),
    createdAtMs: nowMs,
  }));
}

export const isOpen = (shard: ShardMeta): boolean => shard.closedEndOffset === undefined;
export const openShards = (stream: StreamMeta): ShardMeta[] => stream.shards.filter(isOpen);
