// Fault injection end to end (docs/faults.md), with the real AWS SDK: injected throttling and
// InternalFailure are retried by the SDK's standard strategy, PutRecords throttles single records
// (not written, deterministic under a seed), latency delays a call, drop loses the request, the
// admin endpoint and the bootstrap `faults:` section set the rules, a rule for one stream leaves
// another alone, and `shardline faults` drives the endpoint.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import { Decoder, Encoder } from 'cbor-x';
import { FAULTS_PATH } from '../src/aws/faults-http.js';
import { BootstrapError, parsePlan } from '../src/bootstrap.js';
import {
  ACCOUNT,
  kinesis,
  REGION,
  randomName,
  rawRequest,
  runCli,
  startTestServer,
  startTestServerAt,
  type TestServer,
  waitFor,
} from './helpers.js';
import { rawHttp } from './protocol-client.js';

const PTE = 'ProvisionedThroughputExceededException';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A client with the SDK's standard retry strategy (the helper's client never retries). */
function retrying(endpoint: string, maxAttempts: number): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts,
  });
}

async function admin(
  endpoint: string,
  method: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(endpoint + FAULTS_PATH, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function setFaults(endpoint: string, section: unknown): Promise<void> {
  const r = await admin(endpoint, 'PUT', section);
  assert.equal(r.status, 200, JSON.stringify(r.json));
}

async function createStream(client: KinesisClient, name: string, shards = 1): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  await waitFor(async () => {
    const d = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    return d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE' ? true : undefined;
  });
}

/** Every record of every shard, from TRIM_HORIZON. */
async function readAll(client: KinesisClient, name: string): Promise<{ data: string; seq: string }[]> {
  const shards = (await client.send(new ListShardsCommand({ StreamName: name }))).Shards ?? [];
  const out: { data: string; seq: string }[] = [];
  for (const shard of shards) {
    let it = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: name,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    for (let page = 0; it && page < 10; page++) {
      const r = await client.send(new GetRecordsCommand({ ShardIterator: it }));
      for (const rec of r.Records ?? [])
        out.push({ data: Buffer.from(rec.Data ?? []).toString(), seq: rec.SequenceNumber ?? '' });
      if ((r.Records ?? []).length === 0) break;
      it = r.NextShardIterator;
    }
  }
  return out;
}

async function rejection(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  assert.fail('expected the call to fail');
}

const entries = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ Data: Buffer.from(`record-${i}`), PartitionKey: `key-${i}` }));

const failedIndexes = (records: readonly PutRecordsResultEntry[]) =>
  records.flatMap((r, i) => (r.ErrorCode === undefined ? [] : [i]));

describe('fault injection', {
  skip: process.env.SHARDLINE_ENDPOINT ? 'needs the in-process server' : false,
}, () => {
  let t: TestServer;
  let client: KinesisClient;
  const A = randomName('faults-a');
  const B = randomName('faults-b');

  before(async () => {
    t = await startTestServer();
    client = kinesis(t.endpoint);
    await createStream(client, A);
    await createStream(client, B);
  });
  after(async () => {
    client?.destroy();
    await t?.close();
  });

  it('throttles DescribeStreamSummary twice: three attempts succeed, one fails with the error', async () => {
    const rule = {
      operations: ['DescribeStreamSummary'],
      streams: [A],
      action: 'error',
      error: 'LimitExceededException',
      rate: 1,
      count: 2,
    };
    await setFaults(t.endpoint, { rules: [rule] });
    const sdk = retrying(t.endpoint, 3);
    const ok = await sdk.send(new DescribeStreamSummaryCommand({ StreamName: A }));
    assert.equal(ok.$metadata.attempts, 3);
    assert.equal(ok.StreamDescriptionSummary?.StreamName, A);
    sdk.destroy();

    await setFaults(t.endpoint, { rules: [rule] });
    const err = await rejection(client.send(new DescribeStreamSummaryCommand({ StreamName: A })));
    assert.equal(err.name, 'LimitExceededException');
    assert.equal(err.message, `Rate exceeded for stream ${A} under account ${ACCOUNT}.`);
    assert.equal(err.$metadata?.httpStatusCode, 400);
    const state = (await admin(t.endpoint, 'GET')).json as { rules: { matched: number; fired: number }[] };
    assert.deepEqual([state.rules[0]?.matched, state.rules[0]?.fired], [1, 1]);
    await admin(t.endpoint, 'DELETE');
  });

  it('throttles GetRecords (matched by the iterator’s stream) with ProvisionedThroughputExceededException', async () => {
    const iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: A,
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    const rule = { operations: ['GetRecords'], streams: [A], action: 'error', error: PTE, count: 2 };
    await setFaults(t.endpoint, { rules: [rule] });
    const sdk = retrying(t.endpoint, 3);
    const ok = await sdk.send(new GetRecordsCommand({ ShardIterator: iterator }));
    assert.equal(ok.$metadata.attempts, 3);
    sdk.destroy();
    await setFaults(t.endpoint, { rules: [rule] });
    const err = await rejection(client.send(new GetRecordsCommand({ ShardIterator: iterator })));
    assert.equal(err.name, PTE);
    await admin(t.endpoint, 'DELETE');
  });

  it('answers InternalFailure like an unexpected failure, and the SDK retries it', async () => {
    const rule = {
      operations: ['DescribeStreamSummary'],
      action: 'error',
      error: 'InternalFailure',
      count: 2,
    };
    await setFaults(t.endpoint, { rules: [rule] });
    const sdk = retrying(t.endpoint, 3);
    const ok = await sdk.send(new DescribeStreamSummaryCommand({ StreamName: A }));
    assert.equal(ok.$metadata.attempts, 3);
    sdk.destroy();

    await setFaults(t.endpoint, { rules: [rule] });
    const err = await rejection(client.send(new DescribeStreamSummaryCommand({ StreamName: A })));
    assert.equal(err.name, 'InternalFailure');
    assert.equal(err.$metadata?.httpStatusCode, 500);
    const raw = await rawRequest(t.endpoint, 'DescribeStreamSummary', { StreamName: A });
    assert.equal(raw.status, 500);
    assert.equal(raw.headers.get('x-amzn-errortype'), 'InternalFailure');
    assert.deepEqual(raw.json, { __type: 'InternalFailure' });
    // count 2 is spent: the next call runs.
    assert.equal((await rawRequest(t.endpoint, 'DescribeStreamSummary', { StreamName: A })).status, 200);
    await admin(t.endpoint, 'DELETE');
  });

  it('delays a call by the rule’s latency', async () => {
    await setFaults(t.endpoint, {
      rules: [{ operations: ['DescribeStreamSummary'], streams: [A], action: 'latency', latencyMs: 3000 }],
    });
    // Stream B is not delayed: its call finishes while A's is still waiting.
    const slow = client.send(new DescribeStreamSummaryCommand({ StreamName: A }));
    await client.send(new DescribeStreamSummaryCommand({ StreamName: B }));
    const first = await Promise.race([slow.then(() => 'answered'), sleep(400).then(() => 'pending')]);
    assert.equal(first, 'pending');
    assert.equal((await slow).StreamDescriptionSummary?.StreamName, A);
    await admin(t.endpoint, 'DELETE');
  });

  it('drops the request: the SDK sees a connection error, and a retry gets through', async () => {
    const rule = { operations: ['DescribeStreamSummary'], streams: [A], action: 'drop', count: 1 };
    await setFaults(t.endpoint, { rules: [rule] });
    const err = await rejection(client.send(new DescribeStreamSummaryCommand({ StreamName: A })));
    assert.equal(err.$metadata?.httpStatusCode, undefined, `no HTTP answer (${err.name}: ${err.message})`);

    await setFaults(t.endpoint, { rules: [rule] });
    const sdk = retrying(t.endpoint, 3);
    const ok = await sdk.send(new DescribeStreamSummaryCommand({ StreamName: A }));
    assert.equal(ok.$metadata.attempts, 2);
    sdk.destroy();

    // HTTP/1.1: the connection itself is cut.
    await setFaults(t.endpoint, { rules: [rule] });
    await assert.rejects(rawRequest(t.endpoint, 'DescribeStreamSummary', { StreamName: A }));
    assert.equal((await rawRequest(t.endpoint, 'DescribeStreamSummary', { StreamName: A })).status, 200);
    await admin(t.endpoint, 'DELETE');
  });

  it('throttles single PutRecords entries, which are not written', async () => {
    const name = randomName('faults-put');
    await createStream(client, name, 2);
    await setFaults(t.endpoint, {
      seed: 99,
      rules: [{ operations: ['PutRecords'], streams: [name], action: 'throttle-records', rate: 0.5 }],
    });
    const sent = entries(40);
    const r = await client.send(new PutRecordsCommand({ StreamName: name, Records: sent }));
    const records = r.Records ?? [];
    const failed = failedIndexes(records);
    assert.ok(failed.length > 0 && failed.length < sent.length, `failed ${failed.length} of 40`);
    assert.equal(r.FailedRecordCount, failed.length);
    for (const i of failed) {
      assert.equal(records[i]?.ErrorCode, PTE);
      assert.match(
        records[i]?.ErrorMessage ?? '',
        new RegExp(
          `^Rate exceeded for shard shardId-00000000000[01] in stream ${name} under account ${ACCOUNT}\\.$`,
        ),
      );
      assert.equal(records[i]?.SequenceNumber, undefined);
    }
    // The JSON fast path (pre-validated input, direct encoder) answers the same way.
    const raw = await rawRequest(t.endpoint, 'PutRecords', {
      StreamName: name,
      Records: sent
        .slice(0, 10)
        .map((e) => ({ Data: e.Data.toString('base64'), PartitionKey: e.PartitionKey })),
    });
    assert.equal(raw.status, 200);
    const rawRecords = (raw.json?.Records ?? []) as PutRecordsResultEntry[];
    assert.equal(raw.json?.FailedRecordCount, failedIndexes(rawRecords).length);
    await admin(t.endpoint, 'DELETE');

    const expected = [
      ...records.flatMap((rec, i) => (rec.SequenceNumber ? [`${rec.SequenceNumber}=record-${i}`] : [])),
      ...rawRecords.flatMap((rec, i) => (rec.SequenceNumber ? [`${rec.SequenceNumber}=record-${i}`] : [])),
    ].sort();
    const read = (await readAll(client, name)).map((x) => `${x.seq}=${x.data}`).sort();
    assert.deepEqual(read, expected);
  });

  it('answers in CBOR too: injected errors and throttled records', async () => {
    const decoder = new Decoder({ mapsAsObjects: true, useRecords: false } as never);
    const encoder = new Encoder({ useRecords: false, tagUint8Array: false } as never);
    const cbor = async (op: string, input: Record<string, unknown>) => {
      const res = await rawHttp(t.endpoint, {
        headers: { 'content-type': 'application/x-amz-cbor-1.1', 'x-amz-target': `Kinesis_20131202.${op}` },
        body: Buffer.from(encoder.encode(input)),
      });
      return { status: res.status, type: res.headers['x-amzn-errortype'], value: decoder.decode(res.body) };
    };
    await setFaults(t.endpoint, {
      rules: [
        { operations: ['DescribeStreamSummary'], streams: [A], action: 'error', error: PTE, count: 1 },
        { operations: ['PutRecords'], streams: [A], action: 'throttle-records', count: 2 },
      ],
    });
    assert.deepEqual(await cbor('DescribeStreamSummary', { StreamName: A }), {
      status: 400,
      type: PTE,
      value: { __type: PTE, message: `Rate exceeded for stream ${A} under account ${ACCOUNT}.` },
    });
    const put = await cbor('PutRecords', {
      StreamName: A,
      Records: entries(5).map((e) => ({ Data: new Uint8Array(e.Data), PartitionKey: e.PartitionKey })),
    });
    assert.equal(put.status, 200);
    const value = put.value as { FailedRecordCount: number; Records: PutRecordsResultEntry[] };
    assert.equal(value.FailedRecordCount, 2);
    assert.deepEqual(failedIndexes(value.Records), [0, 1]);
    assert.equal(value.Records[0]?.ErrorCode, PTE);
    assert.ok(value.Records[2]?.SequenceNumber);
    await admin(t.endpoint, 'DELETE');
  });

  it('leaves other streams alone', async () => {
    await setFaults(t.endpoint, {
      rules: [
        { operations: ['*'], streams: [A], action: 'error', error: 'InternalFailure' },
        { operations: ['PutRecords'], streams: [A], action: 'throttle-records' },
      ],
    });
    const err = await rejection(client.send(new DescribeStreamSummaryCommand({ StreamName: A })));
    assert.equal(err.name, 'InternalFailure');
    const d = await client.send(new DescribeStreamSummaryCommand({ StreamName: B }));
    assert.equal(d.StreamDescriptionSummary?.StreamName, B);
    const put = await client.send(new PutRecordsCommand({ StreamName: B, Records: entries(20) }));
    assert.equal(put.FailedRecordCount, 0);
    const state = (await admin(t.endpoint, 'GET')).json as { rules: { matched: number; fired: number }[] };
    assert.deepEqual(
      state.rules.map((r) => [r.matched, r.fired]),
      [
        [1, 1],
        [0, 0],
      ],
    );
    await admin(t.endpoint, 'DELETE');
  });

  it('admin endpoint: PUT replaces, GET shows counters, DELETE clears, bad rules are refused', async () => {
    const empty = await admin(t.endpoint, 'GET');
    assert.deepEqual(empty, { status: 200, json: { seed: 0, rules: [] } });
    const put = await admin(t.endpoint, 'PUT', {
      seed: 7,
      rules: [{ operations: ['ListStreams'], action: 'latency', latencyMs: 1, jitterMs: 2 }],
    });
    assert.equal(put.status, 200);
    assert.deepEqual(put.json, {
      seed: 7,
      rules: [
        {
          service: 'kinesis',
          operations: ['ListStreams'],
          action: 'latency',
          rate: 1,
          latencyMs: 1,
          jitterMs: 2,
          matched: 0,
          fired: 0,
        },
      ],
    });
    await rawRequest(t.endpoint, 'ListStreams', {});
    const got = (await admin(t.endpoint, 'GET')).json as { rules: { matched: number; fired: number }[] };
    assert.deepEqual([got.rules[0]?.matched, got.rules[0]?.fired], [1, 1]);

    const bad = await admin(t.endpoint, 'PUT', {
      rules: [{ operations: ['PutRecord'], action: 'throttle-records' }],
    });
    assert.equal(bad.status, 400);
    assert.match(
      String(bad.json.message),
      /^faults: rules\[0\]: throttle-records applies only to PutRecords/,
    );
    const notJson = await fetch(t.endpoint + FAULTS_PATH, { method: 'PUT', body: '{' });
    assert.equal(notJson.status, 400);
    // A refused PUT keeps the rules in force.
    assert.equal(((await admin(t.endpoint, 'GET')).json.rules as unknown[]).length, 1);

    assert.deepEqual(await admin(t.endpoint, 'DELETE'), { status: 200, json: { seed: 0, rules: [] } });
    assert.deepEqual((await admin(t.endpoint, 'GET')).json, { seed: 0, rules: [] });
    // Other methods on the reserved path, and the API itself, are unaffected.
    assert.equal((await fetch(t.endpoint + FAULTS_PATH, { method: 'PATCH' })).status, 405);
    assert.equal((await rawRequest(t.endpoint, 'ListStreams', {})).status, 200);
  });

  it('shardline faults set|list|clear', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shardline-faults-cli-'));
    try {
      const file = join(dir, 'faults.yaml');
      await writeFile(
        file,
        [
          'streams: [ignored-by-the-cli]',
          'faults:',
          '  seed: 5',
          '  rules:',
          '    - operations: [GetRecords]',
          `      streams: [${A}]`,
          '      action: error',
          '      error: ProvisionedThroughputExceededException',
          '      rate: 0.25',
          '      count: 3',
          '',
        ].join('\n'),
      );
      const set = await run(['faults', 'set', file, '--endpoint', t.endpoint]);
      assert.equal(set.code, 0, set.stderr);
      assert.match(
        set.stdout,
        /^seed 5\n#0 kinesis GetRecords streams=faults-a-\w+: error ProvisionedThroughputExceededException rate=0\.25 count=3 matched=0 fired=0\n$/,
      );
      const list = await run(['faults', 'list', '--json', '--endpoint', t.endpoint]);
      assert.equal(list.code, 0, list.stderr);
      assert.equal((JSON.parse(list.stdout) as { rules: unknown[] }).rules.length, 1);
      await writeFile(join(dir, 'bad.json'), JSON.stringify({ rules: [{ action: 'latency' }] }));
      const bad = await run(['faults', 'set', join(dir, 'bad.json'), '--endpoint', t.endpoint]);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /^shardline: faults: rules\[0\]: action latency needs "latencyMs"/);
      const clear = await run(['faults', 'clear', '--endpoint', t.endpoint]);
      assert.equal(clear.code, 0, clear.stderr);
      assert.equal((await run(['faults', 'list', '--endpoint', t.endpoint])).stdout, 'no fault rules\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('fault injection: determinism and the bootstrap file', {
  skip: process.env.SHARDLINE_ENDPOINT ? 'needs the in-process server' : false,
}, () => {
  it('the same seed gives the same throttled records on fresh servers', async () => {
    const runOnce = async (seed: number): Promise<number[]> => {
      const t = await startTestServer();
      const c = kinesis(t.endpoint);
      try {
        await createStream(c, 'orders', 2);
        await setFaults(t.endpoint, {
          seed,
          rules: [{ operations: ['PutRecords'], streams: ['orders'], action: 'throttle-records', rate: 0.5 }],
        });
        const failed: number[] = [];
        for (let call = 0; call < 3; call++) {
          const r = await c.send(new PutRecordsCommand({ StreamName: 'orders', Records: entries(30) }));
          failed.push(...failedIndexes(r.Records ?? []).map((i) => call * 100 + i));
        }
        return failed;
      } finally {
        c.destroy();
        await t.close();
      }
    };
    const first = await runOnce(1234);
    assert.ok(first.length > 0);
    assert.deepEqual(await runOnce(1234), first);
    assert.notDeepEqual(await runOnce(4321), first);
  });

  it('loads the faults: section of the bootstrap file before listening', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shardline-faults-boot-'));
    try {
      const file = join(dir, 'shardline.yaml');
      await writeFile(
        file,
        [
          'streams:',
          '  - name: boot-orders',
          '    shards: 1',
          'faults:',
          '  seed: 42',
          '  rules:',
          '    - operations: [DescribeStreamSummary]',
          '      streams: [boot-orders]',
          '      action: error',
          '      error: LimitExceededException',
          '      count: 1',
          '',
        ].join('\n'),
      );
      const t = await startTestServerAt(join(dir, 'data'), { bootstrapFile: file });
      const c = kinesis(t.endpoint);
      try {
        const state = (await admin(t.endpoint, 'GET')).json as { seed: number; rules: unknown[] };
        assert.equal(state.seed, 42);
        assert.equal(state.rules.length, 1);
        const err = await rejection(c.send(new DescribeStreamSummaryCommand({ StreamName: 'boot-orders' })));
        assert.equal(err.name, 'LimitExceededException');
        const ok = await c.send(new DescribeStreamSummaryCommand({ StreamName: 'boot-orders' }));
        assert.equal(ok.StreamDescriptionSummary?.StreamStatus, 'ACTIVE');
      } finally {
        c.destroy();
        await t.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad faults: section with one line naming the file and the rule', () => {
    assert.throws(
      () => parsePlan({ faults: { rules: [{ operations: ['Nope'], action: 'drop' }] } }, 'shardline.yaml'),
      (err: unknown) =>
        err instanceof BootstrapError &&
        err.message === 'shardline.yaml: faults: rules[0]: unknown operation "Nope" for service kinesis',
    );
    assert.throws(
      () => parsePlan({ fault: {} }, 'f.yaml'),
      /unknown key "fault" \(expected "streams" or "faults"\)/,
    );
  });
});

const run = (args: string[]) => runCli(args);
