import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HASH_KEY_MAX } from '../limits.js';
import { evenRanges } from './hash-keys.js';
import {
  applySteps,
  areMergeable,
  canSplitAt,
  commitPlan,
  coversHashSpace,
  planOf,
  type ReshardStep,
  type ShardSet,
  uniformScalingSteps,
} from './resharding.js';
import { encodeSequenceNumber, sequenceSecsOf, shardStartSequenceNumber } from './sequence-number.js';
import { initialShards, isOpen, type ShardMeta } from './stream-model.js';

const byStart = (a: ShardMeta, b: ShardMeta) => (BigInt(a.start) < BigInt(b.start) ? -1 : 1);
const openSorted = (set: ShardSet) => set.shards.filter(isOpen).sort(byStart);

type Op =
  | { kind: 'split'; pick: number; fraction: bigint }
  | { kind: 'merge'; pick: number }
  | { kind: 'rescale'; factor: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('split' as const), pick: fc.nat(), fraction: fc.bigInt(0n, HASH_KEY_MAX) }),
  fc.record({ kind: fc.constant('merge' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('rescale' as const), factor: fc.double({ min: 0.5, max: 2, noNaN: true }) }),
);

/** Turns a random op into legal steps against the current shards (or none when it cannot apply). */
function stepsFor(set: ShardSet, o: Op): ReshardStep[] {
  const open = openSorted(set);
  if (o.kind === 'split') {
    const s = open[o.pick % open.length]!;
    const start = BigInt(s.start);
    const width = BigInt(s.end) - start + 1n;
    const at = start + (o.fraction % width);
    return canSplitAt(s, at) ? [{ kind: 'split', shard: s.index, at: at.toString() }] : [];
  }
  if (o.kind === 'merge') {
    if (open.length < 2) return [];
    const i = o.pick % (open.length - 1);
    const a = open[i]!;
    const b = open[i + 1]!;
    assert.ok(areMergeable(a, b));
    return [{ kind: 'merge', shard: a.index, adjacent: b.index }];
  }
  const target = Math.max(1, Math.min(64, Math.round(open.length * o.factor)));
  if (target < Math.ceil(open.length / 2) || target > open.length * 2) return [];
  return uniformScalingSteps(set, target);
}

describe('resharding arithmetic', () => {
  it('open shards partition 0..2^128-1 after any sequence of splits, merges and rescales', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(op, { maxLength: 25 }), (n, ops) => {
        let set: ShardSet = { shards: initialShards(n, 0), nextShardIndex: n };
        for (const o of ops) {
          const steps = stepsFor(set, o);
          const before = set;
          set = applySteps(set, steps, 1);
          assert.ok(coversHashSpace(set.shards), `${o.kind} ${JSON.stringify(steps)}`);
          // Indexes only grow, every closed shard stays listed, children point at real parents.
          assert.ok(set.nextShardIndex >= before.nextShardIndex);
          assert.equal(
            set.shards.length,
            before.shards.length + (set.nextShardIndex - before.nextShardIndex),
          );
          for (const s of set.shards)
            for (const p of [s.parent, s.adjacentParent])
              if (p !== undefined)
                assert.ok(p < s.index && set.shards.some((x) => x.index === p && !isOpen(x)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rescaling from an even layout ends exactly on the even layout of the target', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.double({ min: 0.5, max: 2, noNaN: true }), { maxLength: 6 }),
        (n, factors) => {
          let set: ShardSet = { shards: initialShards(n, 0), nextShardIndex: n };
          for (const f of factors) {
            const count = openSorted(set).length;
            const target = Math.max(Math.ceil(count / 2), Math.min(count * 2, Math.round(count * f)));
            set = applySteps(set, uniformScalingSteps(set, target), 1);
            const open = openSorted(set);
            const want = evenRanges(target);
            assert.equal(open.length, target);
            // Even layouts of different counts round differently: boundaries may move by a key or two.
            open.forEach((s, i) => {
              const d = BigInt(s.start) - (want[i] as { start: bigint }).start;
              assert.ok(d >= -2n && d <= 2n, `${s.start} vs ${want[i]?.start}`);
            });
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('2 → 4 splits each shard once; 4 → 2 merges pairs (as AWS shows: 6 shards, 2 or 4 closed)', () => {
    const two: ShardSet = { shards: initialShards(2, 0), nextShardIndex: 2 };
    const up = applySteps(two, uniformScalingSteps(two, 4), 1);
    assert.equal(up.shards.length, 6);
    assert.equal(up.shards.filter((s) => !isOpen(s)).length, 2);
    const four: ShardSet = { shards: initialShards(4, 0), nextShardIndex: 4 };
    const down = applySteps(four, uniformScalingSteps(four, 2), 1);
    assert.equal(down.shards.length, 6);
    assert.equal(down.shards.filter((s) => !isOpen(s)).length, 4);
  });

  it('3 → 5 leaves short-lived intermediate shards, closed when the plan commits', () => {
    const three: ShardSet = { shards: initialShards(3, 0), nextShardIndex: 3 };
    const plan = planOf(three, uniformScalingSteps(three, 5), 5);
    assert.deepEqual([...plan.closes].sort(), [0, 1, 2]);
    const committed = commitPlan(
      three.shards,
      plan,
      new Map([
        [0, 7],
        [1, 8],
        [2, 9],
      ]),
      10,
    );
    assert.ok(coversHashSpace(committed));
    assert.equal(committed.filter(isOpen).length, 5);
    const intermediate = committed.filter((s) => s.index >= 3 && !isOpen(s));
    assert.ok(intermediate.length > 0);
    for (const s of intermediate) assert.equal(s.closedEndOffset, 0);
    assert.equal(committed.find((s) => s.index === 1)?.closedEndOffset, 8);
  });

  it('children committed within the creation second of a parent carry later sequence seconds, so their numbers sort above', () => {
    const three: ShardSet = { shards: initialShards(3, 0), nextShardIndex: 3 };
    const plan = planOf(three, uniformScalingSteps(three, 5), 5);
    const committed = commitPlan(
      three.shards,
      plan,
      new Map([
        [0, 7],
        [1, 8],
        [2, 9],
      ]),
      10,
    );
    const byIndex = new Map(committed.map((s) => [s.index, s]));
    for (const child of committed.filter((s) => s.index >= 3)) {
      for (const p of [child.parent, child.adjacentParent]) {
        if (p === undefined) continue;
        const parent = byIndex.get(p)!;
        assert.ok(sequenceSecsOf(child) > sequenceSecsOf(parent), `${child.index} after ${p}`);
        assert.ok(
          BigInt(shardStartSequenceNumber(child)) > BigInt(encodeSequenceNumber(parent, 1_000_000)),
          `${child.index} numbers above ${p}'s`,
        );
      }
      assert.equal(child.createdAtMs, 10);
    }
    // A child created in a later second keeps its own creation time.
    const later = commitPlan(
      three.shards,
      plan,
      new Map([
        [0, 7],
        [1, 8],
        [2, 9],
      ]),
      5000,
    );
    const first = later.find((s) => s.index === 3)!;
    assert.equal(first.sequenceSecs, undefined);
    assert.equal(sequenceSecsOf(first), 5);
  });

  it('split and merge rules: start+1 < key < end; ShardToMerge must be the lower neighbour', () => {
    const [a, b] = initialShards(2, 0) as [ShardMeta, ShardMeta];
    assert.equal(canSplitAt(a, 1n), false);
    assert.equal(canSplitAt(a, 2n), true);
    assert.equal(canSplitAt(a, BigInt(a.end)), false);
    assert.equal(areMergeable(a, b), true);
    assert.equal(areMergeable(b, a), false);
  });
});
