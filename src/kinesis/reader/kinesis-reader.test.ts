import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OpContext } from '../../aws/operation.js';
import { defaultConfig } from '../../core/config.js';
import { createMemoryEngine } from '../../storage/memory/memory-engine.js';
import { createStream } from '../operations/create-stream.js';
import { putRecords } from '../operations/put-records.js';
import { splitShard } from '../operations/split-shard.js';
import { createServices } from '../state/services.js';
import { KinesisReader } from './kinesis-reader.js';

const scope = { account: '000000000000', region: 'us-east-1' };
const ctx = (): OpContext => ({
  ...scope,
  requestId: 'test',
  nowMs: Date.now(),
  signal: new AbortController().signal,
  wire: 'cbor',
});

describe('KinesisReader', () => {
  it('reads a shard from TRIM_HORIZON to its end and names the children after a split', async () => {
    const services = createServices(
      { ...defaultConfig, stateDelayMs: 0, limits: 'off' },
      createMemoryEngine(),
    );
    await createStream(services, { StreamName: 's', ShardCount: 1 }, ctx());
    const data = (i: number) => Buffer.from(`record-${i}`);
    await putRecords(
      services,
      { StreamName: 's', Records: [0, 1, 2].map((i) => ({ PartitionKey: `k${i}`, Data: data(i) })) },
      ctx(),
    );
    const reader = new KinesisReader(services);
    const stream = { ...scope, name: 's' };
    const [shard] = await reader.listShards(stream);
    assert.equal(shard?.shardId, 'shardId-000000000000');

    let position = await reader.open(stream, 'shardId-000000000000', { type: 'TRIM_HORIZON' });
    const first = await reader.read(stream, position, 2);
    assert.deepEqual(
      first.records.map((r) => Buffer.from(r.data).toString()),
      ['record-0', 'record-1'],
    );
    assert.ok(first.next, 'an open shard has a next position');
    position = first.next;

    await splitShard(
      services,
      { StreamName: 's', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: (2n ** 127n).toString() },
      ctx(),
    );
    const rest = await reader.read(stream, position, 100);
    assert.deepEqual(
      rest.records.map((r) => Buffer.from(r.data).toString()),
      ['record-2'],
    );
    // The closed shard may end on this read or the next: follow it until it does.
    let end = rest;
    for (let i = 0; end.next !== undefined && i < 5; i++) end = await reader.read(stream, end.next, 100);
    assert.equal(end.next, undefined, 'a closed, fully read shard has no next position');
    assert.deepEqual(end.childShards, ['shardId-000000000001', 'shardId-000000000002']);
    assert.equal((await reader.listShards(stream)).length, 3);

    const after = await reader.open(stream, 'shardId-000000000000', {
      type: 'AFTER_SEQUENCE_NUMBER',
      sequenceNumber: first.records[0]!.sequenceNumber,
    });
    const again = await reader.read(stream, after, 1);
    assert.equal(Buffer.from(again.records[0]!.data).toString(), 'record-1');
  });

  it('answers a missing stream with the wire error', async () => {
    const services = createServices({ ...defaultConfig, stateDelayMs: 0 }, createMemoryEngine());
    const reader = new KinesisReader(services);
    await assert.rejects(reader.listShards({ ...scope, name: 'absent' }), {
      name: 'ResourceNotFoundException',
    });
  });
});
