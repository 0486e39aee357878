// SubscribeToShard: everything that can fail before streaming (consumer, shard, starting
// position, take-over and rate rules) is an ordinary error response; then the response becomes an
// event stream served by a fan-out session (src/kinesis/fanout/subscription.ts).

import type { StreamingResult } from '../../aws/operation.js';
import { isExpiredShard, type StreamMeta } from '../domain/stream-model.js';
import { DryRunOperationException, InvalidArgumentException, ResourceInUseException } from '../errors.js';
import { fanoutHubOf, heartbeatMsOf, lifetimeMsOf } from '../fanout/fanout-hub.js';
import { Subscription, type SubscriptionPorts } from '../fanout/subscription.js';
import { limits } from '../limits.js';
import { metricsOf } from '../metrics/metrics.js';
import {
  loadStream,
  parseShardId,
  retentionCutoffMs,
  type StreamAddress,
  shardNotFound,
} from '../records/record-path.js';
import {
  ConsumerStatus,
  consumerByArn,
  consumerNotActive,
  creationSecondsOf,
} from '../state/consumer-store.js';
import type { Handler, OpContext, Services } from '../state/services.js';
import { endOfShard } from './get-records.js';
import { type IteratorStart, startingOffset } from './get-shard-iterator.js';
import { DRY_RUN_MESSAGE } from './put-records.js';

interface StartingPosition {
  readonly Type: string;
  readonly SequenceNumber?: string;
  readonly Timestamp?: number;
}

export const subscribeToShard: Handler<'SubscribeToShard'> = async (services, input, ctx) => {
  const consumerArn = input.ConsumerARN;
  const { stream, consumer } = await consumerByArn(services, consumerArn, ctx);
  if (consumer.status !== ConsumerStatus.ACTIVE)
    // The wording AWS uses for SubscribeToShard (note "stream: X , account").
    throw new ResourceInUseException(
      `Consumer ${consumer.name} with creation timestamp ${creationSecondsOf(consumer)} under stream: ` +
        `${stream.name} , account ${stream.account} is not in ACTIVE status.`,
    );
  const address = { account: stream.account, region: stream.region, name: stream.name };
  const shardId = input.ShardId;
  const shardIndex = parseShardId(shardId);
  const view = await loadStream(services, address, ctx);
  const shard = shardIndex === undefined ? undefined : view?.shardsByIndex.get(shardIndex);
  if (shardIndex === undefined) throw new InvalidArgumentException(`Invalid ShardId ${shardId}.`);
  // A closed shard whose data all passed retention is gone, as for GetShardIterator.
  if (
    view === undefined ||
    shard === undefined ||
    isExpiredShard(shard, retentionCutoffMs(services, view.meta, ctx.nowMs))
  )
    throw shardNotFound(shardIndex, stream.name, stream.account);
  const position = input.StartingPosition;
  checkStartingPosition(position, ctx);
  const offset = await startingOffset(services, view, shard, {
    ShardIteratorType: position.Type,
    StartingSequenceNumber: position.SequenceNumber,
    Timestamp: position.Timestamp,
  } satisfies IteratorStart);
  if (input.DryRun === true) throw new DryRunOperationException(DRY_RUN_MESSAGE);

  const claim = claimCounted(services, view.meta, consumerArn, () =>
    fanoutHubOf(services).claim(consumerArn, shardId, ctx.nowMs, services.config.limits === 'aws'),
  );
  const session = new Subscription({
    services,
    ports: subscriptionPorts(services, consumerArn, address, shardIndex, ctx),
    claim,
    consumerArn,
    stream: view.meta,
    shard,
    offset,
    wire: ctx.wire,
    lifetimeMs: lifetimeMsOf(services),
    heartbeatMs: heartbeatMsOf(services),
    bytesPerSecond: services.config.limits === 'aws' ? limits.subscriptionBytesPerSecond : undefined,
  });
  const result: StreamingResult = { streaming: true, run: (_req, res) => session.run(res) };
  return result;
};

/** Counts SubscribeToShard.Success / RateExceeded (a refused claim) for the consumer's metrics. */
function claimCounted<T>(services: Services, meta: StreamMeta, consumerArn: string, claim: () => T): T {
  const m = metricsOf(services);
  try {
    const c = claim();
    m?.subscribe(meta, consumerArn, true);
    return c;
  } catch (err) {
    m?.subscribe(meta, consumerArn, false);
    throw err;
  }
}

function checkStartingPosition(p: StartingPosition, ctx: OpContext): void {
  const needsSeq = p.Type === 'AT_SEQUENCE_NUMBER' || p.Type === 'AFTER_SEQUENCE_NUMBER';
  if (needsSeq && p.SequenceNumber === undefined)
    throw new InvalidArgumentException(
      `StartingPosition Type ${p.Type} requires a SequenceNumber, but none was specified.`,
    );
  if (!needsSeq && p.SequenceNumber !== undefined)
    throw new InvalidArgumentException(
      `StartingPosition Type ${p.Type} does not accept a SequenceNumber, but one was specified.`,
    );
  if (p.Type === 'AT_TIMESTAMP') {
    if (p.Timestamp === undefined)
      throw new InvalidArgumentException(
        'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.',
      );
    if (p.Timestamp > ctx.nowMs)
      throw new InvalidArgumentException(
        'The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. ' +
          `timestampInMillis: ${p.Timestamp}, currentTimestampInMillis: ${ctx.nowMs}`,
      );
  } else if (p.Timestamp !== undefined)
    throw new InvalidArgumentException(
      `StartingPosition Type ${p.Type} does not accept a Timestamp, but one was specified.`,
    );
}

/** What the session reads of the rest of Kinesis, bound to this subscription's consumer and shard. */
function subscriptionPorts(
  services: Services,
  consumerArn: string,
  address: StreamAddress,
  shardIndex: number,
  ctx: OpContext,
): SubscriptionPorts {
  const gone = () => shardNotFound(shardIndex, address.name, address.account);
  return {
    retentionCutoffMs: (stream, nowMs) => retentionCutoffMs(services, stream, nowMs),
    childShards: (stream, shard) => endOfShard(stream, shard).ChildShards ?? [],
    shardGone: gone,
    async refresh() {
      const now: OpContext = { ...ctx, nowMs: Date.now() };
      const { consumer } = await consumerByArn(services, consumerArn, now);
      if (consumer.status !== ConsumerStatus.ACTIVE) throw consumerNotActive(consumer);
      const view = await loadStream(services, address, now);
      const shard = view?.shardsByIndex.get(shardIndex);
      if (!view || !shard) throw gone();
      return { stream: view.meta, shard };
    },
  };
}
