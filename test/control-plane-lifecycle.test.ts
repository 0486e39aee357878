// Stream states with a real delay (CREATING/UPDATING/DELETING), addressing rules, and metadata
// surviving a restart on the same data directory.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeAccountSettingsCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  EnableEnhancedMonitoringCommand,
  GetResourcePolicyCommand,
  IncreaseStreamRetentionPeriodCommand,
  ListTagsForStreamCommand,
  PutResourcePolicyCommand,
  StartStreamEncryptionCommand,
  UpdateAccountSettingsCommand,
  UpdateMaxRecordSizeCommand,
} from '@aws-sdk/client-kinesis';
import {
  ACCOUNT,
  kinesis,
  needsInProcess,
  REGION,
  randomName,
  rawRequest,
  startTestServer,
  startTestServerAt,
  type TestServer,
  waitFor,
} from './helpers.js';

const arnOf = (name: string): string => `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`;
const DELAY_MS = 300;

describe('stream states with a state delay', {
  skip: needsInProcess('flags', '--state-delay-ms 300'),
}, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ stateDelayMs: DELAY_MS });
  });
  after(async () => {
    await server.close();
  });

  const status = async (name: string): Promise<string | undefined> => {
    const res = await rawRequest(server.endpoint, 'DescribeStreamSummary', { StreamName: name });
    return (res.json?.StreamDescriptionSummary as { StreamStatus?: string } | undefined)?.StreamStatus;
  };

  it('CREATING hides shards and refuses mutations, then ACTIVE', async () => {
    const name = randomName('st');
    await rawRequest(server.endpoint, 'CreateStream', { StreamName: name, ShardCount: 2 });
    const d = await rawRequest(server.endpoint, 'DescribeStream', { StreamName: name });
    const desc = d.json?.StreamDescription as { StreamStatus: string; Shards: unknown[] };
    assert.equal(desc.StreamStatus, 'CREATING');
    assert.deepEqual(desc.Shards, []);
    const refused = await rawRequest(server.endpoint, 'AddTagsToStream', {
      StreamName: name,
      Tags: { a: 'b' },
    });
    assert.deepEqual(refused.json, {
      __type: 'ResourceInUseException',
      message: `Stream ${name} under account ${ACCOUNT} not ACTIVE, instead in state CREATING`,
    });
    await waitFor(async () => ((await status(name)) === 'ACTIVE' ? true : undefined), 5000);
  });

  it('StartStreamEncryption goes UPDATING, then ACTIVE; DeleteStream goes DELETING, then gone', async () => {
    const name = randomName('st');
    await rawRequest(server.endpoint, 'CreateStream', { StreamName: name, ShardCount: 1 });
    await waitFor(async () => ((await status(name)) === 'ACTIVE' ? true : undefined), 5000);
    const started = await rawRequest(server.endpoint, 'StartStreamEncryption', {
      StreamName: name,
      EncryptionType: 'KMS',
      KeyId: 'alias/aws/kinesis',
    });
    assert.equal(started.status, 200);
    assert.equal(await status(name), 'UPDATING');
    const again = await rawRequest(server.endpoint, 'IncreaseStreamRetentionPeriod', {
      StreamName: name,
      RetentionPeriodHours: 48,
    });
    assert.deepEqual(again.json, {
      __type: 'ResourceInUseException',
      message: `Stream ${name} under account ${ACCOUNT} not ACTIVE, instead in state UPDATING`,
    });
    await waitFor(async () => ((await status(name)) === 'ACTIVE' ? true : undefined), 5000);
    await rawRequest(server.endpoint, 'DeleteStream', { StreamName: name });
    assert.equal(await status(name), 'DELETING');
    await waitFor(async () => ((await status(name)) === undefined ? true : undefined), 5000);
  });

  it('UpdateStreamWarmThroughput shows target before current while UPDATING', async () => {
    await rawRequest(server.endpoint, 'UpdateAccountSettings', {
      MinimumThroughputBillingCommitment: { Status: 'ENABLED' },
    });
    const name = randomName('warm');
    await rawRequest(server.endpoint, 'CreateStream', {
      StreamName: name,
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      WarmThroughputMiBps: 50,
    });
    await waitFor(async () => ((await status(name)) === 'ACTIVE' ? true : undefined), 5000);
    const out = await rawRequest(server.endpoint, 'UpdateStreamWarmThroughput', {
      StreamARN: arnOf(name),
      WarmThroughputMiBps: 200,
    });
    assert.deepEqual(out.json?.WarmThroughput, { TargetMiBps: 200, CurrentMiBps: 50 });
    await waitFor(async () => ((await status(name)) === 'ACTIVE' ? true : undefined), 5000);
    const s = await rawRequest(server.endpoint, 'DescribeStreamSummary', { StreamName: name });
    assert.deepEqual(
      (s.json?.StreamDescriptionSummary as Record<string, unknown> | undefined)?.WarmThroughput,
      {
        TargetMiBps: 200,
        CurrentMiBps: 200,
      },
    );
  });
});

describe('stream addressing', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  it('neither StreamName nor StreamARN is an error', async () => {
    const res = await rawRequest(server.endpoint, 'DescribeStreamSummary', {});
    assert.equal(res.status, 400);
    assert.equal(res.json?.__type, 'ValidationException');
    assert.equal(res.json?.message, 'Either StreamName or StreamARN must be provided.');
  });

  it('a stream ARN of another account does not find a local stream', async () => {
    const name = randomName('acct');
    await rawRequest(server.endpoint, 'CreateStream', { StreamName: name, ShardCount: 1 });
    const res = await rawRequest(server.endpoint, 'DescribeStreamSummary', {
      StreamARN: `arn:aws:kinesis:${REGION}:123456789012:stream/${name}`,
    });
    assert.deepEqual(res.json, {
      __type: 'ResourceNotFoundException',
      message: `Stream ${name} under account 123456789012 not found.`,
    });
  });
});

describe('persistence across a restart', {
  skip: needsInProcess('process', 'a restart on the same data dir'),
}, () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'shardline-cp-restart-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('tags, retention, policy, encryption, monitoring, record size and account settings survive', async () => {
    const name = randomName('keep');
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'kinesis:*' }],
    });
    const first = await startTestServerAt(dataDir);
    let client = kinesis(first.endpoint);
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2, Tags: { a: '1' } }));
    await client.send(new AddTagsToStreamCommand({ StreamName: name, Tags: { b: '2' } }));
    await client.send(
      new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 100 }),
    );
    await client.send(new PutResourcePolicyCommand({ ResourceARN: arnOf(name), Policy: policy }));
    await client.send(
      new StartStreamEncryptionCommand({ StreamName: name, EncryptionType: 'KMS', KeyId: 'my-key' }),
    );
    await client.send(
      new EnableEnhancedMonitoringCommand({ StreamName: name, ShardLevelMetrics: ['IncomingBytes'] }),
    );
    await client.send(new UpdateMaxRecordSizeCommand({ StreamARN: arnOf(name), MaxRecordSizeInKiB: 4096 }));
    await client.send(
      new UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: { Status: 'ENABLED' } }),
    );
    const gone = randomName('gone');
    await client.send(new CreateStreamCommand({ StreamName: gone, ShardCount: 1 }));
    await client.send(new DeleteStreamCommand({ StreamName: gone }));
    client.destroy();
    await first.close();

    const second = await startTestServerAt(dataDir);
    client = kinesis(second.endpoint);
    try {
      const s = (await client.send(new DescribeStreamSummaryCommand({ StreamName: name })))
        .StreamDescriptionSummary;
      assert.equal(s?.StreamStatus, 'ACTIVE');
      assert.equal(s?.RetentionPeriodHours, 100);
      assert.equal(s?.EncryptionType, 'KMS');
      assert.equal(s?.KeyId, 'my-key');
      assert.equal(s?.MaxRecordSizeInKiB, 4096);
      assert.equal(s?.OpenShardCount, 2);
      assert.deepEqual(s?.EnhancedMonitoring, [{ ShardLevelMetrics: ['IncomingBytes'] }]);
      const tags = await client.send(new ListTagsForStreamCommand({ StreamName: name }));
      assert.deepEqual(tags.Tags, [
        { Key: 'a', Value: '1' },
        { Key: 'b', Value: '2' },
      ]);
      assert.equal(
        (await client.send(new GetResourcePolicyCommand({ ResourceARN: arnOf(name) }))).Policy,
        policy,
      );
      const settings = await client.send(new DescribeAccountSettingsCommand({}));
      assert.equal(settings.MinimumThroughputBillingCommitment?.Status, 'ENABLED');
      const d = await client.send(new DescribeStreamCommand({ StreamName: name }));
      assert.equal(d.StreamDescription?.Shards?.length, 2);
      await assert.rejects(client.send(new DescribeStreamSummaryCommand({ StreamName: gone })), {
        name: 'ResourceNotFoundException',
      });
    } finally {
      client.destroy();
      await second.close();
    }
  });
});
