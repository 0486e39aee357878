// SubscribeToShard through the official SDK v3 (HTTP/2, async-iterator EventStream): push on
// commit, order across re-subscribes, starting positions, heartbeats, lifetime, take-over rules,
// errors before and during the stream, and the end of a closed shard.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  DeregisterStreamConsumerCommand,
  type KinesisClient,
  PutRecordCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  type StartingPosition,
  SubscribeToShardCommand,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import type { TestHooks } from '../src/kinesis/state/services.js';
import {
  ACCOUNT,
  kinesis,
  needsInProcess,
  REGION,
  randomName,
  startTestServer,
  type TestServer,
} from './helpers.js';

const arnOf = (name: string): string => `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`;
const SHARD0 = 'shardId-000000000000';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rejects(p: Promise<unknown>, name: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

describe('SubscribeToShard via SDK v3', () => {
  let server: TestServer;
  let client: KinesisClient;

  before(async () => {
    server = await startTestServer();
    client = kinesis(server.endpoint);
  });
  // Subscriptions a case leaves (leaving the iterator does not end the HTTP/2 stream, and the SDK
  // keeps event streams on sessions of their own that destroy() does not reach) end here: an
  // in-process server ends them as it closes, SHARDLINE_ENDPOINT's would keep them for 5 minutes.
  const leftOpen = new AbortController();
  after(async () => {
    leftOpen.abort();
    client.destroy();
    await server.close();
  });

  const setHook = (key: keyof TestHooks, value: number | undefined): void => {
    server.server!.services.hooks[key] = value;
  };

  async function streamWithConsumer(shards = 1): Promise<{ name: string; consumerArn: string }> {
    const name = randomName('fan');
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
    const reg = await client.send(
      new RegisterStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: 'c' }),
    );
    return { name, consumerArn: reg.Consumer!.ConsumerARN! };
  }

  const subscribe = async (
    consumerArn: string,
    position: StartingPosition,
    shardId = SHARD0,
    abortSignal: AbortSignal = leftOpen.signal,
  ) =>
    (
      await client.send(
        new SubscribeToShardCommand({
          ConsumerARN: consumerArn,
          ShardId: shardId,
          StartingPosition: position,
        }),
        { abortSignal },
      )
    ).EventStream as AsyncIterable<SubscribeToShardEventStream>;

  async function put(name: string, data: string): Promise<string> {
    const r = await client.send(
      new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: Buffer.from(data) }),
    );
    return r.SequenceNumber!;
  }

  it('ContinuationSequenceNumber is a distinct position after the last record; AT and AFTER it resume without loss or duplicates', async () => {
    const { name, consumerArn } = await streamWithConsumer();
    const first = await put(name, 'a');
    let continuation: string | undefined;
    let seen: string[] = [];
    for await (const ev of await subscribe(consumerArn, { Type: 'TRIM_HORIZON' })) {
      const e = ev.SubscribeToShardEvent!;
      if ((e.Records ?? []).length === 0) continue;
      seen = (e.Records ?? []).map((r) => r.SequenceNumber!);
      continuation = e.ContinuationSequenceNumber;
      break;
    }
    assert.deepEqual(seen, [first]);
    assert.ok(continuation !== undefined);
    assert.notEqual(continuation, first, "not the last record's number (AWS returns a position after it)");
    assert.match(continuation, /^\d{56}$/);
    const later = [await put(name, 'b'), await put(name, 'c')];
    assert.ok(BigInt(first) < BigInt(continuation) && BigInt(continuation) < BigInt(later[0]!));
    for (const [i, type] of (['AFTER_SEQUENCE_NUMBER', 'AT_SEQUENCE_NUMBER'] as const).entries()) {
      const reg = await client.send(
        new RegisterStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: `resume${i}` }),
      );
      const got: string[] = [];
      for await (const ev of await subscribe(reg.Consumer!.ConsumerARN!, {
        Type: type,
        SequenceNumber: continuation,
      })) {
        for (const r of ev.SubscribeToShardEvent?.Records ?? []) got.push(r.SequenceNumber!);
        if (got.length >= later.length) break;
      }
      assert.deepEqual(got, later, `${type} the continuation`);
    }
  });

  it('every record, in order, across re-subscribes with AFTER_SEQUENCE_NUMBER (lifetime ends each subscription)', {
    skip: needsInProcess('internals', 'the subscription lifetime hook'),
  }, async () => {
    setHook('subscriptionLifetimeMs', 1_200);
    try {
      const { name, consumerArn } = await streamWithConsumer();
      const total = 400;
      const producer = (async () => {
        for (let i = 0; i < total; i += 10) {
          await client.send(
            new PutRecordsCommand({
              StreamName: name,
              Records: Array.from({ length: 10 }, (_, j) => ({
                PartitionKey: 'p',
                Data: Buffer.from(`r${i + j}`),
              })),
            }),
          );
          await sleep(40);
        }
      })();
      const got: string[] = [];
      let position: StartingPosition = { Type: 'TRIM_HORIZON' };
      let subscriptions = 0;
      while (got.length < total) {
        subscriptions++;
        assert.ok(subscriptions < 20, 'too many subscriptions');
        let continuation: string | undefined;
        for await (const ev of await subscribe(consumerArn, position)) {
          const e = ev.SubscribeToShardEvent;
          assert.ok(e, `unexpected event ${JSON.stringify(ev)}`);
          for (const r of e.Records ?? []) got.push(Buffer.from(r.Data!).toString());
          continuation = e.ContinuationSequenceNumber;
          if (got.length >= total) break;
        }
        assert.ok(continuation, 'each subscription delivers at least one event');
        position = { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: continuation };
        await sleep(50);
      }
      await producer;
      assert.deepEqual(
        got,
        Array.from({ length: total }, (_, i) => `r${i}`),
      );
      assert.ok(subscriptions >= 2, `the lifetime ended subscriptions (${subscriptions})`);
    } finally {
      setHook('subscriptionLifetimeMs', undefined);
    }
  });

  it('pushes a record as soon as it is committed (no polling)', async (t) => {
    const { name, consumerArn } = await streamWithConsumer();
    const stream = await subscribe(consumerArn, { Type: 'LATEST' });
    const latencies: number[] = [];
    const iterator = stream[Symbol.asyncIterator]();
    let heartbeats = 0;
    for (let i = 0; i < 20; i++) {
      const sentAt = performance.now();
      await put(name, `x${i}`);
      for (;;) {
        const { value } = await iterator.next();
        const recs = value?.SubscribeToShardEvent?.Records ?? [];
        if (recs.length > 0) {
          assert.equal(Buffer.from(recs[0]!.Data!).toString(), `x${i}`);
          break;
        }
        heartbeats++;
      }
      latencies.push(performance.now() - sentAt);
    }
    await iterator.return?.();
    // Idle, a session wakes by itself only for its 5 s heartbeat: a record that arrives before any
    // heartbeat was pushed by its commit. How fast is the benchmark's business; here it is reported.
    assert.equal(heartbeats, 0, 'each record came in the first event after its put, before any heartbeat');
    latencies.sort((a, b) => a - b);
    t.diagnostic(`median put→receive ${latencies[10]!.toFixed(1)} ms`);
  });

  it('all five starting positions', async () => {
    const { name, consumerArn } = await streamWithConsumer();
    const seqs: string[] = [];
    for (let i = 0; i < 3; i++) seqs.push(await put(name, `s${i}`));
    await sleep(20);
    const tsBetween = Date.now();
    await sleep(20);
    seqs.push(await put(name, 's3'));

    // Leaving the iterator does not end the HTTP/2 stream; aborting the request does.
    const first = async (position: StartingPosition): Promise<string | undefined> => {
      const abort = new AbortController();
      try {
        for await (const ev of await subscribe(consumerArn, position, SHARD0, abort.signal)) {
          const r = ev.SubscribeToShardEvent?.Records?.[0];
          return r ? Buffer.from(r.Data!).toString() : undefined;
        }
        return undefined;
      } finally {
        abort.abort();
      }
    };
    assert.equal(await first({ Type: 'TRIM_HORIZON' }), 's0');
    await sleep(1_050); // one call per second per consumer and shard (the previous one has ended)
    assert.equal(await first({ Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: seqs[1] }), 's1');
    await sleep(1_050);
    assert.equal(await first({ Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: seqs[1] }), 's2');
    await sleep(1_050);
    assert.equal(await first({ Type: 'AT_TIMESTAMP', Timestamp: new Date(tsBetween) }), 's3');
    await sleep(1_050);
    // LATEST: nothing old; the next record put is the first one seen.
    const latest = (await subscribe(consumerArn, { Type: 'LATEST' }))[Symbol.asyncIterator]();
    await put(name, 's4');
    for (;;) {
      const { value } = await latest.next();
      const r = value?.SubscribeToShardEvent?.Records?.[0];
      if (r) {
        assert.equal(Buffer.from(r.Data!).toString(), 's4');
        break;
      }
    }
    await latest.return?.();
  });

  it('empty events while idle carry a ContinuationSequenceNumber', {
    skip: needsInProcess('internals', 'the heartbeat hook'),
  }, async () => {
    setHook('subscriptionHeartbeatMs', 150);
    try {
      const { name, consumerArn } = await streamWithConsumer();
      const seq = await put(name, 'only');
      const events: { records: number; continuation: string | undefined; behind: number | undefined }[] = [];
      const started = Date.now();
      for await (const ev of await subscribe(consumerArn, { Type: 'TRIM_HORIZON' })) {
        const e = ev.SubscribeToShardEvent!;
        events.push({
          records: e.Records?.length ?? 0,
          continuation: e.ContinuationSequenceNumber,
          behind: e.MillisBehindLatest,
        });
        if (events.length === 4) break;
      }
      assert.equal(events[0]?.records, 1);
      for (const e of events.slice(1)) {
        assert.equal(e.records, 0);
        // A distinct position just after the record (AWS does not repeat the record's number).
        assert.notEqual(e.continuation, seq);
        assert.ok(BigInt(e.continuation!) > BigInt(seq));
        assert.equal(e.continuation, events[1]?.continuation);
        assert.equal(e.behind, 0);
      }
      assert.ok(Date.now() - started >= 400, 'heartbeats are paced, not a busy loop');
    } finally {
      setHook('subscriptionHeartbeatMs', undefined);
    }
  });

  it('take-over rules: refused within 5 s, taken over after; the old stream ends with ResourceInUseException', async () => {
    const { name, consumerArn } = await streamWithConsumer();
    const old = (await subscribe(consumerArn, { Type: 'LATEST' }))[Symbol.asyncIterator]();
    const oldEvents = (async () => {
      const seen: string[] = [];
      try {
        for (;;) {
          const { value, done } = await old.next();
          if (done) return { seen, error: undefined };
          for (const r of value.SubscribeToShardEvent?.Records ?? [])
            seen.push(Buffer.from(r.Data!).toString());
        }
      } catch (err) {
        return { seen, error: err as Error };
      }
    })();
    await put(name, 'before');
    await sleep(200);
    await rejects(
      subscribe(consumerArn, { Type: 'LATEST' }),
      'ResourceInUseException',
      `Another active subscription exists for this consumer: ${consumerArn}`,
    );
    // The refused call does not disturb the running subscription.
    await put(name, 'still');
    await sleep(5_000);
    const fresh = (await subscribe(consumerArn, { Type: 'LATEST' }))[Symbol.asyncIterator]();
    const ended = await oldEvents;
    assert.deepEqual(ended.seen, ['before', 'still']);
    assert.equal(ended.error?.name, 'ResourceInUseException');
    await put(name, 'after');
    for (;;) {
      const { value } = await fresh.next();
      const r = value?.SubscribeToShardEvent?.Records?.[0];
      if (r) {
        assert.equal(Buffer.from(r.Data!).toString(), 'after');
        break;
      }
    }
    await fresh.return?.();
  });

  it('errors before streaming are ordinary responses with AWS wording', async () => {
    const { name, consumerArn } = await streamWithConsumer(2);
    const missing = `${arnOf(name)}/consumer/nobody:1`;
    await rejects(
      subscribe(missing, { Type: 'LATEST' }),
      'ResourceNotFoundException',
      `Consumer ${missing} under account ${ACCOUNT} not found.`,
    );
    await rejects(
      subscribe(consumerArn, { Type: 'LATEST' }, 'shardId-000000000007'),
      'ResourceNotFoundException',
      `Shard shardId-000000000007 in stream ${name} under account ${ACCOUNT} does not exist`,
    );
    await rejects(subscribe(consumerArn, { Type: 'AT_SEQUENCE_NUMBER' }), 'InvalidArgumentException');
    await rejects(subscribe(consumerArn, { Type: 'AT_TIMESTAMP' }), 'InvalidArgumentException');
    await rejects(
      subscribe(consumerArn, { Type: 'TRIM_HORIZON', SequenceNumber: '1' }),
      'InvalidArgumentException',
    );
    await rejects(
      subscribe(consumerArn, { Type: 'AT_TIMESTAMP', Timestamp: new Date(Date.now() + 3_600_000) }),
      'InvalidArgumentException',
      /cannot be greater than the currentTimestampInMillis/,
    );
    // A sequence number of another shard.
    const r = await client.send(
      new PutRecordCommand({
        StreamName: name,
        PartitionKey: 'k',
        Data: Buffer.from('x'),
        ExplicitHashKey: '340282366920938463463374607431768211455',
      }),
    );
    assert.equal(r.ShardId, 'shardId-000000000001');
    await rejects(
      subscribe(consumerArn, { Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: r.SequenceNumber }),
      'InvalidArgumentException',
    );
  });

  it('a consumer still CREATING cannot subscribe', {
    skip: needsInProcess('flags', '--state-delay-ms 2000'),
  }, async () => {
    const slow = await startTestServer({ stateDelayMs: 2_000 });
    const c = kinesis(slow.endpoint);
    try {
      const name = randomName('fan');
      await c.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
      await sleep(2_050);
      const arn = (
        await c.send(new RegisterStreamConsumerCommand({ StreamARN: arnOf(name), ConsumerName: 'slow' }))
      ).Consumer!.ConsumerARN!;
      await rejects(
        c.send(
          new SubscribeToShardCommand({
            ConsumerARN: arn,
            ShardId: SHARD0,
            StartingPosition: { Type: 'LATEST' },
          }),
        ),
        'ResourceInUseException',
        `Consumer slow with creation timestamp ${arn.split(':').at(-1)} under stream: ${name} , account ${ACCOUNT} is not in ACTIVE status.`,
      );
    } finally {
      c.destroy();
      await slow.close();
    }
  });

  it('deregistering the consumer ends its subscriptions with an exception event', {
    skip: needsInProcess('internals', 'the heartbeat hook'),
  }, async () => {
    setHook('subscriptionHeartbeatMs', 100);
    try {
      const { consumerArn } = await streamWithConsumer();
      const stream = await subscribe(consumerArn, { Type: 'LATEST' });
      await client.send(new DeregisterStreamConsumerCommand({ ConsumerARN: consumerArn }));
      await assert.rejects(
        (async () => {
          for await (const _ of stream) {
            // heartbeats until the session notices
          }
        })(),
        (err: Error) => err.name === 'ResourceNotFoundException' || err.name === 'ResourceInUseException',
      );
    } finally {
      setHook('subscriptionHeartbeatMs', undefined);
    }
  });

  it('at the end of a closed shard the last event carries ChildShards and the stream ends', {
    skip: needsInProcess('internals', 'the engine metadata store (a shard closed behind the API)'),
  }, async () => {
    setHook('subscriptionHeartbeatMs', 100);
    try {
      const { name, consumerArn } = await streamWithConsumer();
      await put(name, 'a');
      await put(name, 'b');
      const stream = await subscribe(consumerArn, { Type: 'TRIM_HORIZON' });
      // Resharding is not implemented yet: close shard 0 behind the API, as SplitShard will.
      const meta = server.server!.services.engine.meta;
      const key = `stream/${ACCOUNT}/${REGION}/${name}`;
      const entry = (await meta.get(key))!;
      const s = JSON.parse(entry.value);
      const mid = ((1n << 127n) - 1n).toString();
      s.shards = [
        { ...s.shards[0], closedEndOffset: 2, closedAtMs: Date.now() },
        { index: 1, start: '0', end: mid, parent: 0, createdAtMs: Date.now() },
        {
          index: 2,
          start: (1n << 127n).toString(),
          end: s.shards[0].end,
          parent: 0,
          createdAtMs: Date.now(),
        },
      ];
      s.nextShardIndex = 3;
      await meta.put(key, JSON.stringify(s), entry.revision);
      const records: string[] = [];
      let last: Record<string, unknown> | undefined;
      for await (const ev of stream) {
        const e = ev.SubscribeToShardEvent!;
        for (const r of e.Records ?? []) records.push(Buffer.from(r.Data!).toString());
        last = e as unknown as Record<string, unknown>;
      }
      assert.deepEqual(records, ['a', 'b']);
      assert.deepEqual(last?.ChildShards, [
        {
          ShardId: 'shardId-000000000001',
          ParentShards: [SHARD0],
          HashKeyRange: { StartingHashKey: '0', EndingHashKey: mid },
        },
        {
          ShardId: 'shardId-000000000002',
          ParentShards: [SHARD0],
          HashKeyRange: { StartingHashKey: (1n << 127n).toString(), EndingHashKey: s.shards[2].end },
        },
      ]);
    } finally {
      setHook('subscriptionHeartbeatMs', undefined);
    }
  });
});
