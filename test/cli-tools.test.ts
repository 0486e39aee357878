// The `shardline` user tools as a user runs them (the real binary in a child process) against a
// running server: streams, put (arguments, stdin, JSON lines), tail (lineage across a split,
// text and JSON), replay, and one-line errors.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CLI_BIN,
  type CliRun,
  randomName,
  rawRequest,
  runCli,
  startTestServer,
  type TestServer,
  waitFor,
} from './helpers.js';

let t: TestServer;
let dir: string;

function run(args: string[], stdin?: string, timeoutMs = 30_000): Promise<CliRun> {
  return runCli([...args, '--endpoint', t.endpoint], {
    ...(stdin !== undefined ? { stdin } : {}),
    timeoutMs,
  });
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface JsonRecord {
  shardId: string;
  partitionKey: string;
  data: string | null;
  sequenceNumber: string;
}

async function readAll(stream: string): Promise<JsonRecord[]> {
  const r = await run(['tail', stream, '--from', 'trim-horizon', '--no-follow', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JsonRecord);
}

describe('shardline user tools', () => {
  before(async () => {
    t = await startTestServer();
    dir = await mkdtemp(join(tmpdir(), 'shardline-cli-tools-'));
  });
  after(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('streams create, list, describe and delete', async () => {
    const name = randomName('cli');
    const created = await run(['streams', 'create', name, '--shards', '3', '--wait']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, `created ${name} (ACTIVE)\n`);
    const list = await run(['streams', 'list']);
    assert.ok(list.stdout.split('\n').includes(name));
    const described = await run(['streams', 'describe', name]);
    const d = JSON.parse(described.stdout) as {
      StreamStatus: string;
      Shards: unknown[];
      OpenShardCount: number;
    };
    assert.equal(d.StreamStatus, 'ACTIVE');
    assert.equal(d.Shards.length, 3);
    const deleted = await run(['streams', 'delete', name]);
    assert.equal(deleted.code, 0);
    assert.equal(deleted.stdout, `deleting ${name}\n`);
    await waitFor(
      async () => ((await run(['streams', 'list'])).stdout.split('\n').includes(name) ? undefined : true),
      10_000,
      200,
    );
  });

  it('puts from arguments, stdin and a JSON-lines file', async () => {
    const name = randomName('cli-put');
    await run(['streams', 'create', name, '--shards', '2', '--wait']);
    const args = await run(['put', name, 'alpha', 'beta', '--partition-key', 'k1']);
    assert.equal(args.code, 0, args.stderr);
    assert.match(args.stdout, /^put 2 records \(9 bytes\) to /);
    const stdin = await run(['put', name, '--partition-key', 'k2'], 'line one\nline two\n\nline three\n');
    assert.match(stdin.stdout, /^put 3 records /);
    const file = join(dir, 'events.jsonl');
    const lines = Array.from({ length: 1200 }, (_, i) =>
      i % 2 === 0
        ? JSON.stringify({ data: { n: i }, partitionKey: `p${i % 7}` })
        : JSON.stringify({ user: `u${i % 5}`, n: i }),
    );
    await writeFile(file, `${lines.join('\n')}\n`);
    const fromFile = await run(['put', name, '--file', file, '--key-field', 'user']);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.match(fromFile.stdout, /^put 1200 records /);
    const records = await readAll(name);
    assert.equal(records.length, 2 + 3 + 1200);
    const k1 = records.filter((r) => r.partitionKey === 'k1').map((r) => r.data);
    assert.deepEqual(k1, ['alpha', 'beta']);
    assert.deepEqual(
      records.filter((r) => r.partitionKey === 'k2').map((r) => r.data),
      ['line one', 'line two', 'line three'],
    );
    const u3 = records
      .filter((r) => r.partitionKey === 'u3')
      .map((r) => (JSON.parse(r.data ?? '') as { n: number }).n);
    assert.deepEqual(
      u3,
      [...u3].sort((a, b) => a - b),
      'per-key order is kept',
    );
    assert.ok(u3.length > 100);
    assert.ok(records.some((r) => r.data === '{"n":0}' && r.partitionKey === 'p0'));
  });

  it('tail follows new records across a split, in order per key', async () => {
    const name = randomName('cli-tail');
    await run(['streams', 'create', name, '--shards', '1', '--wait']);
    const child = spawn(process.execPath, [CLI_BIN, 'tail', name, '--endpoint', t.endpoint], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // LATEST: wait until the tail has its iterator (records put before it would be missed).
      await new Promise((r) => setTimeout(r, 1_500));
      await run(['put', name, 'a1', 'a2', '--partition-key', 'a']);
      await waitFor(async () => (out.includes('a2') ? true : undefined), 10_000, 100);
      const split = await rawRequest(t.endpoint, 'SplitShard', {
        StreamName: name,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: '170141183460469231731687303715884105728',
      });
      assert.equal(split.status, 200, split.body);
      await run(['put', name, 'a3', 'a4', '--partition-key', 'a']);
      await waitFor(async () => (out.includes('a4') ? true : undefined), 15_000, 100);
      assert.deepEqual(out.trim().split('\n'), ['a1', 'a2', 'a3', 'a4']);
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0, err);
    assert.equal(err, '');
  });

  it('replays a time window into another stream', async () => {
    const src = randomName('cli-src');
    const dst = randomName('cli-dst');
    await run(['streams', 'create', src, '--shards', '2', '--wait']);
    await run(['streams', 'create', dst, '--shards', '1', '--wait']);
    await run(['put', src, 'before', '--partition-key', 'x']);
    await new Promise((r) => setTimeout(r, 1_100));
    const from = Date.now();
    await run(['put', src, 'in1', 'in2', 'in3', '--partition-key', 'x']);
    await new Promise((r) => setTimeout(r, 1_100));
    const to = Date.now();
    await run(['put', src, 'after', '--partition-key', 'x']);
    const r = await run(['replay', src, dst, '--from', new Date(from).toISOString(), '--to', String(to)]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `replayed 3 of 3 records from ${src} to ${dst}\n`);
    const copied = await readAll(dst);
    assert.deepEqual(
      copied.map((c) => [c.partitionKey, c.data]),
      [
        ['x', 'in1'],
        ['x', 'in2'],
        ['x', 'in3'],
      ],
    );
  });

  it('fails with one line and a non-zero exit', async () => {
    const missing = await run(['streams', 'describe', 'no-such-stream']);
    assert.equal(missing.code, 1);
    assert.equal(
      missing.stderr,
      'shardline: ResourceNotFoundException: Stream no-such-stream under account 000000000000 not found.\n',
    );
    const badFile = await run(['put', 'x', '--file', join(dir, 'nope.jsonl')]);
    assert.equal(badFile.code, 1);
    assert.match(badFile.stderr, /^shardline: cannot read .*nope\.jsonl: no such file\n$/);
    const badJson = join(dir, 'bad.jsonl');
    await writeFile(badJson, '{"ok":1}\n{oops\n');
    const name = randomName('cli-err');
    await run(['streams', 'create', name, '--wait']);
    const bad = await run(['put', name, '--file', badJson]);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, 'shardline: line 2: not valid JSON\n');
    const badTime = await run(['tail', name, '--from', 'yesterday-ish']);
    assert.equal(badTime.code, 1);
    assert.equal(badTime.stderr.trim().split('\n').length, 1);
    assert.match(badTime.stderr, /not a time/);
    const closed = await closedPort();
    const down = await runCli(['streams', 'list', '--endpoint', `http://127.0.0.1:${closed}`]);
    assert.equal(down.code, 1);
    assert.equal(
      down.stderr,
      `shardline: cannot reach Shardline at http://127.0.0.1:${closed}: connection refused\n`,
    );
  });
});
