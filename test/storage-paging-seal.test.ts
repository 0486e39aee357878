// The storage contract as the Kinesis code uses it: ListStreams reads one page of metadata
// (deleted streams skipped, HasMoreStreams exact at page boundaries), and a resharding seals the
// parent logs at close, so no append can commit past their EndingSequenceNumber.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { logIdOf } from '../src/kinesis/domain/stream-model.js';
import { LogSealedError } from '../src/storage/engine.js';
import { randomName, rawRequest, startTestServer, type TestServer, waitFor } from './helpers.js';

type Json = Record<string, unknown>;

let server: TestServer;

before(async () => {
  server = await startTestServer({ stateDelayMs: 0, limits: 'off', shardLimit: 1000 });
});

after(async () => {
  await server.close();
});

async function ok(target: string, body: unknown): Promise<Json> {
  const res = await rawRequest(server.endpoint, target, body);
  assert.equal(res.status, 200, `${target}: ${res.body}`);
  return res.json ?? {};
}

async function listAll(limit: number, prefix: string): Promise<string[][]> {
  const pages: string[][] = [];
  let body: Json = { Limit: limit };
  for (;;) {
    const page = await ok('ListStreams', body);
    const names = (page.StreamNames as string[]).filter((n) => n.startsWith(prefix));
    pages.push(names);
    assert.ok((page.StreamNames as string[]).length <= limit);
    if (page.HasMoreStreams !== true) {
      assert.equal(page.NextToken, undefined);
      return pages;
    }
    body = { Limit: limit, NextToken: page.NextToken };
  }
}

describe('ListStreams over paged metadata', () => {
  it('pages skip deleted streams and end exactly', {
    skip: process.env.SHARDLINE_ENDPOINT !== undefined,
  }, async () => {
    const prefix = randomName('page');
    const names = Array.from({ length: 23 }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
    for (const name of names) await ok('CreateStream', { StreamName: name, ShardCount: 1 });
    // Deleted with no DELETING period: the entries go when next read, in the middle of pages.
    const deleted = new Set([names[3]!, names[4]!, names[5]!, names[10]!, names[22]!]);
    for (const name of deleted) await ok('DeleteStream', { StreamName: name });
    const live = names.filter((n) => !deleted.has(n));
    for (const limit of [1, 4, 6, 100]) {
      const pages = await listAll(limit, prefix);
      assert.deepEqual(pages.flat(), live, `limit ${limit}`);
    }
    const first = await ok('ListStreams', { Limit: 2, ExclusiveStartStreamName: names[2] });
    assert.deepEqual(first.StreamNames, [names[6], names[7]]);
    assert.equal(first.HasMoreStreams, true);
    const last = await ok('ListStreams', { Limit: 1, ExclusiveStartStreamName: names[20] });
    assert.deepEqual(last.StreamNames, [names[21]]);
    for (const name of live) await ok('DeleteStream', { StreamName: name });
  });
});

describe('resharding seals the parent logs', () => {
  it('SplitShard: the parent log is sealed at its EndingSequenceNumber', {
    skip: process.env.SHARDLINE_ENDPOINT !== undefined,
  }, async () => {
    const name = randomName('seal');
    await ok('CreateStream', { StreamName: name, ShardCount: 1 });
    for (let i = 0; i < 5; i++)
      await ok('PutRecord', { StreamName: name, PartitionKey: `k${i}`, Data: 'AA==' });
    await ok('SplitShard', {
      StreamName: name,
      ShardToSplit: 'shardId-000000000000',
      NewStartingHashKey: '2',
    });
    const services = server.server!.services;
    const meta = await waitFor(async () => {
      const found = (await services.streams.all(Date.now())).find((s) => s.name === name);
      return found?.shards.length === 3 ? found : undefined;
    });
    const parent = meta.shards.find((s) => s.index === 0)!;
    assert.equal(parent.closedEndOffset, 5);
    const logs = services.engine.logs;
    await assert.rejects(
      logs.append(logIdOf(meta, 0), [{ partitionKey: 'late', data: new Uint8Array(1) }]),
      LogSealedError,
    );
    assert.equal(await logs.seal(logIdOf(meta, 0)), 5);
    // The children are open; writes go there.
    const put = await ok('PutRecord', { StreamName: name, PartitionKey: 'after', Data: 'AA==' });
    assert.notEqual(put.ShardId, 'shardId-000000000000');
    await ok('DeleteStream', { StreamName: name });
  });

  it('UpdateShardCount: parents and intermediate shards are sealed', {
    skip: process.env.SHARDLINE_ENDPOINT !== undefined,
  }, async () => {
    const name = randomName('seal');
    await ok('CreateStream', { StreamName: name, ShardCount: 2 });
    await ok('UpdateShardCount', { StreamName: name, TargetShardCount: 3, ScalingType: 'UNIFORM_SCALING' });
    const services = server.server!.services;
    const meta = await waitFor(async () => {
      const found = (await services.streams.all(Date.now())).find((s) => s.name === name);
      return found !== undefined && found.shards.length > 2 && found.status === 'ACTIVE' ? found : undefined;
    });
    const closed = meta.shards.filter((s) => s.closedEndOffset !== undefined);
    assert.ok(closed.length >= 2);
    for (const shard of closed) {
      await assert.rejects(
        services.engine.logs.append(logIdOf(meta, shard.index), [
          { partitionKey: 'x', data: new Uint8Array(1) },
        ]),
        LogSealedError,
        `shard ${shard.index}`,
      );
    }
    await ok('DeleteStream', { StreamName: name });
  });
});
