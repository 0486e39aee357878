import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  encodedShardId,
  encodeSequenceNumber,
  encodeSequenceRange,
  parseSequenceNumber,
  positionAfter,
  type ShardStamp,
  sequenceNumbersOf,
  shardPosition,
  shardStartSequenceNumber,
  streamTagOf,
} from './sequence-number.js';

const UID = '3f2a9c10-0000-4000-8000-000000000000';
const hexOf = (seq: string) => BigInt(seq).toString(16);
const fromHex = (hex: string) => BigInt(`0x${hex}`).toString();

const shardArb = fc.record({
  index: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  // 2015-01-01 .. 2100: the range kinesalite's assertSequenceNumber checks the creation time in.
  createdAtMs: fc.integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2100, 0, 1) }),
});
const offsetArb = fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER - 2 });

/** The pattern real AWS numbers match (kinesalite test/helpers.js), for any shard index. */
function assertAwsPattern(seq: string, shard: ShardStamp, between = false) {
  assert.match(seq, /^\d{56}$/);
  const raw = hexOf(seq);
  assert.equal(raw.slice(27, 29), between ? '01' : '00');
  const hex = `${raw.slice(0, 27)}00${raw.slice(29)}`;
  const low = (shard.index % 16).toString(16);
  const index = shard.index.toString(16).padStart(8, '0');
  assert.match(hex, new RegExp(`^20[0-9a-f]{8}${low}[0-7][0-9a-f]{15}000[0-9a-f]{8}${index}2$`));
  const secs = Math.floor(shard.createdAtMs / 1000);
  assert.equal(Number.parseInt(hex.slice(2, 10), 16), secs);
}

describe('sequence numbers (AWS layout, version 2)', () => {
  it('match the pattern of real AWS numbers (kinesalite assertSequenceNumber) for small shard indexes', () => {
    const createdAtMs = Date.UTC(2026, 0, 2, 3, 4, 5);
    for (const shardIx of [0, 1, 5, 9]) {
      const putAtMs = createdAtMs + 90_500;
      const seq = encodeSequenceNumber({ index: shardIx, createdAtMs }, 41, putAtMs);
      assert.match(
        hexOf(seq),
        new RegExp(`^20[0-9a-f]{8}${shardIx}[0-9a-f]{16}000[0-9a-f]{8}0000000${shardIx}2$`),
      );
      const hex = hexOf(seq);
      assert.equal(Number.parseInt(hex.slice(2, 10), 16), createdAtMs / 1000);
      assert.equal(Number.parseInt(hex.slice(11, 27), 16), 42); // the counter: offset + 1
      // kinesalite's check of AWS numbers: the time field is the put's second (within 4 s of it).
      assert.equal(Number.parseInt(hex.slice(30, 38), 16), Math.floor(putAtMs / 1000));
    }
  });

  it('match the AWS pattern for every shard, offset and creation time (records, starts, continuations)', () => {
    fc.assert(
      fc.property(shardArb, offsetArb, (shard, offset) => {
        assertAwsPattern(encodeSequenceNumber(shard, offset), shard);
        // A continuation is no record's number: its '01' byte marks a position between two
        // records (AWS's continuation layout is not recorded; LocalStack skips the member).
        assertAwsPattern(positionAfter(shard, offset), shard, true);
        assertAwsPattern(shardStartSequenceNumber(shard), shard);
      }),
    );
  });

  it('strictly increase per shard, above the StartingSequenceNumber; continuations fall strictly between', () => {
    fc.assert(
      fc.property(shardArb, offsetArb, fc.integer({ min: 1, max: 1000 }), (shard, a, gap) => {
        const b = Math.min(a + gap, Number.MAX_SAFE_INTEGER - 2);
        fc.pre(b > a);
        const sa = BigInt(encodeSequenceNumber(shard, a));
        const sb = BigInt(encodeSequenceNumber(shard, b));
        const between = BigInt(positionAfter(shard, a));
        assert.ok(sa < sb);
        assert.ok(sa < between && between < BigInt(encodeSequenceNumber(shard, a + 1)));
        if (a >= 0) assert.ok(BigInt(shardStartSequenceNumber(shard)) < sa);
      }),
    );
  });

  it('map back to their log position without a lookup (round trip)', () => {
    fc.assert(
      fc.property(shardArb, offsetArb, (shard, offset) => {
        const parsed = parseSequenceNumber(encodeSequenceNumber(shard, offset));
        assert.ok(parsed !== undefined && parsed.kind === 'aws' && parsed.version === 2);
        assert.equal(parsed.shardIndex, shard.index);
        assert.deepEqual(shardPosition(parsed, shard, UID), { offset, between: false });
        const after = parseSequenceNumber(positionAfter(shard, offset));
        assert.ok(after !== undefined);
        assert.deepEqual(shardPosition(after, shard, UID), { offset, between: true });
      }),
    );
    assert.deepEqual(
      shardPosition(
        parseSequenceNumber(shardStartSequenceNumber({ index: 3, createdAtMs: 5e12 }))!,
        { index: 3, createdAtMs: 5e12 },
        UID,
      ),
      { offset: -1, between: false },
    );
  });

  it('differ between shards, and a number of one shard does not place a read in another', () => {
    fc.assert(
      fc.property(shardArb, shardArb, offsetArb, offsetArb, (s1, s2, o1, o2) => {
        const sameShard =
          s1.index === s2.index && Math.floor(s1.createdAtMs / 1000) === Math.floor(s2.createdAtMs / 1000);
        fc.pre(!sameShard);
        assert.notEqual(encodeSequenceNumber(s1, o1), encodeSequenceNumber(s2, o2));
        assert.equal(shardPosition(parseSequenceNumber(encodeSequenceNumber(s1, o1))!, s2, UID), undefined);
      }),
    );
  });

  it('encode a run of consecutive offsets like one at a time', () => {
    fc.assert(
      fc.property(
        shardArb,
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 0, max: 40 }),
        (shard, first, n) => {
          const run = encodeSequenceRange(shard, first, n);
          assert.deepEqual(
            run,
            Array.from({ length: n }, (_, i) => encodeSequenceNumber(shard, first + i)),
          );
          const t = 1_700_000_000_000;
          const gappy = [
            { offset: first, timestampMs: t },
            { offset: first + 2, timestampMs: t + 5_000 },
          ];
          assert.deepEqual(sequenceNumbersOf(shard, gappy), [
            encodeSequenceNumber(shard, first, t),
            encodeSequenceNumber(shard, first + 2, t + 5_000),
          ]);
          const sameSecond = [
            { offset: first, timestampMs: t },
            { offset: first + 1, timestampMs: t + 400 },
          ];
          assert.deepEqual(sequenceNumbersOf(shard, sameSecond), encodeSequenceRange(shard, first, 2, t));
        },
      ),
    );
  });

  it('still read numbers of the earlier Shardline layout (2^184 + tag·2^160 + shard·2^128 + offset + 1)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: -1, max: 2 ** 50 }),
        (index, offset) => {
          const tag = streamTagOf(UID);
          const old = (
            (1n << 184n) +
            (BigInt(tag) << 160n) +
            (BigInt(index) << 128n) +
            BigInt(offset + 1)
          ).toString();
          assert.match(old, /^\d{56}$/);
          const parsed = parseSequenceNumber(old);
          assert.deepEqual(parsed, { kind: 'legacy', streamTag: tag, shardIndex: index, offset });
          const shard = { index, createdAtMs: Date.UTC(2026, 0, 1) };
          assert.deepEqual(shardPosition(parsed!, shard, UID), { offset, between: false });
          assert.equal(shardPosition(parsed!, shard, 'ffffff00-0000'), undefined);
        },
      ),
    );
  });

  it('read the recorded inputs as AWS does (kinesalite test/getShardIterator.js, putRecord.js)', () => {
    // "5" names shard 5; "0" is a version-0 number of shard 0.
    assert.deepEqual(parseSequenceNumber('5'), { kind: 'aws', version: 0, shardIndex: 5, createdSecs: 0 });
    assert.deepEqual(parseSequenceNumber('0'), { kind: 'aws', version: 0, shardIndex: 0, createdSecs: 0 });
    // Unreadable: a creation time too large, an 8 in the counter's top digit, versions 0/3/4 in the
    // 47-digit layout, a leading 3, all f (creation time too large).
    for (const hex of [
      '13bb2cc3d80000000000000000000000',
      '20000000000800000000000000000000000000000000002',
      '20000000000000000000000000000000000000000000000',
      '20000000000000000000000000000000000000000000003',
      '20000000000000000000000000000000000000000000004',
      '30000000000000000000000000000000000000000000001',
      '2ffffffffff7fffffffffffffff000000000007fffffff2',
    ])
      assert.equal(parseSequenceNumber(fromHex(hex)), undefined, hex);
    assert.equal(parseSequenceNumber(fromHex('13bb2cc3d80000000000000000000000')), undefined);
    assert.equal(fromHex('13bb2cc3d80000000000000000000000'), '26227199374822427428162556223570313216');
    // An 8 near the end is a negative shard index.
    const neg = parseSequenceNumber(fromHex('20000000000000000000000000000000000000800000002'));
    assert.equal(neg?.shardIndex, -2147483648);
    assert.equal(encodedShardId(-2147483648), 'shardId--02147483648');
    assert.equal(encodedShardId(5), 'shardId-000000000005');
    // Version 1 and 2 numbers of zeros are readable.
    assert.equal(
      parseSequenceNumber(fromHex('20000000000000000000000000000000000000000000001'))?.shardIndex,
      0,
    );
    assert.equal(
      parseSequenceNumber(fromHex('20000000000000000000000000000000000000000000002'))?.shardIndex,
      0,
    );
  });
});

describe("the time field carries the arrival second (as kinesalite's assertSequenceNumber checks AWS numbers)", () => {
  it('encodes the record time in hex 30..38 and keeps counter order above it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1_500_000_000_000, max: 1_900_000_000_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        (index, offset, createdAtMs, laterMs) => {
          const shard = { index, createdAtMs };
          const arrival = createdAtMs + laterMs;
          const hex = BigInt(encodeSequenceNumber(shard, offset, arrival)).toString(16);
          assert.equal(Number.parseInt(hex.slice(30, 38), 16), Math.floor(arrival / 1000));
          // An earlier record with a later time field still sorts below.
          if (offset > 0)
            assert.ok(
              BigInt(encodeSequenceNumber(shard, offset - 1, arrival + 10_000)) <
                BigInt(encodeSequenceNumber(shard, offset, arrival)),
            );
          const after = BigInt(positionAfter(shard, offset, arrival));
          assert.ok(after > BigInt(encodeSequenceNumber(shard, offset, arrival)));
          assert.ok(after < BigInt(encodeSequenceNumber(shard, offset + 1, arrival)));
          const parsed = parseSequenceNumber(after.toString());
          assert.ok(parsed?.kind === 'aws' && parsed.between === true);
          const record = parseSequenceNumber(encodeSequenceNumber(shard, offset, arrival));
          assert.ok(record?.kind === 'aws' && record.between === false);
        },
      ),
    );
  });
});
