import { decodeNextToken, encodeNextToken } from '../domain/next-token.js';
import {
  isOpen,
  type ShardMeta,
  type StreamMeta,
  StreamStatus,
  shardIdOf,
  shardIndexOf,
} from '../domain/stream-model.js';
import {
  ExpiredNextTokenException,
  InvalidArgumentException,
  ResourceInUseException,
  streamNotFound,
} from '../errors.js';
import { limits } from '../limits.js';
import type { ListShardsInput, ShardFilter } from '../model-types.js';
import { retentionCutoffMs } from '../records/record-path.js';
import { shardOutput, visibleShards } from '../state/describe.js';
import type { Handler, OpContext, Services, StreamRef } from '../state/services.js';
import { arnOf } from '../state/stream-store.js';

interface Query {
  readonly address: StreamRef;
  readonly after: number;
  readonly filter: ShardFilter | undefined;
  readonly uid: string | undefined;
}

/** NextToken carries everything the first call named, so a continuation needs nothing else. */
function queryOf(services: Services, input: ListShardsInput, ctx: OpContext): Query {
  if (input.NextToken === undefined) {
    if (input.StreamName === undefined && input.StreamARN === undefined)
      throw new InvalidArgumentException('Either NextToken or StreamName should be provided.');
    services.streams.address(input, ctx);
    const filter = input.ShardFilter;
    let after = input.ExclusiveStartShardId === undefined ? -1 : indexOf(input.ExclusiveStartShardId);
    if (filter?.Type === 'AFTER_SHARD_ID') {
      if (filter.ShardId === undefined)
        throw new InvalidArgumentException(
          'Must specify ShardId in ShardFilter when ShardFilter Type is AFTER_SHARD_ID.',
        );
      after = Math.max(after, indexOf(filter.ShardId));
    }
    if (
      (filter?.Type === 'AT_TIMESTAMP' || filter?.Type === 'FROM_TIMESTAMP') &&
      filter.Timestamp === undefined
    )
      throw new InvalidArgumentException(
        `Must specify Timestamp in ShardFilter when ShardFilter Type is ${filter.Type}.`,
      );
    return { address: input, after, filter, uid: undefined };
  }
  for (const member of [
    'StreamName',
    'StreamARN',
    'ExclusiveStartShardId',
    'StreamCreationTimestamp',
  ] as const)
    if (input[member] !== undefined)
      throw new InvalidArgumentException(`NextToken and ${member} cannot be provided together.`);
  const token = decodeNextToken(input.NextToken, ctx.nowMs);
  if (token === 'expired') throw new ExpiredNextTokenException('The NextToken has expired.');
  if (token === undefined || typeof token.arn !== 'string' || typeof token.uid !== 'string')
    throw new InvalidArgumentException('Invalid NextToken.');
  return {
    address: { StreamARN: token.arn },
    after: indexOf(token.after),
    filter: input.ShardFilter ?? (token.filter as Query['filter']),
    uid: token.uid,
  };
}

/** A shard id that does not parse sorts before every shard (AWS lists from the start). */
function indexOf(shardId: string): number {
  return shardIndexOf(shardId) ?? -1;
}

/**
 * ShardFilter over shard lifetimes ([createdAtMs, closedAtMs)). Instants before the trim horizon
 * are clamped to it, and the trim horizon itself never predates the stream.
 */
function matchesFilter(shard: ShardMeta, filter: Query['filter'], horizonMs: number): boolean {
  const openAt = (t: number) =>
    shard.createdAtMs <= t && (shard.closedAtMs === undefined || shard.closedAtMs > t);
  switch (filter?.Type) {
    case 'AT_LATEST':
      return isOpen(shard);
    case 'AT_TRIM_HORIZON':
      return openAt(horizonMs);
    case 'AT_TIMESTAMP':
      return openAt(Math.max(filter.Timestamp as number, horizonMs));
    case 'FROM_TIMESTAMP':
      return (
        shard.closedAtMs === undefined || shard.closedAtMs >= Math.max(filter.Timestamp as number, horizonMs)
      );
    default:
      return true;
  }
}

function checkCreation(meta: StreamMeta, input: ListShardsInput): boolean {
  const ts = input.StreamCreationTimestamp;
  return ts === undefined || Math.floor(ts / 1000) === Math.floor(meta.createdAtMs / 1000);
}

export const listShards: Handler<'ListShards'> = async (services, input, ctx) => {
  const query = queryOf(services, input, ctx);
  const meta = await services.streams.get(query.address, ctx);
  if (query.uid !== undefined && query.uid !== meta.uid)
    throw new InvalidArgumentException('Invalid NextToken.');
  // A creation time that does not match means the named stream is a different (re-created) one.
  if (!checkCreation(meta, input)) throw streamNotFound(meta.name, meta.account);
  if (meta.status === StreamStatus.CREATING)
    throw new ResourceInUseException(
      `Stream ${meta.name} under account ${meta.account} not ACTIVE, instead in state ${meta.status}`,
    );
  const limit = Math.min(input.MaxResults ?? limits.listShardsDefault, limits.listShardsMax);
  const cutoff = retentionCutoffMs(services, meta, ctx.nowMs);
  const horizon = Math.max(cutoff, meta.createdAtMs);
  const matching = visibleShards(meta, cutoff).filter(
    (s) => s.index > query.after && matchesFilter(s, query.filter, horizon),
  );
  const page = matching.slice(0, limit);
  const last = page[page.length - 1];
  const more = matching.length > page.length && last !== undefined;
  return {
    Shards: page.map((shard) => shardOutput(shard)),
    ...(more
      ? {
          NextToken: encodeNextToken(
            { after: shardIdOf(last.index), arn: arnOf(meta), uid: meta.uid, filter: query.filter },
            ctx.nowMs,
          ),
        }
      : {}),
  };
};
