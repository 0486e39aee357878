// Enhanced fan-out consumers through the official SDK v3: lifecycle, paging, limits, tags and
// policies on consumer ARNs, DeleteStream with EnforceConsumerDeletion, and exact errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  DeleteResourcePolicyCommand,
  DeleteStreamCommand,
  DeregisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  GetResourcePolicyCommand,
  type KinesisClient,
  ListStreamConsumersCommand,
  ListTagsForResourceCommand,
  PutResourcePolicyCommand,
  RegisterStreamConsumerCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-kinesis';
import {
  ACCOUNT,
  kinesis,
  needsInProcess,
  REGION,
  randomName,
  startTestServer,
  type TestServer,
  waitFor,
} from './helpers.js';

const arnOf = (name: string): string => `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`;
const CONSUMER_ARN_RE = /^arn:aws:kinesis:us-east-1:\d{12}:stream\/[\w.-]+\/consumer\/[\w.-]+:\d+$/;

async function rejects(p: Promise<unknown>, name: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

describe('stream consumers', () => {
  let server: TestServer;
  let client: KinesisClient;
  let slow: TestServer;
  let slowClient: KinesisClient;

  before(async () => {
    server = await startTestServer();
    client = kinesis(server.endpoint);
    slow = await startTestServer({ stateDelayMs: 300 });
    slowClient = kinesis(slow.endpoint);
  });
  after(async () => {
    client.destroy();
    slowClient.destroy();
    await server.close();
    await slow.close();
  });

  async function stream(c = client, shards = 1): Promise<string> {
    const name = randomName('cons');
    await c.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    await waitFor(async () => {
      const s = await c.send(new DescribeStreamSummaryCommand({ StreamName: name }));
      return s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE' ? true : undefined;
    });
    return name;
  }

  it('register → CREATING, then ACTIVE after the state delay; describe by ARN and by name', {
    skip: needsInProcess('flags', '--state-delay-ms 300'),
  }, async () => {
    const name = await stream(slowClient);
    const before = Math.floor(Date.now() / 1000);
    const reg = await slowClient.send(
      new RegisterStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: 'c1' }),
    );
    const c = reg.Consumer!;
    assert.equal(c.ConsumerName, 'c1');
    assert.equal(c.ConsumerStatus, 'CREATING');
    assert.match(c.ConsumerARN!, CONSUMER_ARN_RE);
    const suffix = Number(c.ConsumerARN!.split(':').at(-1));
    assert.ok(suffix >= before && suffix <= before + 2, 'ARN ends with the creation epoch seconds');
    assert.equal(Math.floor(c.ConsumerCreationTimestamp!.getTime() / 1000), suffix);
    assert.equal(c.ConsumerARN, `${arnOf(name)}/consumer/c1:${suffix}`);

    const creating = await slowClient.send(new DescribeStreamConsumerCommand({ ConsumerARN: c.ConsumerARN }));
    assert.equal(creating.ConsumerDescription?.ConsumerStatus, 'CREATING');
    await new Promise((r) => setTimeout(r, 350));
    const byName = await slowClient.send(
      new DescribeStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: 'c1' }),
    );
    assert.deepEqual(byName.ConsumerDescription, {
      ConsumerName: 'c1',
      ConsumerARN: c.ConsumerARN,
      ConsumerStatus: 'ACTIVE',
      ConsumerCreationTimestamp: c.ConsumerCreationTimestamp,
      StreamARN: arnOf(name),
    });
    const summary = await slowClient.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    assert.equal(summary.StreamDescriptionSummary?.ConsumerCount, 1);
  });

  it('deregister → DELETING → gone; a re-registered consumer gets a different ARN', {
    skip: needsInProcess('flags', '--state-delay-ms 300'),
  }, async () => {
    const name = await stream(slowClient);
    const first = (
      await slowClient.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: 'c' }))
    ).Consumer!;
    // Not ACTIVE yet: deregistering is refused with AWS's wording.
    await rejects(
      slowClient.send(new DeregisterStreamConsumerCommand({ ConsumerARN: first.ConsumerARN })),
      'ResourceInUseException',
      `Consumer c with creation timestamp ${first.ConsumerARN!.split(':').at(-1)} under stream ${name} and account ${ACCOUNT} is not in ACTIVE status.`,
    );
    await new Promise((r) => setTimeout(r, 350));
    await slowClient.send(new DeregisterStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: 'c' }));
    const deleting = await slowClient.send(
      new DescribeStreamConsumerCommand({ ConsumerARN: first.ConsumerARN }),
    );
    assert.equal(deleting.ConsumerDescription?.ConsumerStatus, 'DELETING');
    await rejects(
      slowClient.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: 'c' })),
      'ResourceInUseException',
    );
    await new Promise((r) => setTimeout(r, 350));
    await rejects(
      slowClient.send(new DescribeStreamConsumerCommand({ ConsumerARN: first.ConsumerARN })),
      'ResourceNotFoundException',
      `Consumer ${first.ConsumerARN} under account ${ACCOUNT} not found.`,
    );
    await new Promise((r) => setTimeout(r, 1000)); // next second: a new creation timestamp
    const second = (
      await slowClient.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: 'c' }))
    ).Consumer!;
    assert.notEqual(second.ConsumerARN, first.ConsumerARN);
    await rejects(
      slowClient.send(new DescribeStreamConsumerCommand({ ConsumerARN: first.ConsumerARN })),
      'ResourceNotFoundException',
    );
  });

  it('duplicate names, missing streams and addressing errors', async () => {
    const name = await stream();
    const c = (
      await client.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: 'dup' }))
    ).Consumer!;
    await rejects(
      client.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: 'dup' })),
      'ResourceInUseException',
      `Consumer dup under stream ${name} and account ${ACCOUNT} already exists.`,
    );
    await rejects(
      client.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf('nope-x'), ConsumerName: 'a' })),
      'ResourceNotFoundException',
      `Stream nope-x under account ${ACCOUNT} not found.`,
    );
    await rejects(
      client.send(new DescribeStreamConsumerCommand({ StreamARN: arnOf(name) })),
      'InvalidArgumentException',
      'ConsumerARN or both ConsumerName and StreamARN are required for this request.',
    );
    await rejects(
      client.send(new DescribeStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: 'ghost' })),
      'ResourceNotFoundException',
      `Consumer ghost under stream ${name} and account ${ACCOUNT} not found.`,
    );
    const ghostArn = `${arnOf(name)}/consumer/dup:1`;
    await rejects(
      client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: ghostArn })),
      'ResourceNotFoundException',
      `Consumer ${ghostArn} under account ${ACCOUNT} not found.`,
    );
    // A ConsumerName that disagrees with the ARN.
    await rejects(
      client.send(new DescribeStreamConsumerCommand({ ConsumerARN: c.ConsumerARN, ConsumerName: 'other' })),
      'InvalidArgumentException',
    );
    // Schema errors come from the validator with Coral's wording.
    await rejects(
      client.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: 'bad name' })),
      'ValidationException',
      /Member must satisfy regular expression pattern/,
    );
  });

  it('20 consumers per stream, then LimitExceededException', async () => {
    const name = await stream();
    for (let i = 0; i < 20; i++)
      await client.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: `c${i}` }));
    await rejects(
      client.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: 'c20' })),
      'LimitExceededException',
      `Consumer limit of 20 exceeded for stream ${name} under account ${ACCOUNT}.`,
    );
  });

  it('at most 5 consumers CREATING at once', {
    skip: needsInProcess('flags', '--state-delay-ms 300'),
  }, async () => {
    const name = await stream(slowClient);
    for (let i = 0; i < 5; i++)
      await slowClient.send(
        new RegisterStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: `k${i}` }),
      );
    await rejects(
      slowClient.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: 'k5' })),
      'LimitExceededException',
    );
    await new Promise((r) => setTimeout(r, 350));
    await slowClient.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: 'k5' }));
  });

  it('ListStreamConsumers pages in name order; tokens belong to their stream; StreamCreationTimestamp', async () => {
    const name = await stream();
    const other = await stream();
    for (const n of ['d', 'a', 'c', 'b', 'e'])
      await client.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: n }));
    const empty = await client.send(new ListStreamConsumersCommand({ StreamARN: arnOf(other) }));
    assert.deepEqual(empty.Consumers, []);
    assert.equal(empty.NextToken, undefined);

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(
        new ListStreamConsumersCommand({ StreamARN: arnOf(name), MaxResults: 2, NextToken: token }),
      );
      pages++;
      for (const c of page.Consumers ?? []) {
        seen.push(c.ConsumerName!);
        assert.equal(c.ConsumerStatus, 'ACTIVE');
        assert.match(c.ConsumerARN!, CONSUMER_ARN_RE);
      }
      token = page.NextToken;
    } while (token);
    assert.deepEqual(seen, ['a', 'b', 'c', 'd', 'e']);
    assert.equal(pages, 3);

    const first = await client.send(
      new ListStreamConsumersCommand({ StreamARN: arnOf(name), MaxResults: 1 }),
    );
    await rejects(
      client.send(new ListStreamConsumersCommand({ StreamARN: arnOf(other), NextToken: first.NextToken })),
      'InvalidArgumentException',
      'Invalid NextToken.',
    );
    const expired = Buffer.from(JSON.stringify({ after: 'a', uid: 'x', t: Date.now() - 301_000 })).toString(
      'base64url',
    );
    await rejects(
      client.send(new ListStreamConsumersCommand({ StreamARN: arnOf(name), NextToken: expired })),
      'ExpiredNextTokenException',
      'The NextToken has expired.',
    );
    await rejects(
      client.send(
        new ListStreamConsumersCommand({
          StreamARN: arnOf(name),
          StreamCreationTimestamp: new Date(1_000_000),
        }),
      ),
      'ResourceNotFoundException',
      `Stream ${name} under account ${ACCOUNT} not found.`,
    );
  });

  it('tags and resource policies on consumer ARNs', async () => {
    const name = await stream();
    const arn = (
      await client.send(
        new RegisterStreamConsumerCommand({
          StreamARN: arnOf(name),
          ConsumerName: 't',
          Tags: { team: 'blue' },
        }),
      )
    ).Consumer!.ConsumerARN!;
    assert.deepEqual((await client.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags, [
      { Key: 'team', Value: 'blue' },
    ]);
    await client.send(new TagResourceCommand({ ResourceARN: arn, Tags: { env: 'dev', team: 'red' } }));
    await client.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['env'] }));
    assert.deepEqual((await client.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags, [
      { Key: 'team', Value: 'red' },
    ]);
    // The stream's own tags are untouched.
    assert.deepEqual(
      (await client.send(new ListTagsForResourceCommand({ ResourceARN: arnOf(name) }))).Tags,
      [],
    );

    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: 'kinesis:SubscribeToShard',
          Resource: arn,
        },
      ],
    });
    assert.equal((await client.send(new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy, '{}');
    await client.send(new PutResourcePolicyCommand({ ResourceARN: arn, Policy: policy }));
    assert.equal((await client.send(new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy, policy);
    assert.equal(
      (await client.send(new GetResourcePolicyCommand({ ResourceARN: arnOf(name) }))).Policy,
      '{}',
    );
    await client.send(new DeleteResourcePolicyCommand({ ResourceARN: arn }));
    assert.equal((await client.send(new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy, '{}');

    const missing = `${arnOf(name)}/consumer/none:123`;
    await rejects(
      client.send(new ListTagsForResourceCommand({ ResourceARN: missing })),
      'ResourceNotFoundException',
      `Consumer ${missing} under account ${ACCOUNT} not found.`,
    );
  });

  it('DeleteStream refuses while consumers exist unless EnforceConsumerDeletion', async () => {
    const name = await stream();
    const arn = (
      await client.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: 'x' }))
    ).Consumer!.ConsumerARN!;
    await rejects(
      client.send(new DeleteStreamCommand({ StreamName: name })),
      'ResourceInUseException',
      `DeleteStream can't delete ${arnOf(name)} because there are consumers associated with this data stream. ` +
        `To delete ${name} anyway, set the EnforceConsumerDeletion parameter to true to force the deletion of all ` +
        'the consumers that are associated with it.',
    );
    await client.send(new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true }));
    await rejects(
      client.send(new DescribeStreamConsumerCommand({ ConsumerARN: arn })),
      'ResourceNotFoundException',
    );
    // A stream of the same name starts with no consumers.
    await waitFor(async () => {
      try {
        await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
        return true;
      } catch {
        return undefined;
      }
    });
    const list = await client.send(new ListStreamConsumersCommand({ StreamARN: arnOf(name) }));
    assert.deepEqual(list.Consumers, []);
  });
});
