import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { readJsonInputFast } from './fast-json-input.js';
import { digestsOf, packInput, unpackInput } from './fast-json-transfer.js';

const body = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('fast-json-transfer', () => {
  it('round-trips a PutRecords input with every member, in model order', () => {
    const records = Array.from({ length: 50 }, (_, i) => ({
      Data: randomBytes(i * 7).toString('base64'),
      PartitionKey: `kéy-${i}-日本`,
      ...(i % 3 === 0 ? { ExplicitHashKey: String(BigInt(i) * 10n ** 30n) } : {}),
    }));
    const input = readJsonInputFast(
      body({ StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/s', Records: records, DryRun: false }),
      'PutRecordsInput',
    );
    assert.ok(input);
    const packed = packInput(input);
    assert.ok(packed);
    assert.equal(packed.hashKeys?.length, 50);
    const back = unpackInput(packed);
    assert.deepEqual(back, input);
    // Routing digests: MD5 of every key without an ExplicitHashKey, zeros for the others.
    const digests = digestsOf(back.Records as unknown[]);
    assert.ok(digests);
    records.forEach((r, i) => {
      const expected = r.ExplicitHashKey
        ? [0, 0, 0, 0]
        : [0, 4, 8, 12].map((o) => createHash('md5').update(r.PartitionKey).digest().readUInt32BE(o));
      assert.deepEqual([...digests.subarray(i * 4, i * 4 + 4)], expected, `digest of record ${i}`);
    });
    assert.deepEqual(Object.keys(back), Object.keys(input));
    const first = (back.Records as { Data: Buffer }[])[1]!;
    assert.ok(Buffer.isBuffer(first.Data));
    assert.deepEqual(Object.keys((back.Records as object[])[0]!), [
      'Data',
      'ExplicitHashKey',
      'PartitionKey',
    ]);
  });

  it('sends no hash-key array when no record has one, and keeps empty data', () => {
    const input = readJsonInputFast(
      body({
        StreamName: 's',
        Records: [
          { Data: '', PartitionKey: 'a' },
          { Data: 'AQID', PartitionKey: 'b' },
        ],
      }),
      'PutRecordsInput',
    );
    assert.ok(input);
    const packed = packInput(input);
    assert.ok(packed);
    assert.equal(packed.hashKeys, null);
    assert.deepEqual(unpackInput(packed), input);
  });

  it('declines inputs that are not PutRecords-shaped or whose data live in different buffers', () => {
    assert.equal(packInput({ StreamName: 's', Data: Buffer.from('x'), PartitionKey: 'k' }), undefined);
    const split = {
      Records: [
        { Data: Buffer.from('a'), PartitionKey: 'a' },
        { Data: Buffer.alloc(5000), PartitionKey: 'b' },
      ],
    };
    assert.equal(packInput(split), undefined);
  });
});
