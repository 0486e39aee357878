import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { EventStreamCodec, Int64 } from '@smithy/eventstream-codec';
import {
  decodeMessage,
  EventStreamError,
  encodeHeaders,
  encodeMessage,
  errorMessage,
  eventHeaders,
  exceptionMessage,
  MessageSplitter,
  stringHeader,
} from './event-stream.js';

const toUtf8 = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const fromUtf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const oracle = new EventStreamCodec(toUtf8, fromUtf8);

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('event-stream encoder: golden bytes', () => {
  // Vectors from the AWS event-stream reference test suite (awslabs/aws-c-event-stream).
  it('empty message', () => {
    assert.deepEqual(encodeMessage({}, Buffer.alloc(0)), hex('00000010 00000000 05c248eb 7d98c8ff'));
  });

  it('payload only', () => {
    assert.deepEqual(
      encodeMessage({}, Buffer.from("{'foo':'bar'}")),
      hex(`0000001d 00000000 fd528c5a ${Buffer.from("{'foo':'bar'}").toString('hex')} c3653936`),
    );
  });

  it('the initial-response event, laid out by hand', () => {
    const header = (name: string, value: string): string =>
      Buffer.of(name.length).toString('hex') +
      Buffer.from(name).toString('hex') +
      '07' +
      Buffer.from([value.length >> 8, value.length & 0xff]).toString('hex') +
      Buffer.from(value).toString('hex');
    const headers = hex(
      header(':event-type', 'initial-response') +
        header(':content-type', 'application/x-amz-json-1.1') +
        header(':message-type', 'event'),
    );
    const payload = Buffer.from('{}');
    const total = 16 + headers.length + payload.length;
    const prelude = Buffer.alloc(8);
    prelude.writeUInt32BE(total, 0);
    prelude.writeUInt32BE(headers.length, 4);
    const preludeCrc = Buffer.alloc(4);
    preludeCrc.writeUInt32BE(crc32(prelude));
    const body = Buffer.concat([prelude, preludeCrc, headers, payload]);
    const messageCrc = Buffer.alloc(4);
    messageCrc.writeUInt32BE(crc32(body));
    const expected = Buffer.concat([body, messageCrc]);
    assert.deepEqual(
      encodeMessage(eventHeaders('initial-response', 'application/x-amz-json-1.1'), payload),
      expected,
    );
    // The SDK's own encoder produces the same bytes.
    const viaOracle = oracle.encode({
      headers: {
        ':event-type': { type: 'string', value: 'initial-response' },
        ':content-type': { type: 'string', value: 'application/x-amz-json-1.1' },
        ':message-type': { type: 'string', value: 'event' },
      },
      body: payload,
    });
    assert.deepEqual(Buffer.from(viaOracle), expected);
  });
});

describe('event-stream: round trips with the SDK codec', () => {
  const allTypes = {
    t: { type: 'boolean', value: true },
    f: { type: 'boolean', value: false },
    b: { type: 'byte', value: -7 },
    s: { type: 'short', value: -1234 },
    i: { type: 'integer', value: 123_456_789 },
    l: { type: 'long', value: -9_007_199_254_740_991n },
    bin: { type: 'binary', value: Buffer.from([0, 1, 2, 255]) },
    str: { type: 'string', value: 'ünïcode ✓' },
    ts: { type: 'timestamp', value: 1_700_000_000_123 },
    id: { type: 'uuid', value: '0123abcd-4567-89ef-0123-456789abcdef' },
  } as const;

  it('our encoder → SDK decoder, every header type', () => {
    const payload = Buffer.from('{"Records":[]}');
    const decoded = oracle.decode(encodeMessage(allTypes, payload));
    assert.deepEqual(Buffer.from(decoded.body), payload);
    const h = (k: string): unknown => decoded.headers[k]?.value;
    assert.equal(h('t'), true);
    assert.equal(h('f'), false);
    assert.equal(h('b'), -7);
    assert.equal(h('s'), -1234);
    assert.equal(h('i'), 123_456_789);
    assert.equal((h('l') as Int64).toString(), '-9007199254740991');
    assert.deepEqual(Buffer.from(h('bin') as Uint8Array), Buffer.from([0, 1, 2, 255]));
    assert.equal(h('str'), 'ünïcode ✓');
    assert.equal((h('ts') as Date).getTime(), 1_700_000_000_123);
    assert.equal(h('id'), '0123abcd-4567-89ef-0123-456789abcdef');
  });

  it('SDK encoder → our decoder', () => {
    const bytes = oracle.encode({
      headers: {
        ':message-type': { type: 'string', value: 'exception' },
        n: { type: 'long', value: Int64.fromNumber(-5) },
        when: { type: 'timestamp', value: new Date(1_600_000_000_000) },
        raw: { type: 'binary', value: Buffer.from('xy') },
      },
      body: Buffer.from('{"message":"m"}'),
    });
    const m = decodeMessage(bytes);
    assert.deepEqual(m.headers[':message-type'], stringHeader('exception'));
    assert.deepEqual(m.headers.n, { type: 'long', value: -5n });
    assert.deepEqual(m.headers.when, { type: 'timestamp', value: 1_600_000_000_000 });
    assert.deepEqual(m.headers.raw, { type: 'binary', value: Buffer.from('xy') });
    assert.equal(m.payload.toString(), '{"message":"m"}');
  });

  it('exception and error messages', () => {
    const ex = oracle.decode(
      exceptionMessage('ResourceInUseException', 'application/json', Buffer.from('{"message":"x"}')),
    );
    assert.equal(ex.headers[':message-type']?.value, 'exception');
    assert.equal(ex.headers[':exception-type']?.value, 'ResourceInUseException');
    const err = oracle.decode(errorMessage('InternalFailure', 'boom'));
    assert.equal(err.headers[':message-type']?.value, 'error');
    assert.equal(err.headers[':error-code']?.value, 'InternalFailure');
    assert.equal(err.headers[':error-message']?.value, 'boom');
    assert.equal(err.body.length, 0);
  });
});

describe('event-stream: corrupt and truncated frames', () => {
  const good = encodeMessage(
    eventHeaders('SubscribeToShardEvent', 'application/x-amz-json-1.1'),
    Buffer.from('{"a":1}'),
  );

  it('accepts the intact frame', () => {
    assert.equal(decodeMessage(good).payload.toString(), '{"a":1}');
  });

  it('rejects a flipped bit anywhere, and so does the SDK', () => {
    for (let i = 0; i < good.length; i++) {
      const bad = Buffer.from(good);
      bad[i] = (bad[i] as number) ^ 0x10;
      assert.throws(() => decodeMessage(bad), EventStreamError, `byte ${i}`);
      assert.throws(() => oracle.decode(bad), Error, `SDK, byte ${i}`);
    }
  });

  it('rejects truncation and trailing bytes', () => {
    for (const len of [0, 4, 11, 12, 15, good.length - 1])
      assert.throws(() => decodeMessage(good.subarray(0, len)), EventStreamError, `length ${len}`);
    assert.throws(() => decodeMessage(Buffer.concat([good, Buffer.of(0)])), EventStreamError);
  });

  it('rejects a header running past its block (with valid CRCs)', () => {
    const headers = Buffer.concat([encodeHeaders({ a: stringHeader('bc') }).subarray(0, 5)]);
    assert.throws(() => decodeMessage(encodeMessage(headers, Buffer.alloc(0))), /truncated header/);
    const unknownType = Buffer.from([1, 0x61, 42]);
    assert.throws(() => decodeMessage(encodeMessage(unknownType, Buffer.alloc(0))), /unknown header type/);
  });

  it('the splitter reassembles messages from arbitrary chunking', () => {
    const stream = Buffer.concat([good, encodeMessage({}, Buffer.from('x')), good]);
    for (const size of [1, 3, 7, 16, 100]) {
      const splitter = new MessageSplitter();
      const got: string[] = [];
      for (let i = 0; i < stream.length; i += size)
        for (const m of splitter.push(stream.subarray(i, i + size))) got.push(m.payload.toString());
      assert.deepEqual(got, ['{"a":1}', 'x', '{"a":1}']);
      assert.equal(splitter.pendingBytes, 0);
    }
    const big = encodeMessage({}, Buffer.alloc(1024 * 1024 + 5, 7));
    const two = Buffer.concat([big, good, big]);
    const splitter = new MessageSplitter();
    const sizes: number[] = [];
    for (let i = 0; i < two.length; i += 16_384)
      for (const m of splitter.push(two.subarray(i, i + 16_384))) {
        assert.ok(m.payload.every((b) => b === 7) || m.payload.toString() === '{"a":1}');
        sizes.push(m.payload.length);
      }
    assert.deepEqual(sizes, [1024 * 1024 + 5, 7, 1024 * 1024 + 5]);
    assert.equal(splitter.pendingBytes, 0);
    const corrupt = Buffer.from(good);
    corrupt[9] = (corrupt[9] as number) ^ 1;
    assert.throws(() => new MessageSplitter().push(corrupt), /prelude CRC/);
  });
});
