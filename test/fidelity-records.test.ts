// Issue 12 §3/§4: answers whose exact wording or shape AWS was recorded giving (kinesalite's tests
// run against AWS, LocalStack's AWS snapshots), checked over raw HTTP/1.1 and the SDK.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  DeleteResourcePolicyCommand,
  DescribeStreamCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetResourcePolicyCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  PutRecordCommand,
  PutRecordsCommand,
  PutResourcePolicyCommand,
  RegisterStreamConsumerCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { ACCOUNT, kinesis, randomName, startTestServer, type TestServer, waitFor } from './helpers.js';
import { rawHttp } from './protocol-client.js';

describe('recorded answers (issue 12)', () => {
  let server: TestServer;
  let client: KinesisClient;

  before(async () => {
    server = await startTestServer({ limits: 'off' });
    client = kinesis(server.endpoint);
  });
  after(async () => {
    client.destroy();
    await server.close();
  });

  async function activeStream(): Promise<string> {
    const name = randomName('fid');
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    return waitFor(async () => {
      const d = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
      const s = d.StreamDescriptionSummary;
      return s?.StreamStatus === 'ACTIVE' ? (s.StreamARN as string) : undefined;
    });
  }

  const policyFor = (arn: string, action: string): string =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: action,
          Resource: arn,
        },
      ],
    });

  async function rejectsNoPolicy(arn: string): Promise<void> {
    await assert.rejects(client.send(new DeleteResourcePolicyCommand({ ResourceARN: arn })), (err: Error) => {
      assert.equal(err.name, 'ResourceNotFoundException', `${err.name}: ${err.message}`);
      assert.equal(err.message, `No resource policy found for resource ARN ${arn}`);
      assert.equal((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, 400);
      return true;
    });
  }

  it("sequence numbers carry the put's second, as kinesalite's assertSequenceNumber and assertArrivalTimes check AWS's", async () => {
    const arn = await activeStream();
    // Long enough after the shard's creation that a creation-time field would fail the check.
    await new Promise((r) => setTimeout(r, 5_000));
    const before = Date.now();
    const one = await client.send(
      new PutRecordCommand({ StreamARN: arn, PartitionKey: 'k', Data: Buffer.from('a') }),
    );
    const many = await client.send(
      new PutRecordsCommand({
        StreamARN: arn,
        Records: [0, 1, 2].map((i) => ({ PartitionKey: `k${i}`, Data: Buffer.from(`r${i}`) })),
      }),
    );
    const seqs = [one.SequenceNumber, ...(many.Records ?? []).map((r) => r.SequenceNumber)] as string[];
    const timeOf = (seq: string): number => Number.parseInt(BigInt(seq).toString(16).slice(30, 38), 16);
    for (const seq of seqs) {
      assert.match(BigInt(seq).toString(16), /^20[0-9a-f]{8}0[0-9a-f]{16}000[0-9a-f]{8}000000002$/);
      const t = timeOf(seq);
      assert.ok(t >= Math.floor(before / 1000) - 4 && t <= Date.now() / 1000 + 1, `time field ${t}`);
    }
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamARN: arn,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const { Records = [] } = await client.send(new GetRecordsCommand({ ShardIterator }));
    assert.deepEqual(
      Records.map((r) => r.SequenceNumber),
      seqs,
    );
    for (const r of Records) {
      const arrival = (r.ApproximateArrivalTimestamp as Date).getTime() / 1000;
      const diff = arrival - timeOf(r.SequenceNumber as string);
      assert.ok(diff >= 0 && diff <= 3, `arrival ${arrival} vs time field: ${diff}`);
    }
  });

  it("a closed shard's EndingSequenceNumber is its last record's number, also when the close comes seconds later", async () => {
    const arn = await activeStream();
    const put = await client.send(
      new PutRecordCommand({ StreamARN: arn, PartitionKey: 'k', Data: Buffer.from('x') }),
    );
    // The close falls in a later second than the record's arrival.
    await new Promise((r) => setTimeout(r, 1_100));
    await client.send(
      new SplitShardCommand({
        StreamARN: arn,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    const parent = await waitFor(async () => {
      const d = await client.send(new DescribeStreamCommand({ StreamARN: arn }));
      const s = d.StreamDescription;
      return s?.StreamStatus === 'ACTIVE'
        ? s.Shards?.find((x) => x.ShardId === 'shardId-000000000000')
        : undefined;
    });
    assert.equal(parent.SequenceNumberRange?.EndingSequenceNumber, put.SequenceNumber);
  });

  it('DeleteResourcePolicy without a policy is ResourceNotFoundException (stream), a policy deletes once', async () => {
    const arn = await activeStream();
    await rejectsNoPolicy(arn);
    await client.send(
      new PutResourcePolicyCommand({ ResourceARN: arn, Policy: policyFor(arn, 'kinesis:PutRecord') }),
    );
    await client.send(new DeleteResourcePolicyCommand({ ResourceARN: arn }));
    assert.equal((await client.send(new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy, '{}');
    await rejectsNoPolicy(arn);
  });

  it('DeleteResourcePolicy without a policy is ResourceNotFoundException (consumer)', async () => {
    const streamArn = await activeStream();
    const registered = await client.send(
      new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'c' }),
    );
    const arn = registered.Consumer?.ConsumerARN as string;
    await waitFor(async () => {
      const d = await client.send(new DescribeStreamConsumerCommand({ ConsumerARN: arn }));
      return d.ConsumerDescription?.ConsumerStatus === 'ACTIVE' ? true : undefined;
    });
    await rejectsNoPolicy(arn);
    await client.send(
      new PutResourcePolicyCommand({ ResourceARN: arn, Policy: policyFor(arn, 'kinesis:SubscribeToShard') }),
    );
    await client.send(new DeleteResourcePolicyCommand({ ResourceARN: arn }));
    await rejectsNoPolicy(arn);
  });

  it('PutRecords with 501 entries prints the list as Java does (kinesalite test/putRecords.js)', async () => {
    const records = Array.from({ length: 501 }, () => ({ PartitionKey: '', Data: '' }));
    const res = await rawHttp(server.endpoint, {
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.PutRecords',
      },
      body: JSON.stringify({ StreamName: '', Records: records }),
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers['x-amzn-errortype'], 'ValidationException');
    const entry = 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310';
    const errors = [
      `Value '[${Array(501).fill(entry).join(', ')}]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500`,
      ...Array.from(
        { length: 9 },
        (_, i) =>
          `Value '' at 'records.${i + 1}.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1`,
      ),
    ];
    const body = JSON.parse(res.text) as Record<string, unknown>;
    assert.equal(body.__type, 'ValidationException');
    assert.equal(body.message, `10 validation errors detected: ${errors.join('; ')}`);
  });

  async function call(
    target: string,
    body: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await rawHttp(server.endpoint, {
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Kinesis_20131202.${target}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: JSON.parse(res.text) as Record<string, unknown> };
  }

  async function iteratorWithRecords(): Promise<string> {
    const arn = await activeStream();
    const put = await call('PutRecords', {
      StreamARN: arn,
      Records: [
        { PartitionKey: 'a', Data: Buffer.from('one').toString('base64') },
        { PartitionKey: 'b', Data: Buffer.from('two').toString('base64') },
      ],
    });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    const it = await call('GetShardIterator', {
      StreamARN: arn,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    });
    assert.equal(it.status, 200, JSON.stringify(it.json));
    return it.json.ShardIterator as string;
  }

  it("GetShardIterator/GetRecords iterators have AWS's shape (8-byte header 0000000000000001, 152 + 16·k bytes)", async () => {
    const token = await iteratorWithRecords();
    const next = (await call('GetRecords', { ShardIterator: token })).json.NextShardIterator as string;
    for (const t of [token, next]) {
      const buffer = Buffer.from(t, 'base64');
      assert.equal(buffer.toString('base64'), t);
      assert.equal(buffer.subarray(0, 8).toString('hex'), '0000000000000001');
      assert.equal((buffer.length - 152) % 16, 0, `${buffer.length} bytes`);
      assert.ok(buffer.length >= 152 && t.length <= 512);
    }
  });

  it('GetRecords strips double quotes around the iterator (LocalStack snapshot test, validated on AWS)', async () => {
    const token = await iteratorWithRecords();
    const res = await call('GetRecords', { ShardIterator: `"${token}"` });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const records = res.json.Records as { Data: string }[];
    assert.deepEqual(
      records.map((r) => Buffer.from(r.Data, 'base64').toString()),
      ['one', 'two'],
    );
    assert.equal(typeof res.json.NextShardIterator, 'string');
  });

  it('GetRecords answers a tampered or reshaped iterator with the recorded InvalidArgumentException', async () => {
    const token = await iteratorWithRecords();
    const sealed = Buffer.from(token, 'base64');
    const flipped = Buffer.from(sealed);
    flipped[40] = (flipped[40] ?? 0) ^ 1;
    const header = Buffer.from(sealed);
    header[7] = 2;
    for (const bad of [
      flipped.toString('base64'),
      header.toString('base64'),
      sealed.subarray(0, sealed.length - 16).toString('base64'),
      `'${token}'`,
      `""${token}""`,
    ]) {
      const res = await rawHttp(server.endpoint, {
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'Kinesis_20131202.GetRecords',
        },
        body: JSON.stringify({ ShardIterator: bad }),
      });
      assert.equal(res.status, 400, bad);
      assert.equal(res.headers['x-amzn-errortype'], 'InvalidArgumentException');
      assert.deepEqual(JSON.parse(res.text), {
        __type: 'InvalidArgumentException',
        message: 'Invalid ShardIterator.',
      });
    }
  });
});
