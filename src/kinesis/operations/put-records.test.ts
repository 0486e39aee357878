import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EncodedBody } from '../../aws/operation.js';
import { defaultConfig } from '../../core/config.js';
import { Slots } from '../../core/slots.js';
import { createMemoryEngine } from '../../storage/memory/memory-engine.js';
import type { OpContext, Services } from '../state/services.js';
import { StreamStore } from '../state/stream-store.js';
import { createStream } from './create-stream.js';
import { putRecords } from './put-records.js';

const ctx: OpContext = {
  account: '000000000000',
  region: 'us-east-1',
  requestId: 'r',
  nowMs: Date.now(),
  signal: new AbortController().signal,
  wire: 'json',
};

/** The answer as the client reads it: JSON answers come pre-rendered (records-json.ts). */
function answerOf(result: unknown): unknown {
  return result instanceof EncodedBody ? JSON.parse(result.bytes.toString('utf8')) : result;
}

describe('PutRecords partial failure', () => {
  it('marks the entries of a shard whose append failed with InternalFailure and counts them', async () => {
    const engine = createMemoryEngine();
    const services: Services = {
      config: { ...defaultConfig, stateDelayMs: 0 },
      engine,
      streams: new StreamStore(engine),
      slots: new Slots(),
      hooks: {},
    };
    await createStream(services, { StreamName: 's', ShardCount: 2 }, ctx);
    const top = ((1n << 128n) - 1n).toString();
    const records = [
      { PartitionKey: 'a', Data: Buffer.from('0'), ExplicitHashKey: '0' },
      { PartitionKey: 'b', Data: Buffer.from('1'), ExplicitHashKey: top },
      { PartitionKey: 'c', Data: Buffer.from('2'), ExplicitHashKey: '1' },
    ];
    // The first append issued (shard 0's) fails; shard 1's succeeds.
    engine.faults.failNextAppend(new Error('disk on fire'));
    const out = answerOf(await putRecords(services, { StreamName: 's', Records: records }, ctx)) as {
      FailedRecordCount: number;
      Records: Record<string, string>[];
    };
    assert.equal(out.FailedRecordCount, 2);
    assert.deepEqual(out.Records[0], {
      ErrorCode: 'InternalFailure',
      ErrorMessage: 'Internal service failure.',
    });
    assert.deepEqual(out.Records[2], {
      ErrorCode: 'InternalFailure',
      ErrorMessage: 'Internal service failure.',
    });
    assert.equal(out.Records[1]?.ShardId, 'shardId-000000000001');
    assert.match(out.Records[1]?.SequenceNumber ?? '', /^\d{56}$/);
  });
});
