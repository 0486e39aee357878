// Smoke test with the real AWS CLI v2 (Debian package `awscli`, HTTP/1.1, botocore). It runs in an
// isolated HOME with no config files, so nothing outside the test is read.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { randomName, startTestServer, type TestServer } from './helpers.js';
import { recordPathAvailable } from './protocol-client.js';

// Explicit path: a pyenv `aws` (v1) shim may come first on PATH.
const AWS = '/usr/bin/aws';
const CLI_TIMEOUT_MS = 60_000;

let server: TestServer;
let home: string;

before(async () => {
  server = await startTestServer();
  home = await mkdtemp(join(tmpdir(), 'shardline-awscli-'));
});
after(async () => {
  await server?.close();
  await rm(home, { recursive: true, force: true });
});

interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function aws(...args: string[]): Promise<CliResult> {
  const env = {
    PATH: '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const argv = ['kinesis', ...args, '--endpoint-url', server.endpoint, '--output', 'json', '--no-cli-pager'];
  return new Promise((resolve) => {
    execFile(AWS, argv, { env, timeout: CLI_TIMEOUT_MS }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function ok(...args: string[]): Promise<Record<string, unknown>> {
  const r = await aws(...args);
  assert.equal(r.code, 0, `aws ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : {};
}

describe('AWS CLI v2', {
  skip: existsSync(AWS) ? false : `${AWS} not installed (apt-get install awscli)`,
}, () => {
  const stream = randomName('awscli');

  it('creates, describes and lists a stream', async () => {
    await ok('create-stream', '--stream-name', stream, '--shard-count', '2');
    await ok('wait', 'stream-exists', '--stream-name', stream);
    const desc = (await ok('describe-stream', '--stream-name', stream)).StreamDescription as Record<
      string,
      unknown
    >;
    assert.equal(desc.StreamName, stream);
    assert.equal(desc.StreamStatus, 'ACTIVE');
    assert.equal((desc.Shards as unknown[]).length, 2);
    const summary = (await ok('describe-stream-summary', '--stream-name', stream))
      .StreamDescriptionSummary as Record<string, unknown>;
    assert.equal(summary.OpenShardCount, 2);
    const list = await ok('list-streams');
    assert.ok((list.StreamNames as string[]).includes(stream));
  });

  it('puts and gets records', async (t) => {
    if (!(await recordPathAvailable(server.endpoint))) return t.skip('record path not yet available');
    const put = await ok(
      'put-record',
      '--stream-name',
      stream,
      '--partition-key',
      'k1',
      '--data',
      'aGVsbG8=',
    );
    assert.match(String(put.SequenceNumber), /^\d+$/);
    const batch = await ok(
      'put-records',
      '--stream-name',
      stream,
      '--records',
      'Data=d29ybGQ=,PartitionKey=k1',
      'Data=IQ==,PartitionKey=k1',
    );
    assert.equal(batch.FailedRecordCount, 0);
    const iterator = await ok(
      'get-shard-iterator',
      '--stream-name',
      stream,
      '--shard-id',
      String(put.ShardId),
      '--shard-iterator-type',
      'TRIM_HORIZON',
    );
    const got = await ok('get-records', '--shard-iterator', String(iterator.ShardIterator));
    const records = got.Records as { Data: string; PartitionKey: string }[];
    assert.deepEqual(
      records.map((r) => Buffer.from(r.Data, 'base64').toString()),
      ['hello', 'world', '!'],
    );
  });

  it('renders AWS errors the way the CLI expects', async () => {
    const r = await aws('describe-stream', '--stream-name', 'no-such-stream');
    assert.equal(r.code, 254);
    assert.match(
      r.stderr,
      /An error occurred \(ResourceNotFoundException\) when calling the DescribeStream operation( \(reached max retries: \d+\))?: Stream no-such-stream under account \d{12} not found\./,
    );
  });

  it('deletes the stream', async () => {
    await ok('delete-stream', '--stream-name', stream);
    await ok('wait', 'stream-not-exists', '--stream-name', stream);
    const list = await ok('list-streams');
    assert.ok(!(list.StreamNames as string[]).includes(stream));
  });
});
