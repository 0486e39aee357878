// Every control-plane operation through the official SDK v3 (default handler: HTTP/2).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteResourcePolicyCommand,
  DeleteStreamCommand,
  DescribeAccountSettingsCommand,
  DescribeLimitsCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  DisableEnhancedMonitoringCommand,
  EnableEnhancedMonitoringCommand,
  GetResourcePolicyCommand,
  IncreaseStreamRetentionPeriodCommand,
  type KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  ListTagsForResourceCommand,
  ListTagsForStreamCommand,
  PutResourcePolicyCommand,
  RemoveTagsFromStreamCommand,
  StartStreamEncryptionCommand,
  StopStreamEncryptionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAccountSettingsCommand,
  UpdateMaxRecordSizeCommand,
  UpdateStreamModeCommand,
  UpdateStreamRecordDistributionStrategyCommand,
  UpdateStreamWarmThroughputCommand,
} from '@aws-sdk/client-kinesis';
import { ACCOUNT, kinesis, REGION, randomName, startTestServer, type TestServer } from './helpers.js';

const arnOf = (name: string): string => `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`;

describe('control plane via SDK v3', () => {
  let server: TestServer;
  let client: KinesisClient;

  before(async () => {
    server = await startTestServer();
    client = kinesis(server.endpoint);
  });
  after(async () => {
    client.destroy();
    await server.close();
  });

  async function provisioned(shards = 2): Promise<string> {
    const name = randomName('cp');
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    return name;
  }

  it('CreateStream PROVISIONED → DescribeStream with even shards', async () => {
    const name = await provisioned(3);
    const d = (await client.send(new DescribeStreamCommand({ StreamName: name }))).StreamDescription;
    assert.ok(d);
    assert.equal(d.StreamStatus, 'ACTIVE');
    assert.equal(d.StreamARN, arnOf(name));
    assert.deepEqual(d.StreamModeDetails, { StreamMode: 'PROVISIONED' });
    assert.equal(d.Shards?.length, 3);
    assert.equal(d.Shards?.[0]?.ShardId, 'shardId-000000000000');
    assert.equal(d.Shards?.[2]?.HashKeyRange?.EndingHashKey, '340282366920938463463374607431768211455');
    assert.equal(d.HasMoreShards, false);
    assert.equal(d.RetentionPeriodHours, 24);
    assert.equal(d.EncryptionType, 'NONE');
    assert.deepEqual(d.EnhancedMonitoring, [{ ShardLevelMetrics: [] }]);
    assert.ok(d.StreamCreationTimestamp instanceof Date);
  });

  it('CreateStream ON_DEMAND with tags, record size and AUTO distribution', async () => {
    const name = randomName('od');
    await client.send(
      new CreateStreamCommand({
        StreamName: name,
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        Tags: { team: 'data', env: 'test' },
        MaxRecordSizeInKiB: 2048,
        RecordDistributionStrategy: 'AUTO',
      }),
    );
    const s = (await client.send(new DescribeStreamSummaryCommand({ StreamARN: arnOf(name) })))
      .StreamDescriptionSummary;
    assert.ok(s);
    assert.equal(s.StreamName, name);
    assert.deepEqual(s.StreamModeDetails, { StreamMode: 'ON_DEMAND' });
    assert.equal(s.OpenShardCount, 4);
    assert.equal(s.ConsumerCount, 0);
    assert.equal(s.MaxRecordSizeInKiB, 2048);
    assert.equal(s.RecordDistributionStrategy, 'AUTO');
    assert.equal(s.WarmThroughput, undefined);
    const tags = await client.send(new ListTagsForStreamCommand({ StreamName: name }));
    assert.deepEqual(tags.Tags, [
      { Key: 'env', Value: 'test' },
      { Key: 'team', Value: 'data' },
    ]);
  });

  it('DescribeStream pages shards with Limit and ExclusiveStartShardId', async () => {
    const name = await provisioned(5);
    const first = (await client.send(new DescribeStreamCommand({ StreamName: name, Limit: 2 })))
      .StreamDescription;
    assert.deepEqual(
      first?.Shards?.map((s) => s.ShardId),
      ['shardId-000000000000', 'shardId-000000000001'],
    );
    assert.equal(first?.HasMoreShards, true);
    const rest = (
      await client.send(
        new DescribeStreamCommand({
          StreamName: name,
          ExclusiveStartShardId: 'shardId-000000000001',
          Limit: 10,
        }),
      )
    ).StreamDescription;
    assert.deepEqual(
      rest?.Shards?.map((s) => s.ShardId),
      ['shardId-000000000002', 'shardId-000000000003', 'shardId-000000000004'],
    );
    assert.equal(rest?.HasMoreShards, false);
  });

  it('ListStreams pages with Limit, NextToken and ExclusiveStartStreamName', async () => {
    const names = [await provisioned(1), await provisioned(1), await provisioned(1)].sort();
    const all: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 100; i++) {
      const page = await client.send(
        new ListStreamsCommand(token ? { NextToken: token, Limit: 2 } : { Limit: 2 }),
      );
      assert.ok((page.StreamNames?.length ?? 0) <= 2);
      assert.equal(page.StreamSummaries?.length, page.StreamNames?.length);
      all.push(...(page.StreamNames ?? []));
      token = page.NextToken;
      assert.equal(page.HasMoreStreams, token !== undefined);
      if (!token) break;
    }
    for (const n of names) assert.ok(all.includes(n));
    assert.deepEqual(all, [...all].sort());
    const after = await client.send(new ListStreamsCommand({ ExclusiveStartStreamName: names[0] }));
    assert.ok(!after.StreamNames?.includes(names[0] as string));
    assert.ok(after.StreamNames?.includes(names[1] as string));
    const summary = after.StreamSummaries?.find((s) => s.StreamName === names[1]);
    assert.equal(summary?.StreamARN, arnOf(names[1] as string));
    assert.equal(summary?.StreamStatus, 'ACTIVE');
  });

  it('ListShards pages with MaxResults and NextToken, and filters', async () => {
    const name = await provisioned(5);
    const first = await client.send(new ListShardsCommand({ StreamName: name, MaxResults: 2 }));
    assert.equal(first.Shards?.length, 2);
    assert.ok(first.NextToken);
    const second = await client.send(new ListShardsCommand({ NextToken: first.NextToken, MaxResults: 2 }));
    assert.deepEqual(
      second.Shards?.map((s) => s.ShardId),
      ['shardId-000000000002', 'shardId-000000000003'],
    );
    const third = await client.send(new ListShardsCommand({ NextToken: second.NextToken }));
    assert.deepEqual(
      third.Shards?.map((s) => s.ShardId),
      ['shardId-000000000004'],
    );
    assert.equal(third.NextToken, undefined);
    const byArn = await client.send(
      new ListShardsCommand({ StreamARN: arnOf(name), ExclusiveStartShardId: 'shardId-000000000003' }),
    );
    assert.deepEqual(
      byArn.Shards?.map((s) => s.ShardId),
      ['shardId-000000000004'],
    );
    const filtered = await client.send(
      new ListShardsCommand({
        StreamName: name,
        ShardFilter: { Type: 'AFTER_SHARD_ID', ShardId: 'shardId-000000000002' },
      }),
    );
    assert.equal(filtered.Shards?.length, 2);
    const latest = await client.send(
      new ListShardsCommand({ StreamName: name, ShardFilter: { Type: 'AT_LATEST' } }),
    );
    assert.equal(latest.Shards?.length, 5);
  });

  it('Increase/DecreaseStreamRetentionPeriod change RetentionPeriodHours', async () => {
    const name = await provisioned(1);
    await client.send(
      new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 168 }),
    );
    let d = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    assert.equal(d.StreamDescriptionSummary?.RetentionPeriodHours, 168);
    await client.send(
      new DecreaseStreamRetentionPeriodCommand({ StreamARN: arnOf(name), RetentionPeriodHours: 48 }),
    );
    d = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    assert.equal(d.StreamDescriptionSummary?.RetentionPeriodHours, 48);
  });

  it('AddTagsToStream / RemoveTagsFromStream / ListTagsForStream paging', async () => {
    const name = await provisioned(1);
    await client.send(new AddTagsToStreamCommand({ StreamName: name, Tags: { a: '1', b: '2', c: '3' } }));
    await client.send(new AddTagsToStreamCommand({ StreamName: name, Tags: { b: 'two' } }));
    const page = await client.send(new ListTagsForStreamCommand({ StreamName: name, Limit: 2 }));
    assert.deepEqual(page.Tags, [
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: 'two' },
    ]);
    assert.equal(page.HasMoreTags, true);
    const next = await client.send(
      new ListTagsForStreamCommand({ StreamName: name, ExclusiveStartTagKey: 'b' }),
    );
    assert.deepEqual(next.Tags, [{ Key: 'c', Value: '3' }]);
    assert.equal(next.HasMoreTags, false);
    await client.send(new RemoveTagsFromStreamCommand({ StreamName: name, TagKeys: ['a', 'missing'] }));
    const left = await client.send(new ListTagsForStreamCommand({ StreamName: name }));
    assert.deepEqual(
      left.Tags?.map((t) => t.Key),
      ['b', 'c'],
    );
  });

  it('TagResource / UntagResource / ListTagsForResource on a stream ARN', async () => {
    const name = await provisioned(1);
    const arn = arnOf(name);
    await client.send(new TagResourceCommand({ ResourceARN: arn, Tags: { owner: 'me', tier: 'gold' } }));
    let tags = await client.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
    assert.deepEqual(tags.Tags, [
      { Key: 'owner', Value: 'me' },
      { Key: 'tier', Value: 'gold' },
    ]);
    await client.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['owner'] }));
    tags = await client.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
    assert.deepEqual(tags.Tags, [{ Key: 'tier', Value: 'gold' }]);
    const legacy = await client.send(new ListTagsForStreamCommand({ StreamName: name }));
    assert.deepEqual(legacy.Tags, [{ Key: 'tier', Value: 'gold' }]);
  });

  it('Put/Get/DeleteResourcePolicy round-trip; no policy reads as "{}"', async () => {
    const name = await provisioned(1);
    const arn = arnOf(name);
    assert.equal((await client.send(new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy, '{}');
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'w',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111111111111:root' },
          Action: 'kinesis:PutRecord',
          Resource: arn,
        },
      ],
    });
    await client.send(new PutResourcePolicyCommand({ ResourceARN: arn, Policy: policy }));
    assert.equal((await client.send(new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy, policy);
    await client.send(new DeleteResourcePolicyCommand({ ResourceARN: arn }));
    assert.equal((await client.send(new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy, '{}');
  });

  it('a re-created stream does not inherit the old policy', async () => {
    const name = await provisioned(1);
    const arn = arnOf(name);
    await client.send(
      new PutResourcePolicyCommand({ ResourceARN: arn, Policy: '{"Version":"2012-10-17","Statement":[]}' }),
    );
    await client.send(new DeleteStreamCommand({ StreamName: name }));
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    assert.equal((await client.send(new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy, '{}');
  });

  it('Start/StopStreamEncryption set and clear EncryptionType and KeyId', async () => {
    const name = await provisioned(1);
    await client.send(
      new StartStreamEncryptionCommand({
        StreamName: name,
        EncryptionType: 'KMS',
        KeyId: 'alias/aws/kinesis',
      }),
    );
    let d = (await client.send(new DescribeStreamCommand({ StreamName: name }))).StreamDescription;
    assert.equal(d?.StreamStatus, 'ACTIVE');
    assert.equal(d?.EncryptionType, 'KMS');
    assert.equal(d?.KeyId, 'alias/aws/kinesis');
    await client.send(
      new StopStreamEncryptionCommand({
        StreamARN: arnOf(name),
        EncryptionType: 'KMS',
        KeyId: 'alias/aws/kinesis',
      }),
    );
    d = (await client.send(new DescribeStreamCommand({ StreamName: name }))).StreamDescription;
    assert.equal(d?.EncryptionType, 'NONE');
    assert.equal(d?.KeyId, undefined);
  });

  it('Enable/DisableEnhancedMonitoring report current and desired metrics; ALL expands to seven', async () => {
    const name = await provisioned(1);
    const on = await client.send(
      new EnableEnhancedMonitoringCommand({ StreamName: name, ShardLevelMetrics: ['IncomingBytes'] }),
    );
    assert.equal(on.StreamName, name);
    assert.equal(on.StreamARN, arnOf(name));
    assert.deepEqual(on.CurrentShardLevelMetrics, []);
    assert.deepEqual(on.DesiredShardLevelMetrics, ['IncomingBytes']);
    const all = await client.send(
      new EnableEnhancedMonitoringCommand({ StreamName: name, ShardLevelMetrics: ['ALL'] }),
    );
    assert.deepEqual(all.CurrentShardLevelMetrics, ['IncomingBytes']);
    assert.equal(all.DesiredShardLevelMetrics?.length, 7);
    const off = await client.send(
      new DisableEnhancedMonitoringCommand({
        StreamName: name,
        ShardLevelMetrics: ['IncomingBytes', 'OutgoingBytes'],
      }),
    );
    assert.equal(off.CurrentShardLevelMetrics?.length, 7);
    assert.deepEqual(off.DesiredShardLevelMetrics, [
      'IncomingRecords',
      'OutgoingRecords',
      'WriteProvisionedThroughputExceeded',
      'ReadProvisionedThroughputExceeded',
      'IteratorAgeMilliseconds',
    ]);
    const d = (await client.send(new DescribeStreamSummaryCommand({ StreamName: name })))
      .StreamDescriptionSummary;
    assert.deepEqual(d?.EnhancedMonitoring, [{ ShardLevelMetrics: off.DesiredShardLevelMetrics }]);
    const none = await client.send(
      new DisableEnhancedMonitoringCommand({ StreamName: name, ShardLevelMetrics: ['ALL'] }),
    );
    assert.deepEqual(none.DesiredShardLevelMetrics, []);
  });

  it('DescribeLimits counts open shards and on-demand streams', async () => {
    const before = await client.send(new DescribeLimitsCommand({}));
    await provisioned(3);
    await client.send(
      new CreateStreamCommand({
        StreamName: randomName('od'),
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      }),
    );
    const after = await client.send(new DescribeLimitsCommand({}));
    assert.equal(after.ShardLimit, 20_000);
    assert.equal(after.OpenShardCount, (before.OpenShardCount ?? 0) + 3 + 4);
    assert.equal(after.OnDemandStreamCount, (before.OnDemandStreamCount ?? 0) + 1);
    assert.equal(after.OnDemandStreamCountLimit, 50);
  });

  it('UpdateMaxRecordSize changes MaxRecordSizeInKiB', async () => {
    const name = await provisioned(1);
    const before = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    assert.equal(before.StreamDescriptionSummary?.MaxRecordSizeInKiB, 1024);
    await client.send(new UpdateMaxRecordSizeCommand({ StreamARN: arnOf(name), MaxRecordSizeInKiB: 10240 }));
    const after = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    assert.equal(after.StreamDescriptionSummary?.MaxRecordSizeInKiB, 10240);
  });

  it('UpdateStreamMode switches PROVISIONED ⇄ ON_DEMAND', async () => {
    const name = await provisioned(2);
    await client.send(
      new UpdateStreamModeCommand({ StreamARN: arnOf(name), StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
    );
    let s = (await client.send(new DescribeStreamSummaryCommand({ StreamName: name })))
      .StreamDescriptionSummary;
    assert.deepEqual(s?.StreamModeDetails, { StreamMode: 'ON_DEMAND' });
    assert.equal(s?.OpenShardCount, 2);
    await client.send(
      new UpdateStreamModeCommand({
        StreamARN: arnOf(name),
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
      }),
    );
    s = (await client.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary;
    assert.deepEqual(s?.StreamModeDetails, { StreamMode: 'PROVISIONED' });
  });

  it('UpdateStreamRecordDistributionStrategy on an on-demand stream', async () => {
    const name = randomName('od');
    await client.send(
      new CreateStreamCommand({ StreamName: name, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
    );
    let s = (await client.send(new DescribeStreamSummaryCommand({ StreamName: name })))
      .StreamDescriptionSummary;
    assert.equal(s?.RecordDistributionStrategy, 'USER_PARTITION_KEY');
    await client.send(
      new UpdateStreamRecordDistributionStrategyCommand({
        StreamARN: arnOf(name),
        RecordDistributionStrategy: 'AUTO',
      }),
    );
    s = (await client.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary;
    assert.equal(s?.RecordDistributionStrategy, 'AUTO');
  });

  it('account settings gate warm throughput; UpdateStreamWarmThroughput reports it', async () => {
    const initial = await client.send(new DescribeAccountSettingsCommand({}));
    assert.equal(initial.MinimumThroughputBillingCommitment?.Status, 'DISABLED');
    const enabled = await client.send(
      new UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: { Status: 'ENABLED' } }),
    );
    assert.equal(enabled.MinimumThroughputBillingCommitment?.Status, 'ENABLED');
    assert.ok(enabled.MinimumThroughputBillingCommitment?.StartedAt instanceof Date);
    const described = await client.send(new DescribeAccountSettingsCommand({}));
    assert.equal(described.MinimumThroughputBillingCommitment?.Status, 'ENABLED');
    const name = randomName('warm');
    await client.send(
      new CreateStreamCommand({
        StreamName: name,
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        WarmThroughputMiBps: 100,
      }),
    );
    let s = (await client.send(new DescribeStreamSummaryCommand({ StreamName: name })))
      .StreamDescriptionSummary;
    assert.deepEqual(s?.WarmThroughput, { TargetMiBps: 100, CurrentMiBps: 100 });
    const out = await client.send(
      new UpdateStreamWarmThroughputCommand({ StreamName: name, WarmThroughputMiBps: 500 }),
    );
    assert.equal(out.StreamName, name);
    assert.equal(out.StreamARN, arnOf(name));
    assert.deepEqual(out.WarmThroughput, { TargetMiBps: 500, CurrentMiBps: 500 });
    s = (await client.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary;
    assert.deepEqual(s?.WarmThroughput, { TargetMiBps: 500, CurrentMiBps: 500 });
    const disabled = await client.send(
      new UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: { Status: 'DISABLED' } }),
    );
    assert.equal(disabled.MinimumThroughputBillingCommitment?.Status, 'DISABLED');
  });

  it('DeleteStream removes the stream (by ARN)', async () => {
    const name = await provisioned(1);
    await client.send(new DeleteStreamCommand({ StreamARN: arnOf(name), EnforceConsumerDeletion: true }));
    const list = await client.send(new ListStreamsCommand({}));
    assert.ok(!list.StreamNames?.includes(name));
  });
});
