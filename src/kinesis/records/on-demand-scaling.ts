// On-demand capacity: streams in ON_DEMAND mode start with 4 shards and grow by splitting hot
// shards. The write path meters each shard's *offered* load (throttled entries included) in
// one-second windows; a shard offered more than its write capacity (bytes or records) in every
// window for `onDemandScaleUpAfterMs` is split at the middle of its hash range, through the same
// race-free close as SplitShard. See docs/throughput.md for the policy and its limits.

import { slotKey } from '../../core/slots.js';
import { canSplitAt, midpointOf, planOf } from '../domain/resharding.js';
import { isOpen, shardIdOf, streamArn } from '../domain/stream-model.js';
import { limits } from '../limits.js';
import type { OpContext, Services } from '../state/services.js';
import { throughputOf } from '../state/shard-runtime.js';
import type { StreamView } from './record-path.js';

const SCALING = slotKey<ScalingState>('on-demand/scaling');
const WINDOW_MS = 1000;

interface ScalingState {
  /** Streams (by uid) with a scale-up in progress, and when each last scaled. */
  readonly busy: Set<string>;
  readonly lastMs: Map<string, number>;
}

function stateOf(services: Services): ScalingState {
  return services.slots.getOrCreate(SCALING, () => ({ busy: new Set(), lastMs: new Map() }));
}

/** Records a write offered to an on-demand shard; starts a scale-up when it has been hot long enough. */
export function noteOnDemandWrites(
  services: Services,
  view: StreamView,
  slot: number,
  sizes: Float64Array,
  positions: Uint32Array,
  nowMs: number,
): void {
  const rt = view.runtimes[slot];
  if (rt === undefined) return;
  rt.meter ??= { windowStartMs: nowMs, bytes: 0, records: 0, hotSinceMs: undefined };
  const m = rt.meter;
  const elapsed = nowMs - m.windowStartMs;
  if (elapsed >= WINDOW_MS) {
    const capacity = throughputOf({ ...services.config, limits: 'aws' });
    const hot =
      elapsed < 2 * WINDOW_MS &&
      capacity !== undefined &&
      (m.bytes > capacity.writeBytesPerSec || m.records > capacity.writeRecordsPerSec);
    m.hotSinceMs = hot ? (m.hotSinceMs ?? m.windowStartMs) : undefined;
    m.windowStartMs = nowMs;
    m.bytes = 0;
    m.records = 0;
  }
  let bytes = 0;
  for (let k = 0; k < positions.length; k++) bytes += sizes[positions[k]!]!;
  m.bytes += bytes;
  m.records += positions.length;
  const after = services.config.onDemandScaleUpAfterMs ?? limits.onDemandScaleUpAfterMsDefault;
  if (m.hotSinceMs !== undefined && nowMs - m.hotSinceMs >= after) {
    m.hotSinceMs = undefined;
    const shard = view.router.shards[slot];
    if (shard !== undefined) void scaleUp(services, view, shard.index, nowMs);
  }
}

/** Splits the hot shard at its midpoint, unless a limit or a concurrent change says no. */
async function scaleUp(
  services: Services,
  view: StreamView,
  shardIndex: number,
  nowMs: number,
): Promise<void> {
  const state = stateOf(services);
  const { meta } = view;
  if (state.busy.has(meta.uid)) return;
  if (nowMs - (state.lastMs.get(meta.uid) ?? 0) < limits.onDemandScaleCooldownMs) return;
  state.busy.add(meta.uid);
  try {
    const { openShards } = await services.streams.accountCounts(meta.account, meta.region, nowMs);
    if (openShards + 1 > services.config.shardLimit) return;
    const ctx: OpContext = {
      account: meta.account,
      region: meta.region,
      requestId: `on-demand-scaling-${shardIdOf(shardIndex)}`,
      nowMs: Date.now(),
      signal: AbortSignal.timeout(limits.onDemandSplitTimeoutMs),
      wire: 'json',
    };
    await services.streams.reshard(
      { StreamARN: streamArn(meta.region, meta.account, meta.name) },
      ctx,
      (current) => {
        const shard = current.shards.find((s) => s.index === shardIndex);
        const open = current.shards.filter(isOpen).length;
        if (current.mode !== 'ON_DEMAND' || current.uid !== meta.uid || shard === undefined || !isOpen(shard))
          throw new Error('stream changed');
        if (open + 1 > limits.shardsPerStreamMax) throw new Error('stream at its shard limit');
        const at = midpointOf(shard);
        if (!canSplitAt(shard, at)) throw new Error('shard too narrow');
        const set = { shards: current.shards, nextShardIndex: current.nextShardIndex };
        return planOf(set, [{ kind: 'split', shard: shardIndex, at: at.toString() }], ctx.nowMs);
      },
      0,
    );
    state.lastMs.set(meta.uid, Date.now());
  } catch {
    // Not ACTIVE (a control operation is under way), changed, or at a limit: the meter will ask again.
  } finally {
    state.busy.delete(meta.uid);
    if (state.lastMs.size > limits.streamViewCacheEntriesMax) state.lastMs.clear();
  }
}
