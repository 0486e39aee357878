// The record path through the official SDK v3 (HTTP/2): PutRecord, PutRecords, GetShardIterator,
// GetRecords, with AWS's exact error types and messages.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
  PutRecordCommand,
  PutRecordsCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-kinesis';
import { Decoder, Encoder } from 'cbor-x';
import { startServer } from '../src/app.js';
import { defaultConfig } from '../src/core/config.js';
import { encodeIterator } from '../src/kinesis/domain/shard-iterator.js';
import { logIdOf } from '../src/kinesis/domain/stream-model.js';
import { iteratorKey } from '../src/kinesis/records/record-path.js';
import type { MemoryEngine, MemoryFaults } from '../src/storage/memory/memory-engine.js';
import { openEngine } from '../src/storage/open-engine.js';
import {
  ACCOUNT,
  kinesis,
  needsInProcess,
  REGION,
  randomName,
  rawRequest,
  skipIfExternal,
  startTestServer,
  type TestServer,
  waitFor,
} from './helpers.js';

const TWO_128 = 1n << 128n;
const THIRD = TWO_128 / 3n;

async function rejects(p: Promise<unknown>, name: string, message: string | RegExp): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name, `${err.name}: ${err.message}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

describe('record path via SDK v3', () => {
  let server: TestServer;
  let client: KinesisClient;
  let stream3: string;

  before(async () => {
    // Semantics, not quotas: these tests call one shard faster than AWS's 5 calls/s allow
    // (throttling has its own suite, test/throttling.test.ts).
    server = await startTestServer({ limits: 'off' });
    client = kinesis(server.endpoint);
    stream3 = await createStream(3);
  });
  after(async () => {
    client.destroy();
    await server.close();
  });

  async function createStream(shards: number): Promise<string> {
    const name = randomName('rec');
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    await waitFor(async () => {
      const d = await client.send(new DescribeStreamCommand({ StreamName: name }));
      return d.StreamDescription?.StreamStatus === 'ACTIVE' ? true : undefined;
    });
    return name;
  }

  async function iterator(
    stream: string,
    shardId: string,
    type: ShardIteratorType,
    extra: { StartingSequenceNumber?: string; Timestamp?: Date } = {},
  ): Promise<string> {
    const out = await client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: shardId,
        ShardIteratorType: type,
        ...extra,
      }),
    );
    assert.ok(out.ShardIterator && out.ShardIterator.length <= 512);
    return out.ShardIterator;
  }

  async function readAll(it: string): Promise<GetRecordsCommandOutput['Records'] & object> {
    const all: NonNullable<GetRecordsCommandOutput['Records']> = [];
    let next: string | undefined = it;
    for (let i = 0; i < 100 && next; i++) {
      const page: GetRecordsCommandOutput = await client.send(new GetRecordsCommand({ ShardIterator: next }));
      all.push(...(page.Records ?? []));
      if ((page.Records ?? []).length === 0) break;
      next = page.NextShardIterator;
    }
    return all;
  }

  describe('PutRecord', () => {
    it('returns ShardId and a 56-digit SequenceNumber, without EncryptionType on an unencrypted stream', async () => {
      const out = await client.send(
        new PutRecordCommand({ StreamName: stream3, PartitionKey: 'a', Data: new Uint8Array() }),
      );
      assert.equal(out.ShardId, 'shardId-000000000000');
      assert.match(out.SequenceNumber ?? '', /^\d{56}$/);
      assert.equal(out.EncryptionType, undefined);
    });

    it('routes ExplicitHashKey at the range edges', async () => {
      const put = (k: bigint) =>
        client.send(
          new PutRecordCommand({
            StreamName: stream3,
            PartitionKey: 'a',
            Data: new Uint8Array(),
            ExplicitHashKey: k.toString(),
          }),
        );
      assert.equal((await put(TWO_128 - 1n)).ShardId, 'shardId-000000000002');
      assert.equal((await put(THIRD * 2n - 1n)).ShardId, 'shardId-000000000001');
      assert.equal((await put(THIRD * 2n)).ShardId, 'shardId-000000000002');
      assert.equal((await put(0n)).ShardId, 'shardId-000000000000');
    });

    it('rejects an ExplicitHashKey above 2^128-1', async () => {
      const k = TWO_128.toString();
      await rejects(
        client.send(
          new PutRecordCommand({
            StreamName: stream3,
            PartitionKey: 'a',
            Data: new Uint8Array(),
            ExplicitHashKey: k,
          }),
        ),
        'InvalidArgumentException',
        `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${k}`,
      );
    });

    it('answers ResourceNotFoundException for an unknown stream', async () => {
      const name = randomName('missing');
      await rejects(
        client.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'a', Data: new Uint8Array([1]) })),
        'ResourceNotFoundException',
        `Stream ${name} under account ${ACCOUNT} not found.`,
      );
    });

    it('accepts a SequenceNumberForOrdering it issued, "0" and "5", and orders after it; rejects unreadable ones', async () => {
      const first = await client.send(
        new PutRecordCommand({ StreamName: stream3, PartitionKey: 'a', Data: new Uint8Array([1]) }),
      );
      const second = await client.send(
        new PutRecordCommand({
          StreamName: stream3,
          PartitionKey: 'a',
          Data: new Uint8Array([2]),
          SequenceNumberForOrdering: first.SequenceNumber,
        }),
      );
      assert.ok(BigInt(second.SequenceNumber!) > BigInt(first.SequenceNumber!));
      // AWS accepts small numbers (recorded: kinesalite test/putRecord.js).
      for (const ordering of ['0', '5'])
        await client.send(
          new PutRecordCommand({
            StreamName: stream3,
            PartitionKey: 'a',
            Data: new Uint8Array(),
            SequenceNumberForOrdering: ordering,
          }),
        );
      // Version 4 of the 47-hex-digit layout (recorded as invalid).
      const v4 = BigInt('0x20000000000000000000000000000000000000000000004').toString();
      await rejects(
        client.send(
          new PutRecordCommand({
            StreamName: stream3,
            PartitionKey: 'a',
            Data: new Uint8Array(),
            SequenceNumberForOrdering: v4,
          }),
        ),
        'InvalidArgumentException',
        `ExclusiveMinimumSequenceNumber ${v4} used in PutRecord on stream ${stream3} under account ${ACCOUNT} is invalid.`,
      );
    });

    it('enforces the stream maximum record size (data, then data plus partition key)', async () => {
      const max = 1024 * 1024;
      await rejects(
        client.send(
          new PutRecordCommand({ StreamName: stream3, PartitionKey: 'a', Data: new Uint8Array(max + 1) }),
        ),
        'ValidationException',
        `1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=${max + 1} cap=${max + 1}]' at 'data' ` +
          `failed to satisfy constraint: Member must have length less than or equal to ${max}`,
      );
      await rejects(
        client.send(
          new PutRecordCommand({ StreamName: stream3, PartitionKey: 'ab', Data: new Uint8Array(max - 1) }),
        ),
        'InvalidArgumentException',
        `Record size ${max + 1} bytes (data plus partition key) exceeds the maximum record size of ${max} bytes.`,
      );
      const ok = await client.send(
        new PutRecordCommand({ StreamName: stream3, PartitionKey: 'a', Data: new Uint8Array(max - 1) }),
      );
      assert.match(ok.SequenceNumber ?? '', /^\d+$/);
    });

    it('DryRun answers DryRunOperationException and writes nothing', async () => {
      const s = await createStream(1);
      await rejects(
        client.send(
          new PutRecordCommand({ StreamName: s, PartitionKey: 'a', Data: new Uint8Array([1]), DryRun: true }),
        ),
        'DryRunOperationException',
        'Request would have succeeded, but DryRun flag is set.',
      );
      assert.deepEqual(await readAll(await iterator(s, 'shardId-000000000000', 'TRIM_HORIZON')), []);
    });
  });

  describe('PutRecords', () => {
    it('routes mixed entries, answers in request order with FailedRecordCount 0', async () => {
      const s = await createStream(3);
      const records = [
        { PartitionKey: 'a', Data: randomBytes(10) },
        { PartitionKey: 'b', Data: randomBytes(10) },
        { PartitionKey: 'e', Data: randomBytes(10) },
        { PartitionKey: 'f', Data: randomBytes(10) },
        { PartitionKey: 'a', Data: randomBytes(10), ExplicitHashKey: (TWO_128 - 1n).toString() },
        { PartitionKey: 'a', Data: randomBytes(10), ExplicitHashKey: (THIRD * 2n - 1n).toString() },
        { PartitionKey: 'a', Data: randomBytes(10), ExplicitHashKey: (THIRD * 2n).toString() },
      ];
      const out = await client.send(new PutRecordsCommand({ StreamName: s, Records: records }));
      assert.equal(out.FailedRecordCount, 0);
      assert.equal(out.EncryptionType, undefined);
      assert.deepEqual(
        out.Records?.map((r) => r.ShardId),
        [0, 1, 2, 1, 2, 1, 2].map((i) => `shardId-00000000000${i}`),
      );
      // Shard 1 holds entries 1, 3, 5 in that order.
      const got = await readAll(await iterator(s, 'shardId-000000000001', 'TRIM_HORIZON'));
      assert.deepEqual(
        got.map((r) => [r.SequenceNumber, r.PartitionKey, Buffer.from(r.Data!).toString('hex')]),
        [1, 3, 5].map((i) => [
          out.Records![i]!.SequenceNumber,
          records[i]!.PartitionKey,
          records[i]!.Data.toString('hex'),
        ]),
      );
    });

    it('fails the whole request for an ExplicitHashKey out of range', async () => {
      const k = TWO_128.toString();
      await rejects(
        client.send(
          new PutRecordsCommand({
            StreamName: stream3,
            Records: [
              { PartitionKey: 'a', Data: new Uint8Array(), ExplicitHashKey: k },
              { PartitionKey: 'a', Data: new Uint8Array() },
            ],
          }),
        ),
        'InvalidArgumentException',
        `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${k}`,
      );
    });

    it('rejects a request above 10 MiB including partition keys', async () => {
      const records = Array.from({ length: 11 }, () => ({
        PartitionKey: 'k',
        Data: new Uint8Array(960_000),
      }));
      await rejects(
        client.send(new PutRecordsCommand({ StreamName: stream3, Records: records })),
        'InvalidArgumentException',
        'Records size exceeds 10 MB limit',
      );
    });

    it('names the entry whose data exceeds the record size', async () => {
      const max = 1024 * 1024;
      await rejects(
        client.send(
          new PutRecordsCommand({
            StreamName: stream3,
            Records: [
              { PartitionKey: 'a', Data: new Uint8Array(1) },
              { PartitionKey: 'a', Data: new Uint8Array(max + 1) },
            ],
          }),
        ),
        'ValidationException',
        `1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=${max + 1} cap=${max + 1}]' at 'records.2.member.data' ` +
          `failed to satisfy constraint: Member must have length less than or equal to ${max}`,
      );
    });

    it('answers ResourceNotFoundException for an unknown stream and DryRun without writing', async () => {
      const name = randomName('missing');
      await rejects(
        client.send(
          new PutRecordsCommand({
            StreamName: name,
            Records: [{ PartitionKey: 'a', Data: new Uint8Array() }],
          }),
        ),
        'ResourceNotFoundException',
        `Stream ${name} under account ${ACCOUNT} not found.`,
      );
      const s = await createStream(1);
      await rejects(
        client.send(
          new PutRecordsCommand({
            StreamName: s,
            Records: [{ PartitionKey: 'a', Data: new Uint8Array() }],
            DryRun: true,
          }),
        ),
        'DryRunOperationException',
        'Request would have succeeded, but DryRun flag is set.',
      );
      assert.deepEqual(await readAll(await iterator(s, 'shardId-000000000000', 'TRIM_HORIZON')), []);
    });

    it('accepts 500 entries and the StreamARN form', async () => {
      const s = await createStream(2);
      const arn = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${s}`;
      const records = Array.from({ length: 500 }, (_, i) => ({
        PartitionKey: `pk-${i}`,
        Data: Buffer.from(`record ${i}`),
      }));
      const out = await client.send(new PutRecordsCommand({ StreamARN: arn, Records: records }));
      assert.equal(out.FailedRecordCount, 0);
      assert.equal(out.Records?.length, 500);
      const read = [
        ...(await readAll(await iterator(s, 'shardId-000000000000', 'TRIM_HORIZON'))),
        ...(await readAll(await iterator(s, 'shardId-000000000001', 'TRIM_HORIZON'))),
      ];
      assert.equal(read.length, 500);
      assert.deepEqual(
        new Set(read.map((r) => Buffer.from(r.Data!).toString())),
        new Set(records.map((r) => r.Data.toString())),
      );
    });
  });

  describe('GetShardIterator', () => {
    it('supports all five iterator types', async () => {
      const s = await createStream(1);
      const shard = 'shardId-000000000000';
      const put = await client.send(
        new PutRecordsCommand({
          StreamName: s,
          Records: ['x', 'y', 'z'].map((d) => ({ PartitionKey: d, Data: Buffer.from(d) })),
        }),
      );
      const seqs = put.Records!.map((r) => r.SequenceNumber!);
      const data = async (type: ShardIteratorType, extra = {}) =>
        (await readAll(await iterator(s, shard, type, extra))).map((r) => Buffer.from(r.Data!).toString());
      assert.deepEqual(await data('TRIM_HORIZON'), ['x', 'y', 'z']);
      assert.deepEqual(await data('LATEST'), []);
      assert.deepEqual(await data('AT_SEQUENCE_NUMBER', { StartingSequenceNumber: seqs[1] }), ['y', 'z']);
      assert.deepEqual(await data('AFTER_SEQUENCE_NUMBER', { StartingSequenceNumber: seqs[1] }), ['z']);
      assert.deepEqual(await data('AT_TIMESTAMP', { Timestamp: new Date(Date.now() - 60_000) }), [
        'x',
        'y',
        'z',
      ]);
      assert.deepEqual(await data('AT_TIMESTAMP', { Timestamp: new Date(Date.now()) }), []);
      const d = await client.send(new DescribeStreamCommand({ StreamName: s }));
      const start = d.StreamDescription!.Shards![0]!.SequenceNumberRange!.StartingSequenceNumber!;
      assert.deepEqual(await data('AT_SEQUENCE_NUMBER', { StartingSequenceNumber: start }), ['x', 'y', 'z']);
    });

    it('accepts ShardId spellings Kinesis accepts', async () => {
      for (const id of ['shardId-1', 'shard-1', `${randomName()}-1`, '1'])
        assert.ok(await iterator(stream3, id, 'LATEST'));
    });

    it('answers AWS errors for unknown shards and streams', async () => {
      const missing = randomName('missing');
      await rejects(
        iterator(stream3, 'shardId-5', 'LATEST'),
        'ResourceNotFoundException',
        `Shard shardId-000000000005 in stream ${stream3} under account ${ACCOUNT} does not exist`,
      );
      await rejects(
        iterator(missing, '2147483647', 'LATEST'),
        'ResourceNotFoundException',
        `Shard shardId-002147483647 in stream ${missing} under account ${ACCOUNT} does not exist`,
      );
      for (const bad of ['2147483648', 'ABKLFD8', '2.14E4'])
        await rejects(
          iterator(missing, bad, 'LATEST'),
          'ResourceNotFoundException',
          `Could not find shard ${bad} in stream ${missing} under account ${ACCOUNT}.`,
        );
    });

    it('checks the iterator type against StartingSequenceNumber and Timestamp', async () => {
      const rule =
        'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or ' +
        '(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. ';
      const shard = 'shardId-0';
      for (const type of ['AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'] as const)
        await rejects(
          iterator(stream3, shard, type),
          'InvalidArgumentException',
          `${rule}Request specified ${type} and no StartingSequenceNumber.`,
        );
      for (const type of ['LATEST', 'TRIM_HORIZON'] as const)
        await rejects(
          iterator(stream3, shard, type, { StartingSequenceNumber: '5' }),
          'InvalidArgumentException',
          `${rule}Request specified ${type} and also a StartingSequenceNumber.`,
        );
      await rejects(
        iterator(stream3, shard, 'AT_TIMESTAMP'),
        'InvalidArgumentException',
        'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.',
      );
      const future = Date.now() + 3_600_000;
      await rejects(
        iterator(stream3, shard, 'AT_TIMESTAMP', { Timestamp: new Date(future) }),
        'InvalidArgumentException',
        new RegExp(
          `^The timestampInMillis parameter cannot be greater than the currentTimestampInMillis\\. timestampInMillis: ${future}, currentTimestampInMillis: \\d+$`,
        ),
      );
    });

    it('rejects sequence numbers of another shard, unreadable ones, and beyond the tip', async () => {
      const put = await client.send(
        new PutRecordCommand({
          StreamName: stream3,
          PartitionKey: 'x',
          Data: new Uint8Array([1]),
          ExplicitHashKey: '0',
        }),
      );
      await rejects(
        iterator(stream3, 'shardId-000000000001', 'AT_SEQUENCE_NUMBER', {
          StartingSequenceNumber: put.SequenceNumber!,
        }),
        'InvalidArgumentException',
        'Invalid StartingSequenceNumber. It encodes shardId-000000000000, while it was used in a call to a shard with shardId-000000000001',
      );
      await rejects(
        iterator(stream3, 'shardId-000000000000', 'AT_SEQUENCE_NUMBER', { StartingSequenceNumber: '5' }),
        'InvalidArgumentException',
        'Invalid StartingSequenceNumber. It encodes shardId-000000000005, while it was used in a call to a shard with shardId-000000000000',
      );
      const v3 = BigInt('0x20000000000000000000000000000000000000000000003').toString();
      await rejects(
        iterator(stream3, 'shardId-000000000000', 'AT_SEQUENCE_NUMBER', { StartingSequenceNumber: v3 }),
        'InvalidArgumentException',
        `StartingSequenceNumber ${v3} used in GetShardIterator on shard shardId-000000000000 in stream ${stream3} under account ${ACCOUNT} is invalid.`,
      );
      // The counter (hex digits 11..26, bits 80..143) carries the offset: 1000 records further on.
      const beyond = (BigInt(put.SequenceNumber!) + (1000n << 80n)).toString();
      await rejects(
        iterator(stream3, 'shardId-000000000000', 'AFTER_SEQUENCE_NUMBER', {
          StartingSequenceNumber: beyond,
        }),
        'InvalidArgumentException',
        `StartingSequenceNumber ${beyond} used in GetShardIterator on shard shardId-000000000000 in stream ${stream3} ` +
          `under account ${ACCOUNT} is invalid because it did not come from this stream.`,
      );
    });

    it('DryRun answers DryRunOperationException', async () => {
      await rejects(
        client.send(
          new GetShardIteratorCommand({
            StreamName: stream3,
            ShardId: 'shardId-0',
            ShardIteratorType: 'LATEST',
            DryRun: true,
          }),
        ),
        'DryRunOperationException',
        'Request would have succeeded, but DryRun flag is set.',
      );
    });
  });

  describe('GetRecords', () => {
    it('returns byte-identical records with Limit paging, arrival timestamps and MillisBehindLatest', async () => {
      const s = await createStream(1);
      const records = [
        { PartitionKey: 'ünïcödé 统一码 💣', Data: Buffer.from('ünïcödé 统一码 💣💻🔥') },
        { PartitionKey: 'quote"back\\slash\n', Data: Buffer.alloc(0) },
        ...Array.from({ length: 8 }, (_, i) => ({ PartitionKey: `k${i}`, Data: randomBytes(1 + i * 100) })),
      ];
      const before = Date.now();
      const put = await client.send(new PutRecordsCommand({ StreamName: s, Records: records }));
      const it0 = await iterator(s, 'shardId-000000000000', 'TRIM_HORIZON');
      const page1 = await client.send(new GetRecordsCommand({ ShardIterator: it0, Limit: 4 }));
      assert.equal(page1.Records?.length, 4);
      assert.ok((page1.MillisBehindLatest ?? -1) >= 0);
      const page2 = await client.send(new GetRecordsCommand({ ShardIterator: page1.NextShardIterator }));
      assert.equal(page2.MillisBehindLatest, 0);
      assert.ok(page2.NextShardIterator);
      const got = [...page1.Records!, ...page2.Records!];
      assert.equal(got.length, records.length);
      got.forEach((r, i) => {
        assert.equal(r.SequenceNumber, put.Records![i]!.SequenceNumber);
        assert.equal(r.PartitionKey, records[i]!.PartitionKey);
        assert.deepEqual(Buffer.from(r.Data!), records[i]!.Data);
        assert.ok(r.ApproximateArrivalTimestamp instanceof Date);
        assert.ok(
          r.ApproximateArrivalTimestamp.getTime() >= before - 1000 &&
            r.ApproximateArrivalTimestamp.getTime() <= Date.now(),
        );
        assert.equal(r.EncryptionType, undefined);
      });
      // An empty page still hands out a fresh iterator, and the old one can be replayed.
      const page3 = await client.send(new GetRecordsCommand({ ShardIterator: page2.NextShardIterator }));
      assert.deepEqual(page3.Records, []);
      assert.ok(page3.NextShardIterator);
      const replay = await client.send(
        new GetRecordsCommand({ ShardIterator: page1.NextShardIterator, Limit: 1 }),
      );
      assert.equal(replay.Records?.[0]?.SequenceNumber, put.Records![4]!.SequenceNumber);
    });

    it('LATEST sees only records written after it', async () => {
      const s = await createStream(1);
      await client.send(new PutRecordCommand({ StreamName: s, PartitionKey: 'a', Data: Buffer.from('old') }));
      const latest = await iterator(s, 'shardId-0', 'LATEST');
      await client.send(new PutRecordCommand({ StreamName: s, PartitionKey: 'a', Data: Buffer.from('new') }));
      assert.deepEqual(
        (await readAll(latest)).map((r) => Buffer.from(r.Data!).toString()),
        ['new'],
      );
    });

    it('rejects malformed, tampered and expired iterators', async (t) => {
      await rejects(
        client.send(new GetRecordsCommand({ ShardIterator: randomName() })),
        'InvalidArgumentException',
        'Invalid ShardIterator.',
      );
      const good = await iterator(stream3, 'shardId-0', 'LATEST');
      const sealed = Buffer.from(good, 'base64');
      sealed[sealed.length - 20]! ^= 1;
      await rejects(
        client.send(new GetRecordsCommand({ ShardIterator: sealed.toString('base64') })),
        'InvalidArgumentException',
        'Invalid ShardIterator.',
      );
      if (skipIfExternal(t, 'internals', 'the iterator key (to seal an iterator issued in 2015)')) return;
      const key = await iteratorKey(server.server!.services);
      const old = encodeIterator(key, {
        account: ACCOUNT,
        region: REGION,
        streamName: stream3,
        streamUid: 'ignored',
        shardIndex: 0,
        offset: 0,
        issuedAtMs: Date.UTC(2015, 0, 22, 1, 22, 2),
      });
      await rejects(
        client.send(new GetRecordsCommand({ ShardIterator: old })),
        'ExpiredIteratorException',
        /^Iterator expired\. The iterator was created at time Thu Jan 22 01:22:02 UTC 2015 while right now it is \w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} which is further in the future than the tolerated delay of 300000 milliseconds\.$/,
      );
    });

    it('answers ResourceNotFoundException once the stream is gone', async () => {
      const s = await createStream(2);
      const it1 = await iterator(s, 'shardId-000000000001', 'LATEST');
      await client.send(new DeleteStreamCommand({ StreamName: s }));
      await waitFor(async () => {
        try {
          await client.send(new DescribeStreamCommand({ StreamName: s }));
          return undefined;
        } catch {
          return true;
        }
      });
      await rejects(
        client.send(new GetRecordsCommand({ ShardIterator: it1 })),
        'ResourceNotFoundException',
        `Shard shardId-000000000001 in stream ${s} under account ${ACCOUNT} does not exist`,
      );
    });

    it('DryRun answers DryRunOperationException', async () => {
      const it0 = await iterator(stream3, 'shardId-0', 'LATEST');
      await rejects(
        client.send(new GetRecordsCommand({ ShardIterator: it0, DryRun: true })),
        'DryRunOperationException',
        'Request would have succeeded, but DryRun flag is set.',
      );
    });

    it('speaks CBOR: blobs as byte strings, timestamps as tag 1 epoch milliseconds', async () => {
      const s = await createStream(1);
      const data = randomBytes(33);
      await client.send(new PutRecordCommand({ StreamName: s, PartitionKey: 'c', Data: data }));
      const it0 = await iterator(s, 'shardId-0', 'TRIM_HORIZON');
      const res = await fetch(server.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-cbor-1.1',
          'x-amz-target': 'Kinesis_20131202.GetRecords',
          'x-amz-date': '20260101T000000Z',
          authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/${REGION}/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc`,
        },
        body: new Uint8Array(new Encoder({ useRecords: false } as never).encode({ ShardIterator: it0 })),
      });
      assert.equal(res.status, 200);
      const body = new Decoder({
        mapsAsObjects: true,
        useRecords: false,
        int64AsNumber: true,
      } as never).decode(Buffer.from(await res.arrayBuffer())) as {
        Records: { Data: Uint8Array; ApproximateArrivalTimestamp: Date; PartitionKey: string }[];
        NextShardIterator: string;
      };
      assert.deepEqual(Buffer.from(body.Records[0]!.Data), data);
      assert.equal(body.Records[0]!.PartitionKey, 'c');
      // cbor-x reads tag 1 as seconds; the value on the wire is milliseconds.
      const ms = body.Records[0]!.ApproximateArrivalTimestamp.getTime() / 1000;
      assert.ok(Number.isInteger(ms) && Math.abs(ms - Date.now()) < 60_000, String(ms));
      assert.ok(body.NextShardIterator);
    });
  });

  describe('stream states', () => {
    it('writes to a CREATING stream answer ResourceNotFoundException; reads of it are allowed', {
      skip: needsInProcess('flags', '--state-delay-ms 60000'),
    }, async () => {
      const slow = await startTestServer({ stateDelayMs: 60_000 });
      const c = kinesis(slow.endpoint);
      try {
        const name = randomName('creating');
        await c.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
        await rejects(
          c.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'a', Data: new Uint8Array() })),
          'ResourceNotFoundException',
          `Stream ${name} under account ${ACCOUNT} not found.`,
        );
      } finally {
        c.destroy();
        await slow.close();
      }
    });
  });
});

describe('iterators across a restart', () => {
  it('an iterator issued before a restart still reads after it (the key is persisted)', {
    skip: needsInProcess('process', 'a restart on the same data dir'),
  }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'shardline-iter-'));
    const config = { ...defaultConfig, port: 0, dataDir, stateDelayMs: 0, durability: 'none' as const };
    try {
      let server = await startServer(
        config,
        await openEngine({ kind: 'local', dataDir, durability: 'none' }),
      );
      let c = kinesis(server.endpoint);
      const name = randomName('restart');
      await c.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
      await c.send(
        new PutRecordCommand({ StreamName: name, PartitionKey: 'a', Data: Buffer.from('before') }),
      );
      const it0 = await c.send(
        new GetShardIteratorCommand({
          StreamName: name,
          ShardId: 'shardId-0',
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      c.destroy();
      await server.close();

      server = await startServer(config, await openEngine({ kind: 'local', dataDir, durability: 'none' }));
      c = kinesis(server.endpoint);
      const page = await c.send(new GetRecordsCommand({ ShardIterator: it0.ShardIterator }));
      assert.deepEqual(
        page.Records?.map((r) => Buffer.from(r.Data!).toString()),
        ['before'],
      );
      c.destroy();
      await server.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

// Raw JSON: the wire shape of a GetRecords answer (what the SDK hides).
describe('GetRecords wire shape', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('renders Records with base64 Data and epoch-second timestamps, keys in AWS order', async () => {
    const name = randomName('wire');
    await rawRequest(server.endpoint, 'CreateStream', { StreamName: name, ShardCount: 1 });
    await waitFor(async () => {
      const d = await rawRequest(server.endpoint, 'DescribeStream', { StreamName: name });
      return (d.json?.StreamDescription as { StreamStatus?: string } | undefined)?.StreamStatus === 'ACTIVE'
        ? true
        : undefined;
    });
    const put = await rawRequest(server.endpoint, 'PutRecord', {
      StreamName: name,
      PartitionKey: 'p',
      Data: 'aGVsbG8=',
    });
    assert.equal(put.status, 200);
    assert.deepEqual(Object.keys(put.json ?? {}), ['ShardId', 'SequenceNumber']);
    const it0 = await rawRequest(server.endpoint, 'GetShardIterator', {
      StreamName: name,
      ShardId: 'shardId-0',
      ShardIteratorType: 'TRIM_HORIZON',
    });
    const got = await rawRequest(server.endpoint, 'GetRecords', { ShardIterator: it0.json?.ShardIterator });
    assert.equal(got.status, 200);
    assert.equal(got.headers.get('content-type'), 'application/x-amz-json-1.1');
    assert.ok(got.headers.get('x-amzn-requestid'));
    const body = got.json as {
      Records: Record<string, unknown>[];
      NextShardIterator: string;
      MillisBehindLatest: number;
    };
    assert.deepEqual(Object.keys(body), ['Records', 'NextShardIterator', 'MillisBehindLatest']);
    assert.deepEqual(Object.keys(body.Records[0]!), [
      'SequenceNumber',
      'ApproximateArrivalTimestamp',
      'Data',
      'PartitionKey',
    ]);
    assert.equal(body.Records[0]!.Data, 'aGVsbG8=');
    assert.equal(body.Records[0]!.SequenceNumber, put.json?.SequenceNumber);
    assert.equal(typeof body.Records[0]!.ApproximateArrivalTimestamp, 'number');
    assert.equal(body.MillisBehindLatest, 0);
  });
});

describe('PutRecords bodies decoded on worker threads', () => {
  let server: TestServer;
  let client: KinesisClient;
  const name = randomName('decode');

  before(async () => {
    server = await startTestServer({ stateDelayMs: 0, workerThreads: 1 });
    client = kinesis(server.endpoint);
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }));
  });
  after(async () => {
    client.destroy();
    await server.close();
  });

  const readAll = async (shardId: string): Promise<{ key: string; data: Buffer; seq: string }[]> => {
    const it0 = await client.send(
      new GetShardIteratorCommand({ StreamName: name, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const out = await client.send(new GetRecordsCommand({ ShardIterator: it0.ShardIterator }));
    return (out.Records ?? []).map((r) => ({
      key: r.PartitionKey!,
      data: Buffer.from(r.Data!),
      seq: r.SequenceNumber!,
    }));
  };

  it('stores every record byte-identical, in order, with the sequence numbers it answered', {
    skip: needsInProcess('internals', 'the decode pool counters'),
  }, async () => {
    const records = Array.from({ length: 500 }, (_, i) => ({
      Data: randomBytes(i % 2 === 0 ? 1024 : i),
      PartitionKey: `pk-${i}-ünïcode`,
      ...(i % 10 === 0 ? { ExplicitHashKey: String(THIRD * 2n + BigInt(i)) } : {}),
    }));
    const before = server.server!.codecPool.counts.decoded;
    const put = await client.send(new PutRecordsCommand({ StreamName: name, Records: records }));
    assert.equal(put.FailedRecordCount, 0);
    assert.equal(server.server!.codecPool.counts.decoded, before + 1, 'the body went through a worker');
    // Routing (MD5 computed on the worker, or the ExplicitHashKey): the shard whose range holds the key.
    const half = 1n << 127n;
    put.Records!.forEach((result, i) => {
      const r = records[i]!;
      const key = r.ExplicitHashKey
        ? BigInt(r.ExplicitHashKey)
        : BigInt(`0x${createHash('md5').update(r.PartitionKey).digest('hex')}`);
      assert.equal(
        result.ShardId,
        key < half ? 'shardId-000000000000' : 'shardId-000000000001',
        `record ${i}`,
      );
    });
    const stored = [...(await readAll('shardId-000000000000')), ...(await readAll('shardId-000000000001'))];
    assert.equal(stored.length, 500);
    const bySeq = new Map(stored.map((r) => [r.seq, r]));
    put.Records!.forEach((result, i) => {
      const r = bySeq.get(result.SequenceNumber!);
      assert.ok(r, `record ${i} readable under its sequence number`);
      assert.equal(r.key, records[i]!.PartitionKey);
      assert.ok(r.data.equals(records[i]!.Data), `record ${i} byte-identical`);
    });
  });

  it('hands a body with JSON escapes back to the generic path, which reads it correctly', {
    skip: needsInProcess('internals', 'the decode pool counters'),
  }, async () => {
    const entries = Array.from({ length: 100 }, (_, i) => ({
      Data: randomBytes(1024).toString('base64'),
      PartitionKey: `esc-${i}`,
    }));
    // "\u0041" is "A": the fast path never reads escapes.
    const body = JSON.stringify({ StreamName: name, Records: entries }).replaceAll('"esc-', '"\\u0041esc-');
    const declined = server.server!.codecPool.counts.declined;
    const res = await rawRequest(server.endpoint, 'PutRecords', body);
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json?.FailedRecordCount, 0);
    assert.equal(server.server!.codecPool.counts.declined, declined + 1);
    const keys = new Set(
      [...(await readAll('shardId-000000000000')), ...(await readAll('shardId-000000000001'))].map(
        (r) => r.key,
      ),
    );
    for (let i = 0; i < 100; i++) assert.ok(keys.has(`Aesc-${i}`), `key Aesc-${i} stored unescaped`);
  });

  it('answers AWS errors for bad large bodies the same way as the inline path', async () => {
    const entries = Array.from({ length: 100 }, () => ({
      Data: randomBytes(1024).toString('base64'),
      PartitionKey: '',
    }));
    const res = await rawRequest(server.endpoint, 'PutRecords', { StreamName: name, Records: entries });
    assert.equal(res.status, 400);
    assert.equal(res.json?.__type, 'ValidationException');
    assert.match(
      String(res.json?.message),
      /^10 validation errors detected: Value '' at 'records\.1\.member\.partitionKey'/,
    );
  });
});

describe('GetRecords at the end of a shard with a commit under way', {
  skip: needsInProcess('internals', 'the memory engine fault hooks (slowed commits)'),
}, () => {
  let server: TestServer;
  let client: KinesisClient;
  let faults: MemoryFaults;
  let logId: string;
  const name = randomName('tail');

  before(async () => {
    // A generous wait bound, so that a commit slowed to 300 ms is waited for however slow this host is.
    server = await startTestServer({ stateDelayMs: 0, storage: 'memory', getRecordsCommitWaitMs: 1_000 });
    client = kinesis(server.endpoint);
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    const engine = server.server!.services.engine as MemoryEngine;
    faults = engine.faults;
    const meta = (await server.server!.services.streams.all(Date.now())).find((s) => s.name === name)!;
    logId = logIdOf(meta, 0);
  });
  after(async () => {
    client.destroy();
    await server.close();
  });

  const latest = async (): Promise<string> => {
    const it = await client.send(
      new GetShardIteratorCommand({
        StreamName: name,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'LATEST',
      }),
    );
    return it.ShardIterator!;
  };
  /** Sends a PutRecord and resolves once the server holds it as a pending append (boxed: an async function would flatten it). */
  const putPending = async (data: string): Promise<{ put: Promise<unknown> }> => {
    const put = client.send(
      new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: Buffer.from(data) }),
    );
    await waitFor(
      async () => server.server!.services.engine.logs.settled(logId) !== undefined || undefined,
      5_000,
      1,
    );
    return { put };
  };

  it('includes a record whose commit finishes within the wait', async () => {
    const iterator = await latest();
    faults.delayAppendMs = 300;
    try {
      const { put } = await putPending('soon');
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
      assert.equal(
        server.server!.services.engine.logs.settled(logId),
        undefined,
        'the call waited for the commit',
      );
      assert.deepEqual(
        (page.Records ?? []).map((r) => Buffer.from(r.Data!).toString()),
        ['soon'],
        'the record being committed came with this call',
      );
      await put;
      const next = await client.send(new GetRecordsCommand({ ShardIterator: page.NextShardIterator }));
      assert.deepEqual(next.Records, [], 'and is not returned twice');
    } finally {
      faults.delayAppendMs = 0;
    }
  });

  it('does not wait longer than the bound for a slow commit', async () => {
    const iterator = await latest();
    faults.delayAppendMs = 3_000;
    try {
      const { put } = await putPending('late');
      let committed = false;
      put.then(
        () => {
          committed = true;
        },
        () => undefined,
      );
      const t0 = performance.now();
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
      const ms = performance.now() - t0;
      // Order, not a stopwatch: the answer (empty: had it waited for the commit it would hold the
      // record) came after the 1,000 ms bound and before the 3,000 ms commit's PutRecord answer.
      assert.deepEqual(page.Records, [], 'nothing committed yet');
      assert.ok(ms >= 900, `GetRecords took ${ms.toFixed(0)} ms: it waited for the bound of 1,000 ms`);
      assert.equal(committed, false, 'GetRecords answered before the commit it gave up on finished');
      await put;
      const next = await client.send(new GetRecordsCommand({ ShardIterator: page.NextShardIterator }));
      assert.deepEqual(
        (next.Records ?? []).map((r) => Buffer.from(r.Data!).toString()),
        ['late'],
      );
    } finally {
      faults.delayAppendMs = 0;
    }
  });
});
