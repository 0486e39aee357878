import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { encodeIterator } from './domain/shard-iterator.js';
import { kinesisFaultService } from './faults.js';

describe('Kinesis fault rules: the stream an input names', () => {
  const svc = kinesisFaultService();
  const arn = 'arn:aws:kinesis:eu-west-1:123456789012:stream/orders';

  it('reads StreamName, StreamARN, ConsumerARN and ResourceARN', () => {
    assert.deepEqual(svc.resourceOf({ StreamName: 'orders' }), { name: 'orders' });
    const where = { name: 'orders', account: '123456789012', region: 'eu-west-1' };
    assert.deepEqual(svc.resourceOf({ StreamARN: arn }), where);
    assert.deepEqual(svc.resourceOf({ ConsumerARN: `${arn}/consumer/app:1700000000` }), where);
    assert.deepEqual(svc.resourceOf({ ResourceARN: arn }), where);
    assert.equal(svc.resourceOf({ StreamARN: 'arn:aws:sqs:eu-west-1:123456789012:queue' }), undefined);
    assert.equal(svc.resourceOf({}), undefined);
  });

  it('reads the stream of a ShardIterator once the key is loaded', async () => {
    const key = randomBytes(32);
    const iterator = encodeIterator(key, {
      account: '123456789012',
      region: 'us-east-1',
      streamName: 'clicks',
      streamUid: 'u1',
      shardIndex: 0,
      offset: 0,
      issuedAtMs: Date.now(),
    });
    const withKey = kinesisFaultService(async () => key);
    assert.equal(withKey.resourceOf({ ShardIterator: iterator }), undefined, 'not before prepare');
    await withKey.prepare?.();
    assert.deepEqual(withKey.resourceOf({ ShardIterator: iterator }), {
      name: 'clicks',
      account: '123456789012',
      region: 'us-east-1',
    });
    assert.equal(withKey.resourceOf({ ShardIterator: 'garbage' }), undefined);
  });

  it('words injected throttling like AWS', () => {
    const call = { service: 'kinesis', account: '000000000000', region: 'us-east-1' };
    assert.equal(
      svc.errorMessage?.('LimitExceededException', {
        ...call,
        operation: 'DescribeStream',
        resource: 'orders',
      }),
      'Rate exceeded for stream orders under account 000000000000.',
    );
    assert.equal(
      svc.errorMessage?.('LimitExceededException', {
        ...call,
        operation: 'ListStreams',
        resource: undefined,
      }),
      'Rate exceeded for ListStreams under account 000000000000.',
    );
    assert.equal(
      svc.errorMessage?.('ExpiredIteratorException', { ...call, operation: 'GetRecords', resource: 'x' }),
      undefined,
    );
  });
});
