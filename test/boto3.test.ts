// Smoke test with boto3 (Debian's python3-boto3 under /usr/bin/python3, HTTP/1.1). The Python
// side runs one step per invocation and prints JSON; assertions stay here.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { randomName, startTestServer, type TestServer } from './helpers.js';
import { recordPathAvailable } from './protocol-client.js';

const PYTHON = '/usr/bin/python3';
const PY_TIMEOUT_MS = 60_000;

// Each step prints {"ok": result} or {"error": {"code", "message", "status"}}; bytes become text.
const SCRIPT = `
import base64, json, sys, datetime
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, step, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
client = boto3.client(
    "kinesis",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="AKIDEXAMPLE",
    aws_secret_access_key="secret",
    config=Config(retries={"max_attempts": 1}),
)

def plain(value):
    if isinstance(value, (bytes, bytearray)):
        return {"bytes": base64.b64encode(value).decode()}
    if isinstance(value, datetime.datetime):
        return {"datetime": value.timestamp()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value

if step == "records":
    name = args["StreamName"]
    put = client.put_record(StreamName=name, PartitionKey="k1", Data=b"hello \\x00\\xff")
    batch = client.put_records(StreamName=name, Records=[
        {"PartitionKey": "k1", "Data": b"second"},
        {"PartitionKey": "k1", "Data": b""},
    ])
    iterator = client.get_shard_iterator(StreamName=name, ShardId=put["ShardId"], ShardIteratorType="TRIM_HORIZON")
    got = client.get_records(ShardIterator=iterator["ShardIterator"])
    print(json.dumps({"ok": plain({"put": put, "batch": batch, "got": got})}))
    sys.exit(0)

try:
    result = getattr(client, step)(**args)
    print(json.dumps({"ok": plain(result)}))
except ClientError as e:
    err = e.response["Error"]
    print(json.dumps({"error": {"code": err.get("Code"), "message": err.get("Message"),
                                "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}}))
`;

let server: TestServer;
let home: string;

before(async () => {
  server = await startTestServer();
  home = await mkdtemp(join(tmpdir(), 'shardline-boto3-'));
});
after(async () => {
  await server?.close();
  await rm(home, { recursive: true, force: true });
});

type Step = { ok?: Record<string, unknown>; error?: { code: string; message: string; status: number } };

function boto3(step: string, args: Record<string, unknown> = {}): Promise<Step> {
  const env = {
    PATH: '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    PYTHONNOUSERSITE: '1',
  };
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      ['-c', SCRIPT, server.endpoint, step, JSON.stringify(args)],
      { env, timeout: PY_TIMEOUT_MS },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`boto3 ${step} failed: ${stderr || err.message}`));
        resolve(JSON.parse(stdout) as Step);
      },
    );
  });
}

async function ok(step: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const r = await boto3(step, args);
  assert.ok(r.ok, `${step}: ${JSON.stringify(r.error)}`);
  return r.ok;
}

const available = existsSync(PYTHON);

describe('boto3', {
  skip: available ? false : `${PYTHON} not installed (apt-get install python3-boto3)`,
}, () => {
  const stream = randomName('boto3');

  it('creates, describes and lists a stream', async () => {
    await ok('create_stream', { StreamName: stream, ShardCount: 2 });
    const desc = (await ok('describe_stream', { StreamName: stream })).StreamDescription as Record<
      string,
      unknown
    >;
    assert.equal(desc.StreamStatus, 'ACTIVE');
    assert.equal((desc.Shards as unknown[]).length, 2);
    // Timestamps arrive as epoch seconds and botocore turns them into datetimes.
    const created = (desc.StreamCreationTimestamp as { datetime: number }).datetime;
    assert.ok(Math.abs(created * 1000 - Date.now()) < 60_000);
    const list = await ok('list_streams');
    assert.ok((list.StreamNames as string[]).includes(stream));
    const shards = await ok('list_shards', { StreamName: stream });
    assert.equal((shards.Shards as unknown[]).length, 2);
  });

  it('puts and gets records', async (t) => {
    if (!(await recordPathAvailable(server.endpoint))) return t.skip('record path not yet available');
    const out = await ok('records', { StreamName: stream });
    const { batch, got } = out as {
      batch: { FailedRecordCount: number };
      got: {
        Records: {
          Data: { bytes: string };
          PartitionKey: string;
          ApproximateArrivalTimestamp: { datetime: number };
        }[];
      };
    };
    assert.equal(batch.FailedRecordCount, 0);
    assert.deepEqual(
      got.Records.map((r) => Buffer.from(r.Data.bytes, 'base64')),
      [Buffer.from('hello \u0000\u00ff', 'latin1'), Buffer.from('second'), Buffer.alloc(0)],
    );
    assert.ok(got.Records.every((r) => r.PartitionKey === 'k1'));
    assert.ok(
      Math.abs((got.Records[0]?.ApproximateArrivalTimestamp.datetime ?? 0) * 1000 - Date.now()) < 60_000,
    );
  });

  it('surfaces AWS errors with code, message and status', async () => {
    const r = await boto3('describe_stream', { StreamName: 'no-such-stream' });
    assert.equal(r.error?.code, 'ResourceNotFoundException');
    assert.equal(r.error?.status, 400);
    assert.match(r.error?.message ?? '', /^Stream no-such-stream under account \d{12} not found\.$/);
    const v = await boto3('create_stream', { StreamName: 'bad name', ShardCount: 1 });
    assert.equal(v.error?.code, 'ValidationException');
  });

  it('deletes the stream', async () => {
    await ok('delete_stream', { StreamName: stream });
    const r = await boto3('describe_stream_summary', { StreamName: stream });
    // Deleted at once (state delay 0 in tests) or still DELETING.
    if (r.ok)
      assert.equal((r.ok.StreamDescriptionSummary as { StreamStatus: string }).StreamStatus, 'DELETING');
    else assert.equal(r.error?.code, 'ResourceNotFoundException');
  });
});
