// Exact wire errors (__type, status, message) of the control-plane operations, checked on raw
// JSON bodies, plus a few through the SDK to see that error names surface as exception classes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  InvalidArgumentException,
  type KinesisClient,
  ListShardsCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-kinesis';
import {
  ACCOUNT,
  kinesis,
  REGION,
  randomName,
  rawRequest,
  startTestServer,
  type TestServer,
} from './helpers.js';

const arnOf = (name: string): string => `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`;
const validation = (...errors: string[]): string =>
  `${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: ${errors.join('; ')}`;

describe('control-plane errors', () => {
  let server: TestServer;
  let client: KinesisClient;
  let stream: string;
  let onDemand: string;

  before(async () => {
    server = await startTestServer();
    client = kinesis(server.endpoint);
    stream = randomName('err');
    onDemand = randomName('errod');
    await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 3 }));
    await client.send(
      new CreateStreamCommand({ StreamName: onDemand, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
    );
  });
  after(async () => {
    client.destroy();
    await server.close();
  });

  async function expectError(target: string, body: unknown, type: string, message: string): Promise<void> {
    const res = await rawRequest(server.endpoint, target, body);
    assert.equal(res.status, 400, `${target}: ${res.body}`);
    assert.deepEqual(res.json, { __type: type, message }, `${target} ${JSON.stringify(body)}`);
  }
  const notFound = (name: string) => `Stream ${name} under account ${ACCOUNT} not found.`;

  describe('validation (model constraints)', () => {
    it('CreateStream without StreamName / with bad values', async () => {
      await expectError(
        'CreateStream',
        {},
        'ValidationException',
        validation("Value null at 'streamName' failed to satisfy constraint: Member must not be null"),
      );
      await expectError(
        'CreateStream',
        { StreamName: 'a', ShardCount: 0, MaxRecordSizeInKiB: 100 },
        'ValidationException',
        validation(
          "Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
          "Value '100' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value greater than or equal to 1024",
        ),
      );
    });

    it('retention operations require RetentionPeriodHours', async () => {
      for (const target of ['IncreaseStreamRetentionPeriod', 'DecreaseStreamRetentionPeriod'])
        await expectError(
          target,
          { StreamName: stream },
          'ValidationException',
          validation(
            "Value null at 'retentionPeriodHours' failed to satisfy constraint: Member must not be null",
          ),
        );
    });

    it('tag operations require their members', async () => {
      await expectError(
        'AddTagsToStream',
        { StreamName: stream },
        'ValidationException',
        validation("Value null at 'tags' failed to satisfy constraint: Member must not be null"),
      );
      await expectError(
        'RemoveTagsFromStream',
        { StreamName: stream, TagKeys: [] },
        'ValidationException',
        validation(
          "Value '[]' at 'tagKeys' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ),
      );
      await expectError(
        'ListTagsForStream',
        { StreamName: stream, Limit: 51 },
        'ValidationException',
        validation(
          "Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50",
        ),
      );
      await expectError(
        'TagResource',
        { ResourceARN: 'nope' },
        'ValidationException',
        validation(
          "Value null at 'tags' failed to satisfy constraint: Member must not be null",
          "Value 'nope' at 'resourceARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+",
        ),
      );
    });

    it('enhanced monitoring rejects unknown metric names', async () => {
      await expectError(
        'EnableEnhancedMonitoring',
        { StreamName: stream, ShardLevelMetrics: ['Nope'] },
        'ValidationException',
        validation(
          "Value '[Nope]' at 'shardLevelMetrics' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [IncomingBytes, IncomingRecords, OutgoingBytes, OutgoingRecords, WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, IteratorAgeMilliseconds, ALL]]",
        ),
      );
    });

    it('UpdateMaxRecordSize out of range, UpdateStreamMode without StreamARN', async () => {
      await expectError(
        'UpdateMaxRecordSize',
        { StreamARN: arnOf(stream), MaxRecordSizeInKiB: 10241 },
        'ValidationException',
        validation(
          "Value '10241' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value less than or equal to 10240",
        ),
      );
      await expectError(
        'UpdateStreamMode',
        { StreamModeDetails: { StreamMode: 'ON_DEMAND' } },
        'ValidationException',
        validation("Value null at 'streamARN' failed to satisfy constraint: Member must not be null"),
      );
    });

    it('ListShards MaxResults bounds', async () => {
      await expectError(
        'ListShards',
        { StreamName: stream, MaxResults: 0 },
        'ValidationException',
        validation(
          "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
        ),
      );
    });
  });

  describe('business rules', () => {
    it('ResourceNotFoundException for unknown streams, by name and by ARN', async () => {
      const name = randomName('missing');
      for (const target of [
        'DescribeStream',
        'DescribeStreamSummary',
        'ListTagsForStream',
        'DeleteStream',
        'ListShards',
        'UpdateMaxRecordSize',
      ]) {
        const body =
          target === 'UpdateMaxRecordSize'
            ? { StreamARN: arnOf(name), MaxRecordSizeInKiB: 2048 }
            : { StreamName: name };
        await expectError(target, body, 'ResourceNotFoundException', notFound(name));
      }
      await expectError(
        'GetResourcePolicy',
        { ResourceARN: arnOf(name) },
        'ResourceNotFoundException',
        notFound(name),
      );
      await expectError(
        'ListTagsForResource',
        { ResourceARN: arnOf(name) },
        'ResourceNotFoundException',
        notFound(name),
      );
    });

    it('CreateStream of an existing name is ResourceInUseException', async () => {
      await expectError(
        'CreateStream',
        { StreamName: stream, ShardCount: 1 },
        'ResourceInUseException',
        `Stream ${stream} under account ${ACCOUNT} already exists.`,
      );
    });

    it('CreateStream shard limit', async () => {
      const res = await rawRequest(server.endpoint, 'CreateStream', {
        StreamName: randomName(),
        ShardCount: 100_000,
      });
      assert.equal(res.json?.__type, 'LimitExceededException');
      assert.match(
        String(res.json?.message),
        new RegExp(
          `^This request would exceed the shard limit for the account ${ACCOUNT} in ${REGION}\\. Current shard count for the account: \\d+\\. Limit: 20000\\. Number of additional shards that would have resulted from this request: 100000\\.`,
        ),
      );
    });

    it('StreamName and StreamARN must name the same stream', async () => {
      const other = randomName('other');
      await expectError(
        'DescribeStreamSummary',
        { StreamName: other, StreamARN: arnOf(stream) },
        'InvalidArgumentException',
        `StreamARN ${arnOf(stream)} and StreamName ${other} refer to different streams.`,
      );
      const both = await rawRequest(server.endpoint, 'DescribeStreamSummary', {
        StreamName: stream,
        StreamARN: arnOf(stream),
      });
      assert.equal(both.status, 200);
    });

    it('retention bounds and direction', async () => {
      await expectError(
        'IncreaseStreamRetentionPeriod',
        { StreamName: stream, RetentionPeriodHours: 23 },
        'InvalidArgumentException',
        'Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.',
      );
      await expectError(
        'IncreaseStreamRetentionPeriod',
        { StreamName: stream, RetentionPeriodHours: 8761 },
        'InvalidArgumentException',
        'Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.',
      );
      await expectError(
        'DecreaseStreamRetentionPeriod',
        { StreamName: stream, RetentionPeriodHours: 48 },
        'InvalidArgumentException',
        `Requested retention period (48 hours) for stream ${stream} can not be longer than existing retention period (24 hours). Use IncreaseRetentionPeriod API.`,
      );
      const name = randomName('ret');
      await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
      await client.send(
        new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 72 }),
      );
      await expectError(
        'IncreaseStreamRetentionPeriod',
        { StreamName: name, RetentionPeriodHours: 48 },
        'InvalidArgumentException',
        `Requested retention period (48 hours) for stream ${name} can not be shorter than existing retention period (72 hours). Use DecreaseRetentionPeriod API.`,
      );
      await expectError(
        'DecreaseStreamRetentionPeriod',
        { StreamName: name, RetentionPeriodHours: 20 },
        'InvalidArgumentException',
        'Minimum allowed retention period is 24 hours. Requested retention period (20 hours) is too short.',
      );
    });

    it('tag characters and the 50-tag cap', async () => {
      await expectError(
        'AddTagsToStream',
        { StreamName: stream, Tags: { 'a#b': 'x' } },
        'InvalidArgumentException',
        'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @ :.',
      );
      await expectError(
        'AddTagsToStream',
        { StreamName: stream, Tags: { 'a%b': 'x' } },
        'InvalidArgumentException',
        `Failed to add tags to stream ${stream} under account ${ACCOUNT} because some tags contained illegal characters. The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@',':'.`,
      );
      const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
      await expectError(
        'AddTagsToStream',
        { StreamName: stream, Tags: many },
        'InvalidArgumentException',
        `Failed to add tags to stream ${stream} under account ${ACCOUNT} because a given stream cannot have more than 50 tags associated with it.`,
      );
      await expectError(
        'RemoveTagsFromStream',
        { StreamName: stream, TagKeys: ['a%b'] },
        'InvalidArgumentException',
        `Failed to remove tags from stream ${stream} under account ${ACCOUNT} because some tags contained illegal characters. The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@',':'.`,
      );
    });

    it('ListShards NextToken rules', async () => {
      await expectError(
        'ListShards',
        {},
        'InvalidArgumentException',
        'Either NextToken or StreamName should be provided.',
      );
      const first = await rawRequest(server.endpoint, 'ListShards', { StreamName: stream, MaxResults: 1 });
      const token = first.json?.NextToken as string;
      assert.ok(token);
      await expectError(
        'ListShards',
        { StreamName: stream, NextToken: token },
        'InvalidArgumentException',
        'NextToken and StreamName cannot be provided together.',
      );
      await expectError(
        'ListShards',
        { NextToken: token, ExclusiveStartShardId: 'shardId-000000000000' },
        'InvalidArgumentException',
        'NextToken and ExclusiveStartShardId cannot be provided together.',
      );
      await expectError(
        'ListShards',
        { NextToken: 'garbage' },
        'InvalidArgumentException',
        'Invalid NextToken.',
      );
      const expired = Buffer.from(
        JSON.stringify({ after: 'shardId-000000000000', arn: arnOf(stream), uid: 'x', t: 1 }),
      ).toString('base64url');
      await expectError(
        'ListShards',
        { NextToken: expired },
        'ExpiredNextTokenException',
        'The NextToken has expired.',
      );
      await expectError(
        'ListShards',
        { StreamName: stream, ShardFilter: { Type: 'AFTER_SHARD_ID' } },
        'InvalidArgumentException',
        'Must specify ShardId in ShardFilter when ShardFilter Type is AFTER_SHARD_ID.',
      );
    });

    it('ListStreams NextToken rules', async () => {
      await expectError(
        'ListStreams',
        { NextToken: 'x', ExclusiveStartStreamName: 'a' },
        'InvalidArgumentException',
        'NextToken and ExclusiveStartStreamName cannot be provided together.',
      );
    });

    it('resource policies must be JSON; consumer ARNs are not found yet', async () => {
      await expectError(
        'PutResourcePolicy',
        { ResourceARN: arnOf(stream), Policy: 'not json' },
        'InvalidArgumentException',
        'Policy is not a valid JSON document.',
      );
      const consumerArn = `${arnOf(stream)}/consumer/c1:1700000000`;
      await expectError(
        'GetResourcePolicy',
        { ResourceARN: consumerArn },
        'ResourceNotFoundException',
        `Consumer ${consumerArn} under account ${ACCOUNT} not found.`,
      );
      await expectError(
        'ListTagsForResource',
        { ResourceARN: consumerArn },
        'ResourceNotFoundException',
        `Consumer ${consumerArn} under account ${ACCOUNT} not found.`,
      );
    });

    it('capacity-mode rules', async () => {
      await expectError(
        'UpdateStreamRecordDistributionStrategy',
        { StreamARN: arnOf(stream), RecordDistributionStrategy: 'AUTO' },
        'InvalidArgumentException',
        `Record distribution strategy AUTO is only supported for streams in ON_DEMAND mode. Stream ${stream} under account ${ACCOUNT} is in PROVISIONED mode.`,
      );
      await expectError(
        'UpdateStreamMode',
        { StreamARN: arnOf(stream), StreamModeDetails: { StreamMode: 'PROVISIONED' } },
        'InvalidArgumentException',
        `Stream ${stream} under account ${ACCOUNT} is already in PROVISIONED mode.`,
      );
      await expectError(
        'UpdateStreamWarmThroughput',
        { StreamName: stream, WarmThroughputMiBps: 10 },
        'InvalidArgumentException',
        'Warm throughput can only be configured for streams in ON_DEMAND mode.',
      );
      await expectError(
        'UpdateStreamWarmThroughput',
        { StreamName: onDemand, WarmThroughputMiBps: 10 },
        'InvalidArgumentException',
        `Account ${ACCOUNT} must have MinimumThroughputBillingCommitment ENABLED to configure warm throughput.`,
      );
      await expectError(
        'CreateStream',
        { StreamName: randomName(), ShardCount: 1, StreamModeDetails: { StreamMode: 'ON_DEMAND' } },
        'InvalidArgumentException',
        'ShardCount cannot be specified for streams in ON_DEMAND mode.',
      );
      await expectError(
        'StartStreamEncryption',
        { StreamName: stream, EncryptionType: 'NONE', KeyId: 'k' },
        'InvalidArgumentException',
        'Encryption type NONE is not supported for StartStreamEncryption. Use KMS.',
      );
    });
  });

  describe('SDK exception classes', () => {
    it('surface as the modelled exception types', async () => {
      await assert.rejects(
        client.send(new DescribeStreamSummaryCommand({ StreamName: randomName('gone') })),
        (err: unknown) =>
          err instanceof ResourceNotFoundException && err.name === 'ResourceNotFoundException',
      );
      await assert.rejects(
        client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 })),
        (err: unknown) => err instanceof ResourceInUseException,
      );
      await assert.rejects(
        client.send(
          new DecreaseStreamRetentionPeriodCommand({ StreamName: stream, RetentionPeriodHours: 9000 }),
        ),
        (err: unknown) =>
          err instanceof InvalidArgumentException &&
          err.message ===
            'Maximum allowed retention period is 8760 hours. Requested retention period (9000 hours) is too long.',
      );
      await assert.rejects(
        client.send(new ListShardsCommand({})),
        (err: unknown) => err instanceof InvalidArgumentException,
      );
      await assert.rejects(
        client.send(
          new IncreaseStreamRetentionPeriodCommand({ StreamName: stream, RetentionPeriodHours: 0 }),
        ),
        (err: unknown) => err instanceof InvalidArgumentException,
      );
      await assert.rejects(
        client.send(new CreateStreamCommand({ StreamName: 'bad name!', ShardCount: 1 })),
        (err: unknown) => err instanceof ValidationException && /streamName/.test((err as Error).message),
      );
    });
  });
});
