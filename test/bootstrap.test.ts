// `--config`: streams (and consumers) created at start through the API, idempotently.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AddTagsToStreamCommand,
  DescribeStreamSummaryCommand,
  ListStreamConsumersCommand,
  ListTagsForStreamCommand,
} from '@aws-sdk/client-kinesis';
import { kinesis, needsInProcess, rawRequest, startTestServerAt } from './helpers.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shardline-bootstrap-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const YAML = `
# Streams every developer needs locally.
streams:
  - name: orders
    shards: 2
    retentionHours: 48
    tags:
      team: payments
  - name: clicks
    mode: on-demand
  - audit
`;

async function summary(endpoint: string, name: string) {
  const client = kinesis(endpoint);
  try {
    return (await client.send(new DescribeStreamSummaryCommand({ StreamName: name })))
      .StreamDescriptionSummary;
  } finally {
    client.destroy();
  }
}

async function consumersImplemented(endpoint: string): Promise<boolean> {
  const res = await rawRequest(endpoint, 'ListStreamConsumers', {
    StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/x',
  });
  return !/does not implement/.test(res.body);
}

describe('bootstrap file', {
  skip: needsInProcess('flags', '--config (servers of its own, started and restarted)'),
}, () => {
  it('creates the declared streams before serving, with shards, mode, retention and tags', async () => {
    const data = join(dir, 'yaml');
    const file = join(dir, 'streams.yaml');
    await writeFile(file, YAML);
    const s = await startTestServerAt(data, { bootstrapFile: file, stateDelayMs: 50 });
    try {
      assert.deepEqual(s.server?.bootstrap?.created, ['orders', 'clicks', 'audit']);
      const orders = await summary(s.endpoint, 'orders');
      assert.equal(orders?.StreamStatus, 'ACTIVE');
      assert.equal(orders?.OpenShardCount, 2);
      assert.equal(orders?.RetentionPeriodHours, 48);
      assert.equal(orders?.StreamModeDetails?.StreamMode, 'PROVISIONED');
      const clicks = await summary(s.endpoint, 'clicks');
      assert.equal(clicks?.StreamModeDetails?.StreamMode, 'ON_DEMAND');
      assert.equal((await summary(s.endpoint, 'audit'))?.StreamModeDetails?.StreamMode, 'ON_DEMAND');
      const client = kinesis(s.endpoint);
      try {
        const tags = await client.send(new ListTagsForStreamCommand({ StreamName: 'orders' }));
        assert.deepEqual(tags.Tags, [{ Key: 'team', Value: 'payments' }]);
        // A change made through the API must survive the next start.
        await client.send(new AddTagsToStreamCommand({ StreamName: 'orders', Tags: { owner: 'me' } }));
      } finally {
        client.destroy();
      }
    } finally {
      await s.close();
    }

    const again = await startTestServerAt(data, { bootstrapFile: file, stateDelayMs: 50 });
    try {
      assert.deepEqual(again.server?.bootstrap?.created, []);
      assert.deepEqual(again.server?.bootstrap?.kept, ['orders', 'clicks', 'audit']);
      const client = kinesis(again.endpoint);
      try {
        const tags = await client.send(new ListTagsForStreamCommand({ StreamName: 'orders' }));
        assert.deepEqual(tags.Tags?.map((t) => t.Key).sort(), ['owner', 'team']);
      } finally {
        client.destroy();
      }
    } finally {
      await again.close();
    }
  });

  it('reads JSON too, and registers consumers', async (t) => {
    const file = join(dir, 'streams.json');
    await writeFile(
      file,
      JSON.stringify({ streams: [{ name: 'events', shards: 1, consumers: ['analytics'] }] }),
    );
    const probe = await startTestServerAt(join(dir, 'probe'), {});
    const withConsumers = await consumersImplemented(probe.endpoint);
    await probe.close();
    if (!withConsumers) {
      await writeFile(file, JSON.stringify({ streams: [{ name: 'events', shards: 1 }] }));
    }
    const s = await startTestServerAt(join(dir, 'json'), { bootstrapFile: file });
    try {
      assert.equal((await summary(s.endpoint, 'events'))?.OpenShardCount, 1);
      if (!withConsumers) return t.skip('consumer operations not yet available');
      const arn = (await summary(s.endpoint, 'events'))?.StreamARN;
      const client = kinesis(s.endpoint);
      try {
        const out = await client.send(new ListStreamConsumersCommand({ StreamARN: arn }));
        assert.deepEqual(
          out.Consumers?.map((c) => c.ConsumerName),
          ['analytics'],
        );
      } finally {
        client.destroy();
      }
    } finally {
      await s.close();
    }
  });

  const bad: Record<string, [string, RegExp]> = {
    'an unknown stream key': ['streams:\n  - name: a\n    shard: 2\n', /streams\[0\]: unknown key "shard"/],
    'an unknown top-level key': ['stream:\n  - a\n', /unknown key "stream"/],
    'invalid YAML': ['streams: [a, b\n', /not valid YAML/],
    'a name AWS would reject': [
      'streams:\n  - name: "bad name!"\n    shards: 1\n',
      /stream "bad name!": ValidationException: 1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint/,
    ],
    'a shard count AWS would reject': [
      'streams:\n  - name: zero\n    shards: 0\n',
      /stream "zero": ValidationException: .*shardCount/,
    ],
    'an invalid retention': [
      'streams:\n  - name: r\n    shards: 1\n    retentionHours: 9000\n',
      /stream "r": (ValidationException|InvalidArgumentException)/,
    ],
    'a duplicate stream': ['streams:\n  - a\n  - a\n', /declared twice/],
  };
  for (const [what, [text, error]] of Object.entries(bad))
    it(`refuses to start with ${what}, in one line`, async () => {
      const file = join(dir, `bad-${what.replace(/\W+/g, '-')}.yaml`);
      await writeFile(file, text);
      await assert.rejects(
        startTestServerAt(join(dir, `bad-${Math.random()}`), { bootstrapFile: file }),
        (err: Error) => {
          assert.match(err.message, error);
          assert.doesNotMatch(err.message, /\n/);
          return true;
        },
      );
    });

  it('refuses a missing file', async () => {
    await assert.rejects(
      startTestServerAt(join(dir, 'missing'), { bootstrapFile: join(dir, 'nope.yaml') }),
      /cannot read .*nope\.yaml: ENOENT/,
    );
  });
});
