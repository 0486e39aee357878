import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMessage } from '../../aws/protocols/event-stream.js';
import type { StoredRecord } from '../../storage/engine.js';
import { SharedReads } from './shared-reads.js';
import { recordsEvent, sharedRecordsEvent } from './subscribe-events.js';

const records: StoredRecord[] = [
  { offset: 7, timestampMs: 1_700_000_000_123, partitionKey: 'k', data: Buffer.from('hello') },
  {
    offset: 8,
    timestampMs: 1_700_000_000_124,
    partitionKey: 'a"b\\c,"MillisBehindLatest":',
    data: Buffer.alloc(0),
  },
];
const seqs = [
  '49000000000000000000000000000000000000000000000000000007',
  '49000000000000000000000000000000000000000000000000000008',
];

describe('shared records events', () => {
  it('are byte-for-byte the events each session would render alone', () => {
    const shared = new SharedReads();
    const key = SharedReads.key('log', 7, 10, 100);
    const batch = shared.put(key, { records, nextOffset: 9, endOffset: 12, lastTimestampMs: 0 }, seqs);
    const tails = [
      { ContinuationSequenceNumber: seqs[1]!, MillisBehindLatest: 0 },
      { ContinuationSequenceNumber: seqs[1]!, MillisBehindLatest: 1234 },
      {
        ContinuationSequenceNumber: seqs[1]!,
        MillisBehindLatest: 0,
        ChildShards: [
          {
            ShardId: 'shardId-000000000001',
            ParentShards: ['shardId-000000000000'],
            HashKeyRange: { StartingHashKey: '0', EndingHashKey: '1' },
          },
        ],
      },
    ];
    for (const wire of ['json', 'cbor'] as const)
      for (const encrypted of [false, true])
        for (const tail of tails) {
          const alone = recordsEvent(wire, records, seqs, encrypted, tail);
          const message = Buffer.concat(sharedRecordsEvent(wire, batch, encrypted, tail).parts);
          assert.deepEqual(message, alone, `${wire} encrypted=${encrypted} ${JSON.stringify(tail)}`);
          if (wire === 'json') JSON.parse(decodeMessage(message).payload.toString());
        }
    // Rendered once per encryption setting and tail length, then reused.
    assert.equal(batch.heads.size, 6);
    assert.equal(sharedRecordsEvent('json', batch, false, tails[0]!).grewBytes, 0);
    assert.equal(shared.get(key), batch);
  });

  it('the cache stays within its entry bound, oldest first out', () => {
    const shared = new SharedReads();
    const one = { records: records.slice(0, 1), nextOffset: 8, endOffset: 8, lastTimestampMs: 0 };
    for (let i = 0; i < 5000; i++) shared.put(SharedReads.key('log', i, 1, 1), one, seqs.slice(0, 1));
    assert.equal(shared.get(SharedReads.key('log', 0, 1, 1)), undefined);
    assert.ok(shared.get(SharedReads.key('log', 4999, 1, 1)));
    assert.ok(shared.sizeBytes > 0 && shared.sizeBytes < 5000 * 100);
  });
});
