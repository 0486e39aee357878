// CBOR 1.1 end to end, with requests built the way the Java SDKs build them (indefinite maps,
// byte-string blobs, tag 1 + epoch milliseconds) and responses decoded by cbor-x.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Decoder, Encoder, Tag } from 'cbor-x';
import { ACCOUNT, randomName, startTestServer, type TestServer, waitFor } from './helpers.js';
import { type RawResponse, rawHttp, rawHttp2, recordPathAvailable } from './protocol-client.js';

const CBOR = 'application/x-amz-cbor-1.1';
const decoder = new Decoder({ mapsAsObjects: true, useRecords: false, int64AsNumber: true } as never);
const encoder = new Encoder({ useRecords: false, tagUint8Array: false } as never);

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

/** A Java-style body: an indefinite-length map (0xbf … 0xff) of text keys and cbor-x-encoded values. */
function javaBody(members: Record<string, unknown>): Buffer {
  const parts: Buffer[] = [Buffer.from([0xbf])];
  for (const [k, v] of Object.entries(members))
    parts.push(Buffer.from(encoder.encode(k)), Buffer.from(encoder.encode(v)));
  parts.push(Buffer.from([0xff]));
  return Buffer.concat(parts);
}

async function call(
  op: string,
  body: Buffer | Record<string, unknown>,
): Promise<RawResponse & { value: unknown }> {
  const res = await rawHttp(server.endpoint, {
    headers: { 'content-type': CBOR, 'x-amz-target': `Kinesis_20131202.${op}` },
    body: Buffer.isBuffer(body) ? body : javaBody(body),
  });
  const value = res.body.length > 0 ? decoder.decode(res.body) : undefined;
  return { ...res, value };
}

async function ok(op: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await call(op, body);
  assert.equal(res.status, 200, JSON.stringify(res.value));
  assert.equal(res.headers['content-type'], CBOR);
  return (res.value ?? {}) as Record<string, unknown>;
}

/** Finds the first tag-1 item in raw CBOR and returns the major type/size byte of its content. */
function tag1ContentByte(bytes: Buffer): number | undefined {
  const at = bytes.indexOf(0xc1);
  return at >= 0 ? bytes[at + 1] : undefined;
}

describe('CBOR 1.1', () => {
  const stream = randomName('cbor');

  before(async () => {
    await ok('CreateStream', { StreamName: stream, ShardCount: 2 });
    await waitFor(async () => {
      const out = (await ok('DescribeStreamSummary', { StreamName: stream })) as {
        StreamDescriptionSummary: { StreamStatus: string };
      };
      return out.StreamDescriptionSummary.StreamStatus === 'ACTIVE' ? true : undefined;
    });
  });

  it('answers in CBOR with integer-millisecond timestamps', async () => {
    const res = await call('DescribeStream', { StreamName: stream });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], CBOR);
    // 0x1b: the content of tag 1 is a uint64 integer, not a float (0xfb), as Java expects.
    assert.equal(tag1ContentByte(res.body), 0x1b);
    const desc = (res.value as { StreamDescription: Record<string, unknown> }).StreamDescription;
    assert.equal(desc.StreamName, stream);
    assert.equal((desc.Shards as unknown[]).length, 2);
    // cbor-x reads tag 1 as seconds (×1000): divide back to get the epoch milliseconds we sent.
    const created = (desc.StreamCreationTimestamp as Date).getTime() / 1000;
    assert.ok(Math.abs(created - Date.now()) < 60_000, `creation time ${created}`);
  });

  it('answers errors as a CBOR map {__type, message} with status 400', async () => {
    const res = await call('DescribeStream', { StreamName: 'wrong-stream-name' });
    assert.equal(res.status, 400);
    assert.equal(res.headers['content-type'], CBOR);
    assert.equal(res.headers['x-amzn-errortype'], 'ResourceNotFoundException');
    assert.deepEqual(res.value, {
      __type: 'ResourceNotFoundException',
      message: `Stream wrong-stream-name under account ${ACCOUNT} not found.`,
    });
  });

  it('answers constraint failures with ValidationException in CBOR', async () => {
    const res = await call('CreateStream', { StreamName: randomName('cbor'), ShardCount: 0 });
    assert.equal(res.status, 400);
    const value = res.value as { __type: string; message: string };
    assert.equal(value.__type, 'ValidationException');
    assert.match(
      value.message,
      /^1 validation error detected: Value '0' at 'shardCount' failed to satisfy constraint/,
    );
  });

  it('answers wrong member types with SerializationException in CBOR', async () => {
    const res = await call('CreateStream', { StreamName: randomName('cbor'), ShardCount: 'two' });
    assert.equal(res.status, 400);
    assert.equal((res.value as { __type: string }).__type, 'SerializationException');
  });

  it('answers a malformed, truncated or empty CBOR body with SerializationException', async () => {
    const valid = javaBody({ StreamName: stream });
    for (const body of [
      Buffer.from([0xbf, 0x61]),
      valid.subarray(0, valid.length - 1),
      Buffer.from('{"a":1}'),
      Buffer.alloc(0),
    ]) {
      const res = await call('DescribeStream', body);
      assert.equal(res.status, 400);
      assert.equal(res.headers['content-type'], CBOR);
      assert.deepEqual(res.value, { __type: 'SerializationException' });
    }
  });

  it('answers an unknown target with UnknownOperationException in CBOR', async () => {
    const res = await call('DescribeStreams', { StreamName: stream });
    assert.equal(res.status, 400);
    assert.deepEqual(res.value, { __type: 'UnknownOperationException' });
  });

  it('accepts a definite-length map too', async () => {
    const res = await call('ListStreams', Buffer.from(encoder.encode({ Limit: 100 })));
    assert.equal(res.status, 200);
    assert.ok((res.value as { StreamNames: string[] }).StreamNames.includes(stream));
  });

  it('puts and gets records with byte-string data and tag-1 timestamps', async (t) => {
    if (!(await recordPathAvailable(server.endpoint))) return t.skip('record path not yet available');
    const data = Buffer.from([0, 1, 2, 0xff, 0xfe]);
    const before = Date.now() - 1000;
    const put = await ok('PutRecord', { StreamName: stream, PartitionKey: 'pk', Data: data });
    assert.match(String(put.SequenceNumber), /^\d+$/);
    const batch = await ok('PutRecords', {
      StreamName: stream,
      Records: [
        { PartitionKey: 'pk', Data: Buffer.from('second') },
        { PartitionKey: 'pk', Data: new Uint8Array(0) },
      ],
    });
    assert.equal(batch.FailedRecordCount, 0);

    // AT_TIMESTAMP as Java sends it: tag 1 with an integer of epoch milliseconds.
    const iterator = await ok('GetShardIterator', {
      StreamName: stream,
      ShardId: put.ShardId,
      ShardIteratorType: 'AT_TIMESTAMP',
      Timestamp: new Tag(BigInt(before), 1),
    });
    const res = await call('GetRecords', { ShardIterator: iterator.ShardIterator });
    assert.equal(res.status, 200, JSON.stringify(res.value));
    assert.equal(tag1ContentByte(res.body), 0x1b);
    const records = (
      res.value as {
        Records: { Data: Uint8Array; ApproximateArrivalTimestamp: Date; PartitionKey: string }[];
      }
    ).Records;
    assert.equal(records.length, 3);
    assert.deepEqual(Buffer.from(records[0]?.Data ?? []), data);
    assert.equal(Buffer.from(records[1]?.Data ?? []).toString(), 'second');
    assert.equal(records[2]?.Data.length, 0);
    const arrival = (records[0]?.ApproximateArrivalTimestamp ?? new Date(0)).getTime() / 1000;
    assert.ok(arrival >= before && arrival <= Date.now() + 1000, `arrival ${arrival}`);
  });
});

// kinesalite test/connection.js (recorded against AWS): a POST without a body is answered in
// CBOR unless its content type is JSON 1.1, whatever else it sends (no content type, JSON 1.0, an
// unknown one, the retired application/json, CBOR itself); before the body and the signature.
describe('CBOR answers to empty bodies', () => {
  const cases: readonly [contentType: string | undefined, target: string | undefined, type: string][] = [
    [undefined, undefined, 'UnknownOperationException'],
    [undefined, 'Kinesis_20131202.ListStreams', 'SerializationException'],
    ['application/x-amz-json-1.0', 'Kinesis_20131202.ListStreams', 'SerializationException'],
    ['application/x-amz-json-1.1asdf', undefined, 'UnknownOperationException'],
    ['application/json', undefined, 'UnknownOperationException'],
    ['application/json', 'Kinesis_20131202.ListStreams', 'SerializationException'],
    [CBOR, 'Kinesis_20131202.ListStream', 'UnknownOperationException'],
    [CBOR, 'Kinesis_20131202.ListStreams', 'SerializationException'],
  ];
  for (const [contentType, target, type] of cases)
    for (const [transport, request] of [
      ['HTTP/1.1', rawHttp],
      ['HTTP/2', rawHttp2],
    ] as const)
      it(`${contentType ?? 'no content type'}, ${target ?? 'no target'} → ${type} (${transport})`, async () => {
        const headers: Record<string, string> = {};
        if (contentType) headers['content-type'] = contentType;
        if (target) headers['x-amz-target'] = target;
        for (const sign of [true, false]) {
          const res = await request(server.endpoint, { headers, sign });
          assert.equal(res.status, 400);
          assert.equal(res.headers['content-type'], CBOR);
          assert.equal(res.headers['x-amzn-errortype'], type);
          assert.equal(res.headers['content-length'], String(res.body.length));
          // The bytes AWS writes (kinesalite's 2018 recording): bf (indefinite map) 66 "__type", the
          // text head and "<type>", ff; cbor-x reads the same map.
          const expected = Buffer.concat([
            Buffer.from([0xbf, 0x66]),
            Buffer.from('__type'),
            Buffer.from(type.length < 24 ? [0x60 + type.length] : [0x78, type.length]),
            Buffer.from(type),
            Buffer.from([0xff]),
          ]);
          assert.deepEqual(res.body, expected);
          assert.deepEqual(decoder.decode(res.body), { __type: type });
        }
      });
});

describe('CBOR authentication errors', () => {
  it('answers a CBOR body without auth with MissingAuthenticationTokenException in CBOR', async () => {
    const res = await rawHttp(server.endpoint, {
      headers: { 'content-type': CBOR, 'x-amz-target': 'Kinesis_20131202.ListStreams', origin: 'x' },
      body: javaBody({}),
      sign: false,
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers['content-type'], CBOR);
    assert.equal(
      res.headers['access-control-expose-headers'],
      'x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date',
    );
    assert.deepEqual(decoder.decode(res.body), {
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });

  it('parses the CBOR body before looking at the target or the signature', async () => {
    for (const target of ['Kinesis_20131202.ListStreams', 'whatever']) {
      const res = await rawHttp(server.endpoint, {
        headers: { 'content-type': CBOR, 'x-amz-target': target },
        body: Buffer.from('hello'),
        sign: false,
      });
      assert.equal(res.status, 400);
      assert.deepEqual(decoder.decode(res.body), { __type: 'SerializationException' });
    }
    const res = await rawHttp(server.endpoint, {
      headers: { 'content-type': CBOR, 'x-amz-target': 'whatever' },
      body: javaBody({}),
      sign: false,
    });
    assert.deepEqual(decoder.decode(res.body), { __type: 'UnknownOperationException' });
  });
});
