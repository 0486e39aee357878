// Sequence numbers on the wire: AWS's layout, and the answers that depend on it (GetShardIterator
// with numbers of other shards / unreadable ones, PutRecord's SequenceNumberForOrdering). The
// expected texts are AWS's, as recorded in kinesalite's test/getShardIterator.js and test/putRecord.js.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer } from '../src/app.js';
import { defaultConfig } from '../src/core/config.js';
import { streamTagOf } from '../src/kinesis/domain/sequence-number.js';
import { openEngine } from '../src/storage/open-engine.js';
import {
  ACCOUNT,
  needsInProcess,
  randomName,
  rawRequest,
  startTestServer,
  type TestServer,
  waitFor,
} from './helpers.js';
import { jsonHeaders, rawHttp, rawHttp2 } from './protocol-client.js';

const fromHex = (hex: string) => BigInt(`0x${hex}`).toString();
const hexOf = (seq: string) => BigInt(seq).toString(16);

describe('sequence numbers in AWS layout (raw HTTP)', () => {
  let server: TestServer;
  let name: string;
  let createdSecs: number;
  const call = (target: string, body: unknown) => rawRequest(server.endpoint, target, body);

  before(async () => {
    // Limits off: the test calls GetShardIterator on one shard faster than its 5 per second.
    server = await startTestServer({ limits: 'off' });
    name = randomName('seq');
    const before = Math.floor(Date.now() / 1000);
    const created = await call('CreateStream', { StreamName: name, ShardCount: 2 });
    assert.equal(created.status, 200);
    await waitFor(async () => {
      const d = await call('DescribeStream', { StreamName: name });
      return ((d.json?.StreamDescription ?? {}) as { StreamStatus?: string } | undefined)?.StreamStatus ===
        'ACTIVE'
        ? true
        : undefined;
    });
    createdSecs = before;
  });
  after(() => server.close());

  const put = async (shardIx: 0 | 1, extra: Record<string, unknown> = {}) => {
    const out = await call('PutRecord', {
      StreamName: name,
      PartitionKey: 'p',
      Data: 'aGk=',
      ExplicitHashKey: shardIx === 0 ? '0' : (2n ** 128n - 1n).toString(),
      ...extra,
    });
    return out;
  };

  const assertError = (
    got: Awaited<ReturnType<typeof call>>,
    status: number,
    type: string,
    message?: string,
  ) => {
    assert.equal(got.status, status, got.body);
    assert.equal(got.headers.get('x-amzn-errortype')?.split(':')[0], type);
    assert.deepEqual(got.json, message === undefined ? { __type: type } : { __type: type, message });
  };

  it('PutRecord, DescribeStream and GetRecords give numbers matching the pattern of real AWS numbers', async () => {
    for (const shardIx of [0, 1] as const) {
      const out = await put(shardIx);
      assert.equal(out.status, 200);
      const seq = String(out.json?.SequenceNumber);
      assert.match(seq, /^\d{56}$/);
      const hex = hexOf(seq);
      // kinesalite test/helpers.js assertSequenceNumber
      assert.match(hex, new RegExp(`^20[0-9a-f]{8}${shardIx}[0-9a-f]{16}000[0-9a-f]{8}0000000${shardIx}2$`));
      const shardCreated = Number.parseInt(hex.slice(2, 10), 16);
      assert.ok(shardCreated >= createdSecs - 1 && shardCreated <= Date.now() / 1000 + 1);
    }
    const d = await call('DescribeStream', { StreamName: name });
    const shards = (
      (d.json?.StreamDescription ?? {}) as {
        Shards: { SequenceNumberRange: { StartingSequenceNumber: string } }[];
      }
    ).Shards;
    for (const [i, s] of shards.entries())
      assert.match(
        hexOf(s.SequenceNumberRange.StartingSequenceNumber),
        new RegExp(`^20[0-9a-f]{8}${i}0{16}000[0-9a-f]{8}0000000${i}2$`),
      );
  });

  const iterator = (shardId: string, seq: string, type = 'AT_SEQUENCE_NUMBER') =>
    call('GetShardIterator', {
      StreamName: name,
      ShardId: shardId,
      ShardIteratorType: type,
      StartingSequenceNumber: seq,
    });
  const invalidStart = (seq: string, suffix = '') =>
    `StartingSequenceNumber ${seq} used in GetShardIterator on shard shardId-000000000000 in stream ${name} ` +
    `under account ${ACCOUNT} is invalid${suffix}.`;

  it('GetShardIterator with a number of another shard names the shard it encodes', async () => {
    const seq = String((await put(1)).json?.SequenceNumber);
    assertError(
      await iterator('shardId-000000000000', seq),
      400,
      'InvalidArgumentException',
      'Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used in a call to a shard with shardId-000000000000',
    );
    // A small number: "5" encodes shard 5 (recorded).
    assertError(
      await iterator('shardId-0', '5'),
      400,
      'InvalidArgumentException',
      'Invalid StartingSequenceNumber. It encodes shardId-000000000005, while it was used in a call to a shard with shardId-000000000000',
    );
    // An 8 near the end: a negative shard index (recorded).
    assertError(
      await iterator('shardId-0', fromHex('20000000000000000000000000000000000000800000002')),
      400,
      'InvalidArgumentException',
      'Invalid StartingSequenceNumber. It encodes shardId--02147483648, while it was used in a call to a shard with shardId-000000000000',
    );
  });

  it('GetShardIterator with unreadable numbers: invalid; with "0" (an old-format number): InternalFailure', async () => {
    const largeDate = fromHex('13bb2cc3d80000000000000000000000');
    assert.equal(largeDate, '26227199374822427428162556223570313216');
    assertError(
      await iterator('shardId-0', largeDate),
      400,
      'InvalidArgumentException',
      invalidStart(largeDate),
    );
    const eightInIndex = fromHex('20000000000800000000000000000000000000000000002');
    assertError(
      await iterator('shardId-0', eightInIndex),
      400,
      'InvalidArgumentException',
      invalidStart(eightInIndex),
    );
    assertError(await iterator('shardId-0', '0'), 500, 'InternalFailure');
  });

  it('GetShardIterator with a number of this shard index but another shard creation time: not from this stream', async () => {
    const seq = String((await put(0)).json?.SequenceNumber);
    const hex = hexOf(seq);
    const otherTime = (Number.parseInt(hex.slice(1, 10), 16) - 1).toString(16).padStart(9, '0');
    const foreign = fromHex(`2${otherTime}${hex.slice(10)}`);
    assertError(
      await iterator('shardId-0', foreign),
      400,
      'InvalidArgumentException',
      invalidStart(foreign, ' because it did not come from this stream'),
    );
  });

  it('AT and AFTER a record number read from it and past it', async () => {
    const a = String((await put(0, { Data: 'YQ==' })).json?.SequenceNumber);
    const b = String((await put(0, { Data: 'Yg==' })).json?.SequenceNumber);
    const read = async (seq: string, type: string) => {
      const it0 = await iterator('shardId-0', seq, type);
      assert.equal(it0.status, 200, it0.body);
      const got = await call('GetRecords', { ShardIterator: it0.json?.ShardIterator });
      return ((got.json?.Records ?? []) as { SequenceNumber: string }[]).map((r) => r.SequenceNumber);
    };
    assert.deepEqual((await read(a, 'AT_SEQUENCE_NUMBER')).slice(0, 2), [a, b]);
    assert.deepEqual((await read(a, 'AFTER_SEQUENCE_NUMBER'))[0], b);
  });

  const invalidOrdering = (seq: string) =>
    `ExclusiveMinimumSequenceNumber ${seq} used in PutRecord on stream ${name} under account ${ACCOUNT} is invalid.`;

  it('PutRecord accepts the SequenceNumberForOrdering values AWS accepts', async () => {
    const other = String((await put(1)).json?.SequenceNumber);
    for (const seq of [
      '0',
      '5',
      other, // a number of another shard
      fromHex('20000000000000000000000000000000000000000000002'), // all 0
      fromHex('20000000000000000000000000000000000000000000001'), // all 0, version 1
      fromHex('20000000000000000000000000000000000000800000002'), // 8 near end
    ]) {
      const out = await put(0, { SequenceNumberForOrdering: seq });
      assert.equal(out.status, 200, `${seq}: ${out.body}`);
      assert.equal(out.json?.ShardId, 'shardId-000000000000');
      assert.ok(BigInt(String(out.json?.SequenceNumber)) > 0n);
    }
  });

  it('the same answers, byte for byte, over HTTP/1.1 and HTTP/2', async () => {
    const cases: [string, Record<string, unknown>, number, string][] = [
      [
        'GetShardIterator',
        {
          StreamName: name,
          ShardId: 'shardId-0',
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          StartingSequenceNumber: '5',
        },
        400,
        JSON.stringify({
          __type: 'InvalidArgumentException',
          message:
            'Invalid StartingSequenceNumber. It encodes shardId-000000000005, while it was used in a call to a shard with shardId-000000000000',
        }),
      ],
      [
        'GetShardIterator',
        {
          StreamName: name,
          ShardId: 'shardId-0',
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          StartingSequenceNumber: '0',
        },
        500,
        '{"__type":"InternalFailure"}',
      ],
      [
        'PutRecord',
        {
          StreamName: name,
          PartitionKey: 'a',
          Data: '',
          SequenceNumberForOrdering: fromHex('30000000000000000000000000000000000000000000001'),
        },
        400,
        JSON.stringify({
          __type: 'InvalidArgumentException',
          message: invalidOrdering(fromHex('30000000000000000000000000000000000000000000001')),
        }),
      ],
    ];
    for (const [target, body, status, expected] of cases)
      for (const send of [rawHttp, rawHttp2]) {
        const got = await send(server.endpoint, { headers: jsonHeaders(target), body: JSON.stringify(body) });
        assert.equal(got.status, status, `${target} ${send.name}`);
        assert.equal(got.text, expected, `${target} ${send.name}`);
        assert.equal(got.headers['content-type'], 'application/x-amz-json-1.1');
      }
  });

  it('PutRecord rejects the recorded unreadable SequenceNumberForOrdering values', async () => {
    for (const hex of [
      '20000000000000000000000000000000000000000000000', // version 0
      '20000000000000000000000000000000000000000000004', // version 4
      '20000000000000000000000000000000000000000000003', // version 3
      '30000000000000000000000000000000000000000000001', // initial 3
      '1ffffffffff7fffffffffffffff000000000007fffffff2', // initial 1
      '20000000000800000000000000000000000000000000002', // 8 in index
      '13bb2cc3d80000000000000000000000', // large date
      '2ffffffffff7fffffffffffffff000000000007fffffff2', // all f
    ]) {
      const seq = fromHex(hex);
      assertError(
        await put(0, { SequenceNumberForOrdering: seq }),
        400,
        'InvalidArgumentException',
        invalidOrdering(seq),
      );
    }
  });
});

// A data directory written by an earlier version holds no encoded numbers (logs and metadata keep
// offsets and creation times), so it serves the same numbers after a restart; numbers of the earlier
// layout that clients still hold keep placing reads.
describe('sequence numbers across a restart, and numbers of the earlier layout', () => {
  it('a restarted data dir gives the same numbers; earlier-layout numbers of the stream still place reads', {
    skip: needsInProcess('process', 'a restart on the same data dir'),
  }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'shardline-seq-'));
    const config = { ...defaultConfig, port: 0, dataDir, stateDelayMs: 0, durability: 'none' as const };
    const open = () => openEngine({ kind: 'local', dataDir, durability: 'none' });
    try {
      let server = await startServer(config, await open());
      const name = randomName('seqold');
      const call = (target: string, body: unknown) => rawRequest(server.endpoint, target, body);
      assert.equal((await call('CreateStream', { StreamName: name, ShardCount: 1 })).status, 200);
      const seqs: string[] = [];
      for (const data of ['YQ==', 'Yg==', 'Yw=='])
        seqs.push(
          String(
            (await call('PutRecord', { StreamName: name, PartitionKey: 'k', Data: data })).json
              ?.SequenceNumber,
          ),
        );
      await server.close();

      server = await startServer(config, await open());
      const meta = (await server.services.streams.all(Date.now())).find((s) => s.name === name)!;
      const read = async (seq: string, type: string) => {
        const it0 = await call('GetShardIterator', {
          StreamName: name,
          ShardId: 'shardId-0',
          ShardIteratorType: type,
          StartingSequenceNumber: seq,
        });
        assert.equal(it0.status, 200, it0.body);
        const got = await call('GetRecords', { ShardIterator: it0.json?.ShardIterator });
        return ((got.json?.Records ?? []) as { SequenceNumber: string }[]).map((r) => r.SequenceNumber);
      };
      assert.deepEqual(
        await read(seqs[0]!, 'AT_SEQUENCE_NUMBER'),
        seqs,
        'the same numbers after the restart',
      );
      const legacy = (tag: number, offset: number) =>
        ((1n << 184n) + (BigInt(tag) << 160n) + BigInt(offset + 1)).toString();
      const tag = streamTagOf(meta.uid);
      assert.deepEqual(await read(legacy(tag, 1), 'AT_SEQUENCE_NUMBER'), seqs.slice(1));
      assert.deepEqual(await read(legacy(tag, 1), 'AFTER_SEQUENCE_NUMBER'), seqs.slice(2));
      const ok = await call('PutRecord', {
        StreamName: name,
        PartitionKey: 'k',
        Data: 'ZA==',
        SequenceNumberForOrdering: legacy(tag, 2),
      });
      assert.equal(ok.status, 200, ok.body);
      const foreign = legacy(tag ^ 1, 2);
      const bad = await call('PutRecord', {
        StreamName: name,
        PartitionKey: 'k',
        Data: 'ZA==',
        SequenceNumberForOrdering: foreign,
      });
      assert.equal(bad.status, 400);
      assert.equal(
        bad.json?.message,
        `ExclusiveMinimumSequenceNumber ${foreign} used in PutRecord on stream ${name} under account ${ACCOUNT} is invalid.`,
      );
      await server.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
