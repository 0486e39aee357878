import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { evenRanges, hashKeyOf } from '../domain/hash-keys.js';
import type { ShardMeta } from '../domain/stream-model.js';
import { HASH_KEY_MAX } from '../limits.js';
import { parseShardId, ShardRouter } from './record-path.js';

/** Open shards covering the space, split at arbitrary sorted cut points (as resharding leaves them). */
const cutPoints = fc
  .uniqueArray(fc.bigInt({ min: 1n, max: HASH_KEY_MAX }), { maxLength: 12 })
  .map((cuts) => [...cuts].sort((a, b) => (a < b ? -1 : 1)));

function shardsAt(cuts: readonly bigint[]): ShardMeta[] {
  const starts = [0n, ...cuts];
  // Shuffle indexes so the router cannot rely on index order matching hash order.
  return starts.map((start, i) => ({
    index: (i * 7 + 3) % 101,
    start: start.toString(),
    end: (i + 1 < starts.length ? starts[i + 1]! - 1n : HASH_KEY_MAX).toString(),
    createdAtMs: 0,
  }));
}

const owner = (shards: readonly ShardMeta[], key: bigint) =>
  shards.find((s) => BigInt(s.start) <= key && key <= BigInt(s.end))!.index;

describe('ShardRouter', () => {
  it('routes a partition key to the shard whose range holds MD5(key) as a big-endian integer', () => {
    fc.assert(
      fc.property(
        cutPoints,
        fc.array(fc.string({ minLength: 1, maxLength: 256, unit: 'grapheme' }), { maxLength: 20 }),
        (cuts, keys) => {
          const shards = shardsAt(cuts);
          const router = new ShardRouter(shards);
          for (const pk of keys) {
            const hashKey = BigInt(`0x${createHash('md5').update(pk, 'utf8').digest('hex')}`);
            assert.equal(hashKey, hashKeyOf(pk));
            assert.equal(router.shards[router.slotForPartitionKey(pk)]!.index, owner(shards, hashKey));
          }
        },
      ),
    );
  });

  it('routes explicit hash keys, including range edges', () => {
    fc.assert(
      fc.property(
        cutPoints,
        fc.array(fc.bigInt({ min: 0n, max: HASH_KEY_MAX }), { maxLength: 20 }),
        (cuts, keys) => {
          const shards = shardsAt(cuts);
          const router = new ShardRouter(shards);
          const edges = shards.flatMap((s) => [BigInt(s.start), BigInt(s.end)]);
          for (const k of [...keys, ...edges, 0n, HASH_KEY_MAX])
            assert.equal(router.shards[router.slotForExplicitHashKey(k.toString())]!.index, owner(shards, k));
        },
      ),
    );
  });

  it('matches the even split of CreateStream', () => {
    const shards = evenRanges(3).map((r, index) => ({
      index,
      start: r.start.toString(),
      end: r.end.toString(),
      createdAtMs: 0,
    }));
    const router = new ShardRouter(shards);
    const third = (1n << 128n) / 3n;
    assert.equal(router.slotForExplicitHashKey((third * 2n - 1n).toString()), 1);
    assert.equal(router.slotForExplicitHashKey((third * 2n).toString()), 2);
  });

  it('rejects hash keys above 2^128-1 with the AWS message', () => {
    const router = new ShardRouter(shardsAt([]));
    const tooBig = (1n << 128n).toString();
    assert.throws(() => router.slotForExplicitHashKey(tooBig), {
      name: 'InvalidArgumentException',
      message: `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${tooBig}`,
    });
  });
});

describe('parseShardId', () => {
  it('accepts the forms Kinesis accepts', () => {
    assert.equal(parseShardId('shardId-000000000001'), 1);
    assert.equal(parseShardId('shardId-5'), 5);
    assert.equal(parseShardId('shard-0'), 0);
    assert.equal(parseShardId('abc-def-7'), 7);
    assert.equal(parseShardId('-00002147483647'), 2147483647);
    assert.equal(parseShardId('2147483647'), 2147483647);
  });
  it('rejects the rest', () => {
    for (const bad of ['2147483648', 'shardId-002147483648', 'ABKLFD8', '2.14E4', 'shardId-', 'x'])
      assert.equal(parseShardId(bad), undefined, bad);
  });
});
