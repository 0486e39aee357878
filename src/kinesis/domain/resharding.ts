// Resharding arithmetic: splits, merges and UpdateShardCount's uniform scaling, as pure functions
// over the shard list. Nothing here knows about logs: a shard closed by a plan gets its
// closedEndOffset from the caller (the log end offset once writes have drained), while
// intermediate shards created and closed inside one plan never took a write (offset 0).

import { HASH_KEY_MAX } from '../limits.js';
import { evenRanges } from './hash-keys.js';
import { sequenceSecsOf } from './sequence-number.js';
import { isOpen, type ShardMeta } from './stream-model.js';

export type ReshardStep =
  | { readonly kind: 'split'; readonly shard: number; readonly at: string }
  | { readonly kind: 'merge'; readonly shard: number; readonly adjacent: number };

/**
 * A resharding waiting for the stream's UPDATING period to end (or applied at once).
 * `closes` are shards that are open now and close when it commits; `created` are the new shards
 * (intermediate ones already closed, with closedEndOffset 0).
 */
export interface ReshardPlan {
  readonly closes: readonly number[];
  readonly created: readonly ShardMeta[];
  readonly nextShardIndex: number;
  readonly steps: readonly ReshardStep[];
}

export interface ShardSet {
  readonly shards: readonly ShardMeta[];
  readonly nextShardIndex: number;
}

/** Children of a split: [start, at-1] and [at, end]. The caller checked start+1 < at < end. */
function split(set: ShardSet, parent: ShardMeta, at: bigint, nowMs: number): ShardSet {
  const i = set.nextShardIndex;
  const left: ShardMeta = {
    index: i,
    start: parent.start,
    end: (at - 1n).toString(),
    parent: parent.index,
    createdAtMs: nowMs,
  };
  const right: ShardMeta = {
    index: i + 1,
    start: at.toString(),
    end: parent.end,
    parent: parent.index,
    createdAtMs: nowMs,
  };
  return { shards: [...close(set.shards, [parent.index], nowMs), left, right], nextShardIndex: i + 2 };
}

/** The child of a merge covers both ranges; `lower` ends right before `upper` starts. */
function merge(set: ShardSet, lower: ShardMeta, upper: ShardMeta, nowMs: number): ShardSet {
  const i = set.nextShardIndex;
  const child: ShardMeta = {
    index: i,
    start: lower.start,
    end: upper.end,
    parent: lower.index,
    adjacentParent: upper.index,
    createdAtMs: nowMs,
  };
  return { shards: [...close(set.shards, [lower.index, upper.index], nowMs), child], nextShardIndex: i + 1 };
}

/** Marks shards closed inside a plan; their offsets are filled in when the plan commits. */
function close(shards: readonly ShardMeta[], indexes: readonly number[], nowMs: number): ShardMeta[] {
  return shards.map((s) => (indexes.includes(s.index) ? { ...s, closedEndOffset: 0, closedAtMs: nowMs } : s));
}

/** True when NewStartingHashKey may split the shard (AWS: start + 1 < key < end). */
export function canSplitAt(shard: ShardMeta, at: bigint): boolean {
  return at > BigInt(shard.start) + 1n && at < BigInt(shard.end);
}

/** AWS requires ShardToMerge to be the lower of the pair: its end + 1 is the other's start. */
export function areMergeable(shard: ShardMeta, adjacent: ShardMeta): boolean {
  return isOpen(shard) && isOpen(adjacent) && BigInt(shard.end) + 1n === BigInt(adjacent.start);
}

/** Applies steps in order. Throws (programmer error) when a step does not fit the shards. */
export function applySteps(set: ShardSet, steps: readonly ReshardStep[], nowMs: number): ShardSet {
  let current = set;
  for (const step of steps) {
    const find = (index: number) => {
      const s = current.shards.find((x) => x.index === index);
      if (s === undefined || !isOpen(s)) throw new Error(`reshard step on missing or closed shard ${index}`);
      return s;
    };
    if (step.kind === 'split') {
      const parent = find(step.shard);
      const at = BigInt(step.at);
      if (!canSplitAt(parent, at)) throw new Error(`cannot split shard ${step.shard} at ${step.at}`);
      current = split(current, parent, at, nowMs);
    } else {
      const lower = find(step.shard);
      const upper = find(step.adjacent);
      if (!areMergeable(lower, upper))
        throw new Error(`shards ${step.shard} and ${step.adjacent} are not adjacent`);
      current = merge(current, lower, upper, nowMs);
    }
  }
  return current;
}

/** Turns steps into a plan against the current shards (new indexes are fixed now). */
export function planOf(set: ShardSet, steps: readonly ReshardStep[], nowMs: number): ReshardPlan {
  const after = applySteps(set, steps, nowMs);
  const before = new Set(set.shards.filter(isOpen).map((s) => s.index));
  const closes = after.shards.filter((s) => before.has(s.index) && !isOpen(s)).map((s) => s.index);
  const created = after.shards.filter((s) => s.index >= set.nextShardIndex);
  return { closes, created, nextShardIndex: after.nextShardIndex, steps };
}

/**
 * Commits a plan: shards in `closes` get their final end offsets, the arrival time of their last
 * record (`endTimesMs`, for those that have one) and close time, created shards their creation
 * time. The result is what the metadata stores.
 */
export function commitPlan(
  shards: readonly ShardMeta[],
  plan: ReshardPlan,
  endOffsets: ReadonlyMap<number, number>,
  nowMs: number,
  endTimesMs: ReadonlyMap<number, number> = new Map(),
): ShardMeta[] {
  const closing = new Set(plan.closes);
  const kept = shards.map((s) => {
    if (!closing.has(s.index)) return s;
    const end = endOffsets.get(s.index);
    if (end === undefined) throw new Error(`no end offset for closing shard ${s.index}`);
    const endTimeMs = endTimesMs.get(s.index);
    return {
      ...s,
      closedEndOffset: end,
      closedAtMs: nowMs,
      ...(endTimeMs !== undefined ? { closedEndTimeMs: endTimeMs } : {}),
    };
  });
  // Children's sequence numbers must sort above their parents': their creation seconds lead the
  // layout, so a child created within a parent's creation second carries the next second.
  const secs = new Map(kept.map((s) => [s.index, sequenceSecsOf(s)]));
  const created = plan.created.map((s) => {
    const own = Math.floor(nowMs / 1000);
    const parents = [s.parent, s.adjacentParent].map((p) => (p === undefined ? -1 : (secs.get(p) ?? -1)));
    const floor = Math.max(...parents) + 1;
    secs.set(s.index, Math.max(own, floor));
    return {
      ...s,
      createdAtMs: nowMs,
      ...(own < floor ? { sequenceSecs: floor } : {}),
      ...(isOpen(s) ? {} : { closedEndOffset: 0, closedAtMs: nowMs }),
    };
  });
  return [...kept, ...created];
}

const byStart = (a: ShardMeta, b: ShardMeta): number => {
  const x = BigInt(a.start);
  const y = BigInt(b.start);
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * UpdateShardCount UNIFORM_SCALING as real splits and merges (see docs/resharding.md):
 *  1. for each boundary of the target's even layout, left to right, split the open shard holding
 *     it (a shard cut k times leaves k-1 short-lived intermediate shards). A boundary that AWS's
 *     start+1 < key < end rule forbids cutting at is moved to the holder's nearer edge: even
 *     layouts of different counts round differently, so this moves a boundary by a key or two;
 *  2. merge, left to right, the pieces that together form one target range (a range made of
 *     k pieces leaves k-2 intermediate merged shards).
 * The open shards then match `evenRanges(target)` to within those few keys, whatever the start.
 */
export function uniformScalingSteps(set: ShardSet, target: number): ReshardStep[] {
  const steps: ReshardStep[] = [];
  let current = set;
  const open = () => current.shards.filter(isOpen).sort(byStart);
  const apply = (step: ReshardStep) => {
    steps.push(step);
    current = applySteps(current, [step], 0);
  };
  // Phase 1: cut at every target boundary (or the nearest legal place).
  const bounds: bigint[] = [0n];
  for (const r of evenRanges(target).slice(1)) {
    const b = r.start;
    const holder = open().find((s) => BigInt(s.start) <= b && b <= BigInt(s.end));
    if (holder === undefined) continue;
    const start = BigInt(holder.start);
    const end = BigInt(holder.end);
    let cut = b;
    if (b !== start && !canSplitAt(holder, b)) cut = b - start <= end + 1n - b ? start : end + 1n;
    else if (b !== start) apply({ kind: 'split', shard: holder.index, at: b.toString() });
    if (cut > (bounds[bounds.length - 1] as bigint) && cut <= HASH_KEY_MAX) bounds.push(cut);
  }
  bounds.push(HASH_KEY_MAX + 1n);
  // Phase 2: merge the pieces of each range [bounds[i], bounds[i+1]).
  for (let i = 0; i + 1 < bounds.length; i++) {
    const lo = bounds[i] as bigint;
    const hi = bounds[i + 1] as bigint;
    for (;;) {
      const pieces = open().filter((s) => BigInt(s.start) >= lo && BigInt(s.start) < hi);
      const first = pieces[0];
      const second = pieces[1];
      if (first === undefined || second === undefined) break;
      apply({ kind: 'merge', shard: first.index, adjacent: second.index });
    }
  }
  return steps;
}

/** The open shards, sorted by start, must tile 0..2^128-1 with no gap or overlap. */
export function coversHashSpace(shards: readonly ShardMeta[]): boolean {
  const open = shards.filter(isOpen).sort(byStart);
  let next = 0n;
  for (const s of open) {
    if (BigInt(s.start) !== next || BigInt(s.end) < BigInt(s.start)) return false;
    next = BigInt(s.end) + 1n;
  }
  return next === HASH_KEY_MAX + 1n;
}

/** The midpoint of a shard's range, where on-demand scaling splits a hot shard. */
export function midpointOf(shard: ShardMeta): bigint {
  const start = BigInt(shard.start);
  return start + (BigInt(shard.end) - start + 1n) / 2n;
}
