// Hostile input: malformed bodies, wrong member types, huge and deep payloads, bogus targets,
// HTTP/2 protocol abuse and slow clients. After each, the server must answer AWS-shaped errors,
// stay up, and keep its metadata intact (a stream created first is checked at the end).

import assert from 'node:assert/strict';
import http2 from 'node:http2';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CreateStreamCommand, DescribeStreamCommand, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { frontEndLimits } from '../src/aws/limits.js';
import {
  Flag,
  FrameType,
  frame,
  headerBlock,
  PREFACE,
  RawH2,
  requestHeaders,
  rstStream,
} from './h2-frames.js';
import {
  kinesis,
  needsInProcess,
  randomName,
  rawRequest,
  startTestServer,
  type TestServer,
  waitFor,
} from './helpers.js';
import { jsonHeaders, rawHttp, rawHttp2, SIGNED_HEADERS } from './protocol-client.js';

let server: TestServer;
let port: number;
const sentinel = randomName('sentinel');

before(async () => {
  server = await startTestServer({ headersTimeoutMs: 600 });
  port = Number(new URL(server.endpoint).port);
  const client = kinesis(server.endpoint);
  try {
    await client.send(new CreateStreamCommand({ StreamName: sentinel, ShardCount: 3 }));
  } finally {
    client.destroy();
  }
});

after(async () => {
  await server.close();
});

async function assertHealthy(): Promise<void> {
  const res = await rawRequest(server.endpoint, 'ListStreams', {});
  assert.equal(res.status, 200, res.body);
}

const serialization = (message?: string) =>
  message === undefined
    ? { __type: 'SerializationException' }
    : { __type: 'SerializationException', Message: message };

describe('malformed bodies', () => {
  const bodies = [
    '{',
    '{"StreamName":}',
    '{"a":1}}',
    "{'a':1}",
    '[1,2',
    'nul',
    '\u0000',
    '{"a":"\\x"}',
    '{"a":1,}',
  ];
  for (const body of bodies)
    it(`answers ${JSON.stringify(body)} with SerializationException`, async () => {
      const res = await rawRequest(server.endpoint, 'ListStreams', body);
      assert.equal(res.status, 400);
      assert.deepEqual(res.json, serialization());
    });

  it('answers invalid UTF-8 with SerializationException', async () => {
    const body = Buffer.concat([
      Buffer.from('{"StreamName":"'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('"}'),
    ]);
    const res = await rawHttp(server.endpoint, { headers: jsonHeaders('DescribeStream'), body });
    assert.equal(res.status, 400);
    assert.deepEqual(JSON.parse(res.text), serialization());
  });

  it('answers a top-level array with SerializationException', async () => {
    const res = await rawRequest(server.endpoint, 'ListStreams', '[]');
    assert.equal(res.status, 400);
    assert.equal(res.json?.__type, 'SerializationException');
  });

  it('survives deeply nested JSON in an unknown member and in a typed member', async () => {
    const depth = 500_000;
    const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const ignored = await rawRequest(server.endpoint, 'ListStreams', `{"Junk":${deep}}`);
    assert.equal(ignored.status, 200, ignored.body.slice(0, 200));
    const typed = await rawRequest(server.endpoint, 'DescribeStream', `{"StreamName":${deep}}`);
    assert.equal(typed.status, 400);
    assert.deepEqual(typed.json, serialization('Start of list found where not expected'));
    const unbalanced = await rawRequest(server.endpoint, 'ListStreams', `{"Junk":${'{"a":'.repeat(depth)}`);
    assert.deepEqual(unbalanced.json, serialization());
  });

  it('survives deeply nested CBOR', async () => {
    const body = Buffer.concat([
      Buffer.from([0xa1, 0x61, 0x41]),
      Buffer.alloc(1_000_000, 0x81),
      Buffer.from([0]),
    ]);
    const res = await rawHttp(server.endpoint, {
      headers: {
        'content-type': 'application/x-amz-cbor-1.1',
        'x-amz-target': 'Kinesis_20131202.ListStreams',
      },
      body,
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers['x-amzn-errortype'], 'SerializationException');
  });
});

// Coral's messages per target type, as documented by kinesalite's test/helpers.js assertType.
describe('wrong member types', () => {
  const NUMBER = 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber';
  type Case = readonly [value: unknown, message: string];
  const numbers = (suffix: string, values: unknown[] = [23, -2147483648, 2147483648, 34.56]): Case[] =>
    values.map((v) => [v, `${NUMBER} can not be converted to ${suffix}`] as const);
  const structural: Case[] = [
    [[], 'Start of list found where not expected'],
    [{}, 'Start of structure or map found where not expected.'],
  ];
  const table: Record<string, { op: string; base: Record<string, unknown>; member: string; cases: Case[] }> =
    {
      String: {
        op: 'DescribeStream',
        base: {},
        member: 'StreamName',
        cases: [
          [true, 'class java.lang.Boolean can not be converted to an String'],
          ...numbers('an String'),
          ...structural,
        ],
      },
      Integer: {
        op: 'CreateStream',
        base: { StreamName: 'x' },
        member: 'ShardCount',
        cases: [
          ['23', 'class java.lang.String can not be converted to an Integer'],
          [true, 'class java.lang.Boolean can not be converted to an Integer'],
          ...structural,
        ],
      },
      Boolean: {
        op: 'DeleteStream',
        base: { StreamName: 'x' },
        member: 'EnforceConsumerDeletion',
        cases: [
          ['23', "'23' can not be converted to an Boolean"],
          ...numbers('an Boolean', [23, -2147483648, 2147483648]),
          ...structural,
        ],
      },
      Blob: {
        op: 'PutRecord',
        base: { StreamName: 'x', PartitionKey: 'k' },
        member: 'Data',
        cases: [
          [true, 'class java.lang.Boolean can not be converted to a Blob'],
          ...numbers('a Blob'),
          ...structural,
          [
            '23456',
            "'23456' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5",
          ],
          ['=+/=', "'=+/=' can not be converted to a Blob: Invalid Base64 character: '='"],
          ['+/+=', "'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"],
        ],
      },
      List: {
        op: 'RemoveTagsFromStream',
        base: { StreamName: 'x' },
        member: 'TagKeys',
        cases: [
          ...['23', true, 23, -2147483648, 2147483648, 34.56].map(
            (v) => [v, 'Expected list or null'] as const,
          ),
          [{}, 'Start of structure or map found where not expected.'],
        ],
      },
      Map: {
        op: 'AddTagsToStream',
        base: { StreamName: 'x' },
        member: 'Tags',
        cases: [
          ...['23', true, 23, -2147483648, 2147483648, 34.56].map(
            (v) => [v, 'Expected map or null'] as const,
          ),
          [[], 'Start of list found where not expected'],
        ],
      },
      Structure: {
        op: 'CreateStream',
        base: { StreamName: 'x', ShardCount: 1 },
        member: 'StreamModeDetails',
        cases: [
          ...['23', true, 23, -2147483648, 2147483648, 34.56].map((v) => [v, 'Expected null'] as const),
          [[], 'Start of list found where not expected'],
        ],
      },
    };
  for (const [type, { op, base, member, cases }] of Object.entries(table))
    for (const [value, message] of cases)
      it(`${type}: ${op}.${member} = ${JSON.stringify(value)}`, async () => {
        const res = await rawRequest(server.endpoint, op, { ...base, [member]: value });
        assert.equal(res.status, 400);
        assert.deepEqual(res.json, serialization(message));
      });
});

describe('bogus targets', () => {
  const targets = [
    'Kinesis_20131202.__proto__',
    'Kinesis_20131202.constructor',
    'Kinesis_20131202.toString',
    'Kinesis_20131202.',
    '.ListStreams',
    'Kinesis_20131202..ListStreams',
    'kinesis_20131202.ListStreams',
    'Kinesis_20131202.liststreams',
    `Kinesis_20131202.${'A'.repeat(10_000)}`,
    'Kinesis_20131202.ListStreams\u00e9',
  ];
  for (const target of targets)
    it(`answers ${JSON.stringify(target.slice(0, 40))} with UnknownOperationException`, async () => {
      const res = await rawHttp(server.endpoint, {
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': Buffer.from(target, 'utf8').toString('latin1'),
        },
        body: '{}',
      });
      assert.equal(res.status, 400);
      assert.deepEqual(JSON.parse(res.text), { __type: 'UnknownOperationException' });
    });
});

describe('bogus targets under a content type AWS does not read', () => {
  const xml = (type: string, message?: string) =>
    message === undefined ? `<${type}/>\n` : `<${type}>\n  <Message>${message}</Message>\n</${type}>\n`;
  const cases: readonly [target: string, status: number, body: string][] = [
    ['Kinesis_20131202.__proto__', 500, xml('InternalFailure')],
    ['Kinesis_20131202.constructor', 500, xml('InternalFailure')],
    ['Kinesis_20131202.hasOwnProperty', 500, xml('InternalFailure')],
    [
      '__proto__.ListStreams',
      403,
      xml(
        'UnrecognizedClientException',
        'No authorization strategy was found for service: __proto__, operation: ListStreams',
      ),
    ],
    [
      '.ListStreams',
      403,
      xml('AccessDeniedException', 'Unable to determine service/operation name to be authorized'),
    ],
    [
      `${'A'.repeat(10_000)}.B`,
      403,
      xml(
        'UnrecognizedClientException',
        `No authorization strategy was found for service: ${'A'.repeat(10_000)}, operation: B`,
      ),
    ],
    [
      'x.</Message><a>',
      403,
      xml(
        'UnrecognizedClientException',
        'No authorization strategy was found for service: x, operation: &lt;/Message&gt;&lt;a&gt;',
      ),
    ],
  ];
  for (const [target, status, body] of cases)
    it(`answers ${JSON.stringify(target.slice(0, 40))} with ${status} XML`, async () => {
      const res = await rawHttp(server.endpoint, {
        headers: { 'content-type': 'text/plain', 'x-amz-target': target },
        body: '{}',
      });
      assert.equal(res.status, status);
      assert.equal(res.text, body);
      assert.equal(res.headers['content-type'], undefined);
      assert.equal(res.headers['content-length'], String(res.body.length));
    });
});

describe('DELETE', () => {
  const DENIED =
    '<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n';

  it('answers DELETE, with or without a body, and keeps the HTTP/1.1 connection', async () => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    let reply = '';
    socket.on('data', (d: Buffer) => {
      reply += d.toString('latin1');
    });
    const auth = Object.entries(SIGNED_HEADERS).map(([k, v]) => `${k}: ${v}`);
    const head = (method: string, extra: string[]) =>
      [`${method} / HTTP/1.1`, 'Host: x', ...auth, ...extra].join('\r\n');
    socket.write(`${head('DELETE', [])}\r\n\r\n`);
    socket.write(`${head('DELETE', ['Content-Length: 5'])}\r\n\r\nhello`);
    socket.write(
      `${head('POST', ['Content-Type: application/x-amz-json-1.1', 'X-Amz-Target: Kinesis_20131202.ListStreams', 'Content-Length: 2'])}\r\n\r\n{}`,
    );
    await waitFor(
      async () => ((reply.match(/HTTP\/1\.1 /g) ?? []).length >= 3 && reply.endsWith('}') ? true : undefined),
      5000,
    );
    const statuses = [...reply.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => m[1]);
    assert.deepEqual(statuses, ['403', '403', '200']);
    assert.equal(reply.split(DENIED).length - 1, 2);
    assert.ok(!socket.destroyed, 'connection kept');
    socket.destroy();
  });

  it('answers DELETE over HTTP/2 instead of resetting the stream', async () => {
    const res = await rawHttp2(server.endpoint, { method: 'DELETE' });
    assert.equal(res.status, 403);
    assert.equal(res.text, DENIED);
  });
});

describe('body size', () => {
  const max = frontEndLimits.requestBodyBytesMax;
  /** A ListStreams body of exactly `size` bytes (the padding member is unknown, so it is dropped). */
  const bodyOf = (size: number): Buffer => {
    const head = Buffer.from('{"Pad":"');
    const tail = Buffer.from('"}');
    return Buffer.concat([head, Buffer.alloc(size - head.length - tail.length, 0x61), tail]);
  };

  it('serves a body of exactly the limit over HTTP/1.1', async () => {
    const res = await rawHttp(server.endpoint, { headers: jsonHeaders('ListStreams'), body: bodyOf(max) });
    assert.equal(res.status, 200, res.text.slice(0, 200));
  });

  it('answers one byte more with 413 over HTTP/1.1', async () => {
    const res = await rawHttp(server.endpoint, {
      headers: jsonHeaders('ListStreams'),
      body: bodyOf(max + 1),
    });
    assert.equal(res.status, 413);
  });

  it('answers a chunked upload past the limit with 413 over HTTP/1.1', async () => {
    const socket = net.connect(port, '127.0.0.1');
    const head = [
      'POST / HTTP/1.1',
      'Host: x',
      'Transfer-Encoding: chunked',
      'Content-Type: application/x-amz-json-1.1',
    ];
    socket.write(`${head.join('\r\n')}\r\n\r\n`);
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let reply = '';
    socket.on('data', (d: Buffer) => {
      reply += d.toString('latin1');
    });
    socket.on('error', () => undefined);
    for (let i = 0; i < 20 && !reply; i++) {
      socket.write(`${chunk.length.toString(16)}\r\n`);
      socket.write(chunk);
      socket.write('\r\n');
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor(async () => (reply ? true : undefined), 5000);
    assert.match(reply, /^HTTP\/1\.1 413 /);
    socket.destroy();
  });

  async function h2Post(body: Buffer, declareLength: boolean): Promise<number> {
    // The client's own default session memory (10 MB) cannot hold a rejected 14 MiB upload.
    const session = http2.connect(server.endpoint, { maxSessionMemory: 64 });
    session.on('error', () => undefined);
    try {
      const headers: http2.OutgoingHttpHeaders = {
        ':method': 'POST',
        ':path': '/',
        ...jsonHeaders('ListStreams'),
        ...SIGNED_HEADERS,
      };
      if (declareLength) headers['content-length'] = String(body.length);
      const req = session.request(headers);
      req.on('error', () => undefined);
      req.resume();
      const status = new Promise<number>((resolve, reject) => {
        req.on('response', (h) => resolve(Number(h[':status'])));
        req.on('close', () => reject(new Error(`stream closed without a response (rst ${req.rstCode})`)));
      });
      req.end(body);
      return await status;
    } finally {
      session.close();
    }
  }

  it('serves exactly the limit over HTTP/2', async () => {
    assert.equal(await h2Post(bodyOf(max), true), 200);
  });

  it('answers past the limit with 413 over HTTP/2, declared or streamed', async () => {
    assert.equal(await h2Post(bodyOf(max + 1), true), 413);
    assert.equal(await h2Post(bodyOf(max + 1024 * 1024), false), 413);
  });
});

describe('HTTP/2 protocol abuse', () => {
  it('drops a connection that sends garbage after the preface', async () => {
    const h2 = await RawH2.connect(port, false);
    h2.write(Buffer.concat([PREFACE, Buffer.from('this is not an HTTP/2 frame at all, not even close')]));
    assert.ok(await h2.until(() => h2.closed), 'connection closed');
    assert.ok(h2.goaway(), 'GOAWAY sent');
    h2.destroy();
  });

  it('ends a session that floods HEADERS + RST_STREAM (rapid reset)', async () => {
    const h2 = await RawH2.connect(port);
    const frames: Buffer[] = [];
    for (let i = 0; i < 5000; i++) {
      const id = 2 * i + 1;
      frames.push(
        frame(FrameType.HEADERS, Flag.END_HEADERS, id, headerBlock(requestHeaders())),
        rstStream(id, 8),
      );
    }
    h2.write(Buffer.concat(frames));
    assert.ok(await h2.until(() => h2.goaway() !== undefined || h2.closed), 'session ended');
    const goaway = h2.goaway();
    assert.ok(goaway === undefined || goaway.lastStreamId < 2 * 5000, 'not every stream was served');
    h2.destroy();
  });

  it(`refuses streams beyond ${frontEndLimits.http2StreamsPerConnectionMax} concurrent ones`, async () => {
    const h2 = await RawH2.connect(port);
    const open = frontEndLimits.http2StreamsPerConnectionMax + 50;
    const frames: Buffer[] = [];
    // Half-closed from neither side: HEADERS without END_STREAM, body never sent.
    for (let i = 0; i < open; i++)
      frames.push(frame(FrameType.HEADERS, Flag.END_HEADERS, 2 * i + 1, headerBlock(requestHeaders())));
    h2.write(Buffer.concat(frames));
    const refused = () => h2.of(FrameType.RST_STREAM).filter((f) => f.payload.readUInt32BE(0) === 7);
    assert.ok(
      await h2.until(() => refused().length >= 50 || h2.goaway() !== undefined),
      'excess streams refused',
    );
    assert.ok(
      refused().every((f) => f.streamId > 2 * frontEndLimits.http2StreamsPerConnectionMax),
      'only the excess is refused',
    );
    await assertHealthy();
    h2.destroy();
  });

  it('cleans up streams whose request body never ends when the client leaves', async () => {
    const h2 = await RawH2.connect(port);
    const frames: Buffer[] = [];
    for (let i = 0; i < 50; i++) {
      const id = 2 * i + 1;
      frames.push(
        frame(
          FrameType.HEADERS,
          Flag.END_HEADERS,
          id,
          headerBlock(requestHeaders([['content-length', '1000']])),
        ),
        frame(FrameType.DATA, 0, id, Buffer.from('{"Limit":')),
      );
    }
    h2.write(Buffer.concat(frames));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(h2.of(FrameType.HEADERS).length, 0, 'no response before the body ends');
    h2.destroy();
    await assertHealthy();
  });

  it('rejects an oversized header block', async () => {
    const h2 = await RawH2.connect(port);
    const block = headerBlock(requestHeaders([['x-big', 'a'.repeat(100_000)]]));
    const parts: Buffer[] = [];
    for (let i = 0; i < block.length; i += 16_384) parts.push(block.subarray(i, i + 16_384));
    const frames = [frame(FrameType.HEADERS, Flag.END_STREAM, 1, parts[0])];
    for (let i = 1; i < parts.length; i++)
      frames.push(frame(FrameType.CONTINUATION, i === parts.length - 1 ? Flag.END_HEADERS : 0, 1, parts[i]));
    h2.write(Buffer.concat(frames));
    const rejected = () =>
      h2.goaway() !== undefined || h2.of(FrameType.RST_STREAM, 1).length > 0 || h2.closed;
    assert.ok(await h2.until(rejected), 'header block rejected');
    assert.equal(h2.of(FrameType.DATA, 1).length, 0, 'the request was not served');
    h2.destroy();
  });

  it('survives a CONTINUATION flood (headers that never end)', async () => {
    const h2 = await RawH2.connect(port);
    const frames = [frame(FrameType.HEADERS, 0, 1, headerBlock(requestHeaders()))];
    for (let i = 0; i < 2000; i++)
      frames.push(frame(FrameType.CONTINUATION, 0, 1, headerBlock([['x-a', 'b'.repeat(100)]])));
    h2.write(Buffer.concat(frames));
    assert.ok(await h2.until(() => h2.goaway() !== undefined || h2.closed), 'session ended');
    h2.destroy();
    await assertHealthy();
  });

  it('survives a connection closed in the middle of a body (HTTP/2 and HTTP/1.1)', async () => {
    const h2 = await RawH2.connect(port);
    h2.write(
      frame(FrameType.HEADERS, Flag.END_HEADERS, 1, headerBlock(requestHeaders([['content-length', '100']]))),
    );
    h2.write(frame(FrameType.DATA, 0, 1, Buffer.from('{"Lim')));
    h2.destroy();
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 100\r\n\r\n{"Lim',
    );
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    await assertHealthy();
  });

  it('answers HTTP/1.1 garbage with 400 and stays up', async () => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    socket.on('data', (d: Buffer) => {
      reply += d.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.write('\u0001\u0002 garbage \r\n\r\n');
    await waitFor(async () => (reply ? true : undefined), 3000);
    assert.match(reply, /^HTTP\/1\.1 400 /);
    socket.destroy();
  });
});

describe('slow clients (headers timeout 600 ms in this suite)', {
  skip: needsInProcess('flags', 'a 600 ms headers timeout (a config field, no CLI flag)'),
}, () => {
  async function closedWithin(socket: net.Socket, ms: number): Promise<number> {
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return Date.now() - started;
  }

  it('closes a connection that never sends a byte', async () => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await closedWithin(socket, 3000);
  });

  it('closes a connection that trickles the HTTP/2 preface', async () => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    let i = 0;
    const timer = setInterval(() => {
      if (i < PREFACE.length && !socket.destroyed) socket.write(PREFACE.subarray(i, ++i));
    }, 100);
    try {
      await closedWithin(socket, 3000);
    } finally {
      clearInterval(timer);
    }
    assert.ok(i < PREFACE.length, 'closed before the preface completed');
  });

  it('closes a connection that trickles HTTP/1.1 headers (slowloris)', async () => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write('POST / HTTP/1.1\r\nHost: x\r\n');
    let n = 0;
    const timer = setInterval(() => {
      if (!socket.destroyed) socket.write(`X-Slow-${n++}: y\r\n`);
    }, 100);
    try {
      await closedWithin(socket, 4000);
    } finally {
      clearInterval(timer);
    }
    await assertHealthy();
  });
});

describe('after all of that', () => {
  it('still serves the SDK and the sentinel stream is intact', async () => {
    const client = kinesis(server.endpoint);
    try {
      const list = await client.send(new ListStreamsCommand({}));
      assert.ok(list.StreamNames?.includes(sentinel));
      const desc = await client.send(new DescribeStreamCommand({ StreamName: sentinel }));
      assert.equal(desc.StreamDescription?.StreamStatus, 'ACTIVE');
      assert.equal(desc.StreamDescription?.Shards?.length, 3);
      assert.equal(desc.StreamDescription?.RetentionPeriodHours, 24);
    } finally {
      client.destroy();
    }
  });
});
