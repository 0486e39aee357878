import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeJson } from '../../aws/protocols/codec.js';
import type { StoredRecord } from '../../storage/engine.js';
import { encodeGetRecordsJson, encodePutRecordsJson, type GetRecordsTail } from './records-json.js';

const record = fc.record({
  offset: fc.nat(),
  timestampMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  partitionKey: fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }),
  data: fc.uint8Array({ maxLength: 64 }),
});

const tail: fc.Arbitrary<GetRecordsTail> = fc.oneof(
  fc.record({
    NextShardIterator: fc.base64String({ minLength: 4, maxLength: 40 }),
    MillisBehindLatest: fc.nat(),
  }),
  fc.record({
    MillisBehindLatest: fc.constant(0),
    ChildShards: fc.array(
      fc.record({
        ShardId: fc.constant('shardId-000000000002'),
        ParentShards: fc.constant(['shardId-000000000000']).map((p) => [...p]),
        HashKeyRange: fc.record({ StartingHashKey: fc.constant('0'), EndingHashKey: fc.constant('10') }),
      }),
      { maxLength: 2 },
    ),
  }),
);

describe('encodeGetRecordsJson', () => {
  it('writes exactly what the generic JSON encoder writes', () => {
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 30 }),
        tail,
        fc.boolean(),
        (records: StoredRecord[], t, kms) => {
          const seqs = records.map((_, i) => `4959${String(i).padStart(52, '0')}`);
          const expected = encodeJson({
            Records: records.map((r, i) => ({
              SequenceNumber: seqs[i],
              ApproximateArrivalTimestamp: new Date(r.timestampMs),
              Data: r.data,
              PartitionKey: r.partitionKey,
              ...(kms ? { EncryptionType: 'KMS' } : {}),
            })),
            ...t,
          });
          const actual = encodeGetRecordsJson(records, seqs, kms ? 'KMS' : undefined, t).toString('utf8');
          assert.equal(actual, expected);
          JSON.parse(actual);
        },
      ),
    );
  });
});

describe('encodePutRecordsJson', () => {
  const entry = fc.oneof(
    fc.record({
      SequenceNumber: fc.stringMatching(/^[0-9]{56}$/),
      ShardId: fc.nat({ max: 99_999 }).map((n) => `shardId-${String(n).padStart(12, '0')}`),
    }),
    fc.record({
      ErrorCode: fc.constantFrom(
        'ProvisionedThroughputExceededException',
        'InternalFailure',
        'KMSThrottlingException',
      ),
      ErrorMessage: fc.string({ maxLength: 120, unit: 'binary' }),
    }),
  );

  it('writes exactly what the generic JSON encoder writes', () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 40 }), fc.boolean(), (results, kms) => {
        const failed = results.filter((r) => 'ErrorCode' in r).length;
        const expected = encodeJson({
          FailedRecordCount: failed,
          Records: results,
          ...(kms ? { EncryptionType: 'KMS' } : {}),
        });
        const actual = encodePutRecordsJson(failed, results, kms ? 'KMS' : undefined).toString('utf8');
        assert.equal(actual, expected);
        JSON.parse(actual);
      }),
    );
  });
});
