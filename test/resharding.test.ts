// SplitShard, MergeShards, UpdateShardCount: AWS's exact errors (as kinesalite's tests recorded
// them against AWS), the UPDATING period, lineage, EndingSequenceNumber, reads at the end of a
// closed shard, ListShards filters over resharded streams, and closed shards expiring.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ACCOUNT,
  needsInProcess,
  REGION,
  randomName,
  rawRequest,
  startTestServer,
  type TestServer,
  waitFor,
} from './helpers.js';

type Json = Record<string, unknown>;
const TOP = '340282366920938463463374607431768211455';
const THIRD = '113427455640312821154458202477256070484';
const STATE_DELAY_MS = 300;

let server: TestServer;
let fast: TestServer;

async function call(
  srv: TestServer,
  target: string,
  body: unknown,
): Promise<{ status: number; json: Json; body: string }> {
  const res = await rawRequest(srv.endpoint, target, body);
  return { status: res.status, json: res.json ?? {}, body: res.body };
}

async function ok(srv: TestServer, target: string, body: unknown): Promise<Json> {
  const res = await call(srv, target, body);
  assert.equal(res.status, 200, `${target}: ${res.body}`);
  return res.json;
}

async function expectError(
  srv: TestServer,
  target: string,
  body: unknown,
  type: string,
  message: string,
): Promise<void> {
  const res = await call(srv, target, body);
  assert.equal(res.status, 400, res.body);
  assert.deepEqual(res.json, { __type: type, message });
}

async function describeStream(srv: TestServer, name: string): Promise<Json> {
  return (await ok(srv, 'DescribeStream', { StreamName: name })).StreamDescription as Json;
}

async function activeStream(srv: TestServer, shards: number, extra: Json = {}): Promise<string> {
  const name = randomName('reshard');
  await ok(srv, 'CreateStream', { StreamName: name, ShardCount: shards, ...extra });
  await waitUntil(srv, name, 'ACTIVE');
  return name;
}

async function waitUntil(srv: TestServer, name: string, status: string): Promise<Json> {
  return waitFor(async () => {
    const d = await describeStream(srv, name);
    return d.StreamStatus === status ? d : undefined;
  }, 10_000);
}

const shardsOf = (d: Json) => d.Shards as Json[];
const range = (s: Json) => s.HashKeyRange as { StartingHashKey: string; EndingHashKey: string };
const seqRange = (s: Json) =>
  s.SequenceNumberRange as { StartingSequenceNumber: string; EndingSequenceNumber?: string };

before(async () => {
  server = await startTestServer({ stateDelayMs: STATE_DELAY_MS, shardLimit: 60 });
  fast = await startTestServer({ stateDelayMs: 0, shardLimit: 40, limits: 'off' });
});
after(async () => {
  await server.close();
  await fast.close();
});

describe('SplitShard / MergeShards: AWS errors', () => {
  let s3: string;
  before(async () => {
    s3 = await activeStream(server, 3);
  });

  it('shard ids that cannot name a shard are "not found" before the stream is looked up', async () => {
    const missing = randomName('missing');
    for (const id of ['2147483648', 'shardId-002147483648', 'ABKLFD8', '2.14E4']) {
      const message = `Could not find shard ${id} in stream ${missing} under account ${ACCOUNT}.`;
      await expectError(
        server,
        'SplitShard',
        { StreamName: missing, ShardToSplit: id, NewStartingHashKey: '0' },
        'ResourceNotFoundException',
        message,
      );
      await expectError(
        server,
        'MergeShards',
        { StreamName: missing, ShardToMerge: 'x-0', AdjacentShardToMerge: id },
        'ResourceNotFoundException',
        message,
      );
    }
    for (const id of ['2147483647', 'abc-2147483647', 'a-00002147483647', '-00002147483647']) {
      const message = `Stream ${missing} under account ${ACCOUNT} not found.`;
      await expectError(
        server,
        'SplitShard',
        { StreamName: missing, ShardToSplit: id, NewStartingHashKey: '0' },
        'ResourceNotFoundException',
        message,
      );
      await expectError(
        server,
        'MergeShards',
        { StreamName: missing, ShardToMerge: id, AdjacentShardToMerge: 'x-0' },
        'ResourceNotFoundException',
        message,
      );
    }
  });

  it('a shard the stream does not have', async () => {
    const message = `Could not find shard shardId-000000000005 in stream ${s3} under account ${ACCOUNT}.`;
    await expectError(
      server,
      'SplitShard',
      { StreamName: s3, ShardToSplit: 'shardId-5', NewStartingHashKey: '0' },
      'ResourceNotFoundException',
      message,
    );
    await expectError(
      server,
      'MergeShards',
      { StreamName: s3, ShardToMerge: 'x-0', AdjacentShardToMerge: 'shardId-5' },
      'ResourceNotFoundException',
      message,
    );
  });

  it('NewStartingHashKey must be above start+1 and below end', async () => {
    const bad = (key: string, shard: string, start: string, end: string, id: string) =>
      expectError(
        server,
        'SplitShard',
        { StreamName: s3, NewStartingHashKey: key, ShardToSplit: shard },
        'InvalidArgumentException',
        `NewStartingHashKey ${key} used in SplitShard() on shard ${id} in stream ${s3} under account ${ACCOUNT} ` +
          `is not both greater than one plus the shard's StartingHashKey ${start} and less than the shard's EndingHashKey ${end}.`,
      );
    await bad('1', 'shard-0', '0', THIRD, 'shardId-000000000000');
    await bad(THIRD, 'shard-0', '0', THIRD, 'shardId-000000000000');
    await bad(
      '999999999999999999999999999999999999999',
      'shard-2',
      '226854911280625642308916404954512140970',
      TOP,
      'shardId-000000000002',
    );
  });

  it('MergeShards needs ShardToMerge directly below AdjacentShardToMerge', async () => {
    const notAdjacent = (a: string, b: string) =>
      `Shards ${a} and ${b} in stream ${s3} under account ${ACCOUNT} are not an adjacent pair of shards eligible for merging`;
    await expectError(
      server,
      'MergeShards',
      { StreamName: s3, ShardToMerge: 'x-0', AdjacentShardToMerge: 'y-2' },
      'InvalidArgumentException',
      notAdjacent('shardId-000000000000', 'shardId-000000000002'),
    );
    await expectError(
      server,
      'MergeShards',
      { StreamName: s3, ShardToMerge: 'x-1', AdjacentShardToMerge: 'y-0' },
      'InvalidArgumentException',
      notAdjacent('shardId-000000000001', 'shardId-000000000000'),
    );
  });

  it('on-demand streams refuse all three with ValidationException', async () => {
    const name = randomName('od');
    await ok(server, 'CreateStream', { StreamName: name, StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
    await waitUntil(server, name, 'ACTIVE');
    for (const [target, body] of [
      ['SplitShard', { ShardToSplit: 'shardId-0', NewStartingHashKey: '12345' }],
      ['MergeShards', { ShardToMerge: 'shardId-0', AdjacentShardToMerge: 'shardId-1' }],
      ['UpdateShardCount', { TargetShardCount: 5, ScalingType: 'UNIFORM_SCALING' }],
    ] as const) {
      const res = await call(server, target, { StreamName: name, ...body });
      assert.equal(res.status, 400, res.body);
      assert.equal(res.json.__type, 'ValidationException');
      assert.match(String(res.json.message), /ON_DEMAND capacity mode/);
    }
    await ok(server, 'DeleteStream', { StreamName: name });
  });

  it('SplitShard over the account shard limit', {
    skip: needsInProcess('flags', '--shard-limit 40'),
  }, async () => {
    const limits = await ok(fast, 'DescribeLimits', {});
    const open = limits.OpenShardCount as number;
    const name = await activeStream(fast, 40 - open);
    await expectError(
      fast,
      'SplitShard',
      { StreamName: name, ShardToSplit: 'shard-0', NewStartingHashKey: '2' },
      'LimitExceededException',
      `This request would exceed the shard limit for the account ${ACCOUNT} in ${REGION}. Current shard count for the account: 40. ` +
        'Limit: 40. Number of additional shards that would have resulted from this request: 1. Refer to the AWS Service Limits page ' +
        '(http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.',
    );
    await ok(fast, 'DeleteStream', { StreamName: name });
  });
});

describe('SplitShard: UPDATING, then lineage', () => {
  it('keeps the old layout while UPDATING (writes go to the parent), then shows parent and children', {
    skip: needsInProcess('flags', '--state-delay-ms 300'),
  }, async () => {
    const name = await activeStream(server, 1);
    const before = Date.now();
    const res = await call(server, 'SplitShard', {
      StreamName: name,
      NewStartingHashKey: '2',
      ShardToSplit: `${randomName()}-0`,
    });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.body, '');
    const updating = await describeStream(server, name);
    assert.equal(updating.StreamStatus, 'UPDATING');
    assert.equal(shardsOf(updating).length, 1);
    assert.equal(seqRange(shardsOf(updating)[0]!).EndingSequenceNumber, undefined);
    await expectError(
      server,
      'SplitShard',
      { StreamName: name, NewStartingHashKey: '2', ShardToSplit: 'shard-0' },
      'ResourceInUseException',
      `Stream ${name} under account ${ACCOUNT} not ACTIVE, instead in state UPDATING`,
    );
    const put = await ok(server, 'PutRecord', {
      StreamName: name,
      PartitionKey: 'a',
      Data: '',
      ExplicitHashKey: '1',
    });
    assert.equal(put.ShardId, 'shardId-000000000000');

    const active = await waitUntil(server, name, 'ACTIVE');
    const [parent, left, right] = shardsOf(active) as [Json, Json, Json];
    assert.equal(shardsOf(active).length, 3);
    assert.deepEqual(range(parent), { StartingHashKey: '0', EndingHashKey: TOP });
    assert.equal(
      seqRange(parent).EndingSequenceNumber,
      put.SequenceNumber,
      'EndingSequenceNumber = the last record',
    );
    assert.deepEqual(
      { id: left.ShardId, p: left.ParentShardId, r: range(left) },
      {
        id: 'shardId-000000000001',
        p: 'shardId-000000000000',
        r: { StartingHashKey: '0', EndingHashKey: '1' },
      },
    );
    assert.deepEqual(
      { id: right.ShardId, p: right.ParentShardId, r: range(right) },
      {
        id: 'shardId-000000000002',
        p: 'shardId-000000000000',
        r: { StartingHashKey: '2', EndingHashKey: TOP },
      },
    );
    assert.ok(BigInt(seqRange(left).StartingSequenceNumber) > BigInt(seqRange(parent).EndingSequenceNumber!));
    // Writes now go to the children only, with numbers above every parent number.
    const child = await ok(server, 'PutRecord', {
      StreamName: name,
      PartitionKey: 'a',
      Data: '',
      ExplicitHashKey: '1',
    });
    assert.equal(child.ShardId, 'shardId-000000000001');
    assert.ok(BigInt(child.SequenceNumber as string) > BigInt(put.SequenceNumber as string));
    await expectError(
      server,
      'SplitShard',
      { StreamName: name, NewStartingHashKey: '5', ShardToSplit: 'shard-0' },
      'ResourceInUseException',
      `Shard shardId-000000000000 in stream ${name} under account ${ACCOUNT} has already been merged or split, and thus is not eligible for merging or splitting`,
    );
    assert.ok(Date.now() - before >= STATE_DELAY_MS);
  });

  it('GetRecords reads a closed parent to its end, then answers ChildShards and no NextShardIterator', async () => {
    const name = await activeStream(fast, 1);
    for (const d of ['a', 'b'])
      await ok(fast, 'PutRecord', {
        StreamName: name,
        PartitionKey: d,
        Data: Buffer.from(d).toString('base64'),
      });
    await ok(fast, 'SplitShard', {
      StreamName: name,
      ShardToSplit: 'shardId-000000000000',
      NewStartingHashKey: (1n << 127n).toString(),
    });
    const it = await ok(fast, 'GetShardIterator', {
      StreamName: name,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
    });
    const page = await ok(fast, 'GetRecords', { ShardIterator: it.ShardIterator });
    const records = page.Records as Json[];
    assert.equal(records.length, 2);
    // At the end: either already in this page or in the next.
    const last =
      page.NextShardIterator === undefined
        ? page
        : await ok(fast, 'GetRecords', { ShardIterator: page.NextShardIterator });
    assert.equal(last.NextShardIterator, undefined);
    assert.deepEqual(last.ChildShards, [
      {
        ShardId: 'shardId-000000000001',
        ParentShards: ['shardId-000000000000'],
        HashKeyRange: { StartingHashKey: '0', EndingHashKey: ((1n << 127n) - 1n).toString() },
      },
      {
        ShardId: 'shardId-000000000002',
        ParentShards: ['shardId-000000000000'],
        HashKeyRange: { StartingHashKey: (1n << 127n).toString(), EndingHashKey: TOP },
      },
    ]);
    // LATEST on a closed shard sits at its end.
    const latest = await ok(fast, 'GetShardIterator', {
      StreamName: name,
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'LATEST',
    });
    const end = await ok(fast, 'GetRecords', { ShardIterator: latest.ShardIterator });
    assert.equal(end.NextShardIterator, undefined);
    assert.equal((end.ChildShards as Json[]).length, 2);
  });

  it('MergeShards: child with ParentShardId and AdjacentParentShardId, both parents closed', async () => {
    const name = await activeStream(fast, 3);
    await ok(fast, 'MergeShards', {
      StreamName: name,
      ShardToMerge: 'shardId-000000000001',
      AdjacentShardToMerge: 'shardId-000000000002',
    });
    const d = await describeStream(fast, name);
    const shards = shardsOf(d);
    assert.equal(shards.length, 4);
    assert.ok(seqRange(shards[1]!).EndingSequenceNumber);
    assert.ok(seqRange(shards[2]!).EndingSequenceNumber);
    assert.equal(seqRange(shards[0]!).EndingSequenceNumber, undefined);
    assert.deepEqual(
      {
        id: shards[3]!.ShardId,
        p: shards[3]!.ParentShardId,
        a: shards[3]!.AdjacentParentShardId,
        r: range(shards[3]!),
      },
      {
        id: 'shardId-000000000003',
        p: 'shardId-000000000001',
        a: 'shardId-000000000002',
        r: { StartingHashKey: '113427455640312821154458202477256070485', EndingHashKey: TOP },
      },
    );
  });
});

describe('UpdateShardCount', () => {
  it('AWS errors: over double, below half, over the shard limit, missing stream', {
    skip: needsInProcess('flags', '--shard-limit 60'),
  }, async () => {
    const two = await activeStream(server, 2);
    await expectError(
      server,
      'UpdateShardCount',
      { StreamName: two, TargetShardCount: 6, ScalingType: 'UNIFORM_SCALING' },
      'LimitExceededException',
      'UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 2, Target shard count: 6',
    );
    const six = await activeStream(server, 6);
    await expectError(
      server,
      'UpdateShardCount',
      { StreamName: six, TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' },
      'LimitExceededException',
      'UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: 6, Target shard count: 2',
    );
    await expectError(
      server,
      'UpdateShardCount',
      { StreamName: six, TargetShardCount: 62, ScalingType: 'UNIFORM_SCALING' },
      'LimitExceededException',
      'Target shard count or number of open shards cannot be greater than 60. Current open shard count: 6, Target shard count: 62',
    );
    const missing = randomName('missing');
    await expectError(
      server,
      'UpdateShardCount',
      { StreamName: missing, TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' },
      'ResourceNotFoundException',
      `Stream ${missing} under account ${ACCOUNT} not found.`,
    );
    await ok(server, 'DeleteStream', { StreamName: two });
    await ok(server, 'DeleteStream', { StreamName: six });
  });

  it('2 → 4 (UPDATING first, then 6 shards with 2 closed) and 4 → 2 (4 closed)', {
    skip: needsInProcess('flags', '--state-delay-ms 300'),
  }, async () => {
    const name = await activeStream(server, 2);
    const out = await ok(server, 'UpdateShardCount', {
      StreamName: name,
      TargetShardCount: 4,
      ScalingType: 'UNIFORM_SCALING',
    });
    assert.deepEqual(
      { c: out.CurrentShardCount, t: out.TargetShardCount, n: out.StreamName },
      { c: 2, t: 4, n: name },
    );
    const updating = await describeStream(server, name);
    assert.equal(updating.StreamStatus, 'UPDATING');
    assert.equal(shardsOf(updating).length, 2);
    const up = await waitUntil(server, name, 'ACTIVE');
    assert.equal(shardsOf(up).length, 6);
    assert.equal(shardsOf(up).filter((s) => seqRange(s).EndingSequenceNumber !== undefined).length, 2);
    const down = await activeStream(server, 4);
    await ok(server, 'UpdateShardCount', {
      StreamName: down,
      TargetShardCount: 2,
      ScalingType: 'UNIFORM_SCALING',
    });
    const after = await waitUntil(server, down, 'ACTIVE');
    assert.equal(shardsOf(after).length, 6);
    assert.equal(shardsOf(after).filter((s) => seqRange(s).EndingSequenceNumber !== undefined).length, 4);
  });

  it('3 → 5 creates short-lived intermediate shards and ends on an even layout', async () => {
    const name = await activeStream(fast, 3);
    await ok(fast, 'UpdateShardCount', {
      StreamName: name,
      TargetShardCount: 5,
      ScalingType: 'UNIFORM_SCALING',
    });
    const listed = await ok(fast, 'ListShards', { StreamName: name, ShardFilter: { Type: 'AT_LATEST' } });
    const open = (listed.Shards as Json[]).sort((a, b) =>
      BigInt(range(a).StartingHashKey) < BigInt(range(b).StartingHashKey) ? -1 : 1,
    );
    assert.equal(open.length, 5);
    const width = (1n << 128n) / 5n;
    open.forEach((s, i) => {
      const d = BigInt(range(s).StartingHashKey) - width * BigInt(i);
      assert.ok(d >= -2n && d <= 2n, `shard ${i} starts at ${range(s).StartingHashKey}`);
    });
    const all = shardsOf(await describeStream(fast, name));
    assert.ok(all.length > 3 + 5, 'intermediate shards are listed (closed)');
  });

  it('at most 10 scaling operations per rolling 24 hours per stream', async () => {
    const name = await activeStream(fast, 1);
    for (let i = 0; i < 10; i++)
      await ok(fast, 'UpdateShardCount', {
        StreamName: name,
        TargetShardCount: i % 2 === 0 ? 2 : 1,
        ScalingType: 'UNIFORM_SCALING',
      });
    await expectError(
      fast,
      'UpdateShardCount',
      { StreamName: name, TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' },
      'LimitExceededException',
      `Exceeded the limit of 10 UpdateShardCount operations per rolling 24 hour period for stream ${name} under account ${ACCOUNT}.`,
    );
  });
});

describe('ListShards over a resharded stream', () => {
  let name: string;
  let splitAt: number;
  before(async () => {
    name = await activeStream(fast, 2);
    await new Promise((r) => setTimeout(r, 20));
    splitAt = Date.now();
    await ok(fast, 'SplitShard', {
      StreamName: name,
      ShardToSplit: 'shardId-000000000000',
      NewStartingHashKey: (1n << 126n).toString(),
    });
  });
  const ids = async (body: Json) =>
    ((await ok(fast, 'ListShards', { StreamName: name, ...body })).Shards as Json[]).map((s) =>
      Number(String(s.ShardId).slice(8)),
    );

  it('each ShardFilter type', async () => {
    assert.deepEqual(await ids({}), [0, 1, 2, 3]);
    assert.deepEqual(await ids({ ShardFilter: { Type: 'FROM_TRIM_HORIZON' } }), [0, 1, 2, 3]);
    assert.deepEqual(await ids({ ShardFilter: { Type: 'AT_LATEST' } }), [1, 2, 3]);
    assert.deepEqual(await ids({ ShardFilter: { Type: 'AT_TRIM_HORIZON' } }), [0, 1]);
    assert.deepEqual(
      await ids({ ShardFilter: { Type: 'AT_TIMESTAMP', Timestamp: (splitAt - 10) / 1000 } }),
      [0, 1],
    );
    assert.deepEqual(
      await ids({ ShardFilter: { Type: 'AT_TIMESTAMP', Timestamp: Date.now() / 1000 } }),
      [1, 2, 3],
    );
    assert.deepEqual(
      await ids({ ShardFilter: { Type: 'FROM_TIMESTAMP', Timestamp: (splitAt - 10) / 1000 } }),
      [0, 1, 2, 3],
    );
    assert.deepEqual(
      await ids({ ShardFilter: { Type: 'FROM_TIMESTAMP', Timestamp: Date.now() / 1000 + 5 } }),
      [1, 2, 3],
    );
    assert.deepEqual(
      await ids({ ShardFilter: { Type: 'AFTER_SHARD_ID', ShardId: 'shardId-000000000001' } }),
      [2, 3],
    );
    assert.deepEqual(await ids({ ExclusiveStartShardId: 'shardId-000000000000' }), [1, 2, 3]);
  });

  it('pages with MaxResults and NextToken (the filter travels in the token)', async () => {
    const first = await ok(fast, 'ListShards', {
      StreamName: name,
      MaxResults: 1,
      ShardFilter: { Type: 'AT_LATEST' },
    });
    assert.deepEqual(
      (first.Shards as Json[]).map((s) => s.ShardId),
      ['shardId-000000000001'],
    );
    const second = await ok(fast, 'ListShards', { NextToken: first.NextToken, MaxResults: 5 });
    assert.deepEqual(
      (second.Shards as Json[]).map((s) => s.ShardId),
      ['shardId-000000000002', 'shardId-000000000003'],
    );
    assert.equal(second.NextToken, undefined);
    await expectError(
      fast,
      'ListShards',
      { NextToken: first.NextToken, StreamName: name },
      'InvalidArgumentException',
      'NextToken and StreamName cannot be provided together.',
    );
  });

  it('DescribeStream pages the same shards with ExclusiveStartShardId', async () => {
    const d = (await ok(fast, 'DescribeStream', { StreamName: name, Limit: 2 })).StreamDescription as Json;
    assert.deepEqual(
      shardsOf(d).map((s) => s.ShardId),
      ['shardId-000000000000', 'shardId-000000000001'],
    );
    assert.equal(d.HasMoreShards, true);
    const rest = (
      await ok(fast, 'DescribeStream', { StreamName: name, ExclusiveStartShardId: 'shardId-000000000001' })
    ).StreamDescription as Json;
    assert.deepEqual(
      shardsOf(rest).map((s) => s.ShardId),
      ['shardId-000000000002', 'shardId-000000000003'],
    );
    assert.equal(rest.HasMoreShards, false);
  });

  it('a closed shard vanishes once all its data is past retention', {
    skip: needsInProcess('internals', 'the retention clock hook'),
  }, async () => {
    const hooks = fast.server!.services.hooks;
    hooks.retentionClockOffsetMs = 25 * 3_600_000;
    try {
      assert.deepEqual(await ids({}), [1, 2, 3]);
      assert.deepEqual(
        shardsOf(await describeStream(fast, name)).map((s) => s.ShardId),
        ['shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003'],
      );
      await expectError(
        fast,
        'GetShardIterator',
        { StreamName: name, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' },
        'ResourceNotFoundException',
        `Shard shardId-000000000000 in stream ${name} under account ${ACCOUNT} does not exist`,
      );
    } finally {
      delete hooks.retentionClockOffsetMs;
    }
  });
});
