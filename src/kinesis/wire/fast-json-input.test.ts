// The JSON fast path against the generic path (decodeBody → readStructure → assertValid): whenever
// the fast path answers, the generic path must accept the same body and produce an equal input;
// when it declines, the handler uses the generic path, so every error stays the generic one.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readStructure } from '../../aws/model/deserialize.js';
import { assertValid } from '../../aws/model/validate.js';
import { decodeBody } from '../../aws/protocols/codec.js';
import { KinesisError } from '../errors.js';
import { model } from '../model.js';
import { readJsonInputFast } from './fast-json-input.js';

type Outcome = { ok: Record<string, unknown> } | { error: string };

function generic(body: Buffer, shape: string): Outcome {
  const parsed = decodeBody(body, 'json');
  if (parsed === undefined) return { error: 'SerializationException (body)' };
  try {
    const input = readStructure(model, parsed, shape, 'json');
    assertValid(model, input, shape);
    return { ok: input };
  } catch (err) {
    assert.ok(err instanceof KinesisError);
    return { error: `${err.name}: ${err.message}` };
  }
}

/** The property: a fast answer is always the generic answer. Returns whether the fast path answered. */
function agree(body: Buffer, shape: string): boolean {
  const fast = readJsonInputFast(body, shape);
  if (fast === undefined) return false;
  const slow = generic(body, shape);
  assert.ok('ok' in slow, `fast path accepted what the generic path refuses: ${JSON.stringify(slow)}`);
  assert.deepStrictEqual(fast, slow.ok);
  assert.deepStrictEqual(Object.keys(fast), Object.keys(slow.ok));
  return true;
}

const keyChars = fc.constantFrom(...'aZ09-_.~ /+=:"\\\u0001\u00e9\u4e2d\ud83d\ude00\ud800é'.split(''));
const partitionKey = fc.oneof(
  fc.string({ unit: keyChars, minLength: 0, maxLength: 12 }),
  fc.string({ minLength: 0, maxLength: 260 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
);
const hashKey = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 129n) - 1n }).map(String),
  fc.constantFrom('0', '01', '-1', '', '1e5', ' 1', '340282366920938463463374607431768211455'),
);
const blobText = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64')),
  fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b).toString('base64url')),
  fc.string({ unit: fc.constantFrom(...'AB+/=-_x"\\é\u0000 '.split('')), maxLength: 12 }),
);
const streamName = fc.oneof(
  fc.stringMatching(/^[a-zA-Z0-9_.-]{1,20}$/),
  fc.constantFrom('', 'a b', 'x'.repeat(129), 'é'),
);
const loose = fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), fc.constant([]), fc.constant({}));

/** Mostly a plausible value, sometimes a wrong one, sometimes absent (JSON.stringify drops undefined). */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown> = loose) =>
  fc.oneof(
    { weight: 12, arbitrary: good },
    { weight: 1, arbitrary: bad },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
const rarely = (bad: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 20, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: bad });
const validBlob = fc.uint8Array({ maxLength: 48 }).map((b) => Buffer.from(b).toString('base64'));
const plainKey = fc.oneof(
  fc.string({ unit: keyChars, minLength: 1, maxLength: 6 }),
  fc.stringMatching(/^[a-z0-9]{1,8}$/),
);

const entry = fc.record({
  Data: mostly(validBlob, fc.oneof(blobText, loose)),
  PartitionKey: mostly(plainKey, fc.oneof(partitionKey, loose)),
  ExplicitHashKey: rarely(fc.oneof(hashKey, loose)),
  Unknown: rarely(fc.string({ maxLength: 3 })),
});
const putRecords = fc.record({
  Records: mostly(fc.array(entry, { maxLength: 6 })),
  StreamName: mostly(streamName),
  StreamARN: rarely(
    fc.oneof(
      fc.constantFrom('arn:aws:kinesis:us-east-1:123456789012:stream/s', 'arn:aws:kinesis:x:1:stream/s', ''),
      loose,
    ),
  ),
  StreamId: rarely(fc.oneof(fc.constantFrom('abcdefghij0123456789-abc', 'x'), loose)),
  DryRun: rarely(fc.oneof(fc.boolean(), fc.constantFrom('true', 0))),
});
const putRecord = fc.record({
  Data: mostly(validBlob, fc.oneof(blobText, loose)),
  PartitionKey: mostly(plainKey, fc.oneof(partitionKey, loose)),
  ExplicitHashKey: rarely(fc.oneof(hashKey, loose)),
  SequenceNumberForOrdering: rarely(fc.oneof(fc.constantFrom('0', '12', '012'), loose)),
  StreamName: mostly(streamName),
  DryRun: rarely(fc.oneof(fc.boolean(), fc.constantFrom('TRUE', 1))),
});

/** Ways to write the same value: compact, indented, keys reordered. */
const layout = fc.constantFrom<(v: unknown) => string>(
  (v) => JSON.stringify(v),
  (v) => JSON.stringify(v, null, 2),
  (v) => `\r\n\t ${JSON.stringify(v, null, '\t')} \n`,
  (v) => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? reversed(x) : x)),
);

function reversed(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).reverse());
}

/** Byte-level damage: flip, delete, insert, duplicate a key, escape a character, truncate. */
const damage = fc.oneof(
  fc.constant((b: Buffer) => b),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([i, v]) => (b: Buffer) => {
    const c = Buffer.from(b);
    if (c.length > 0) c[i % c.length] = v;
    return c;
  }),
  fc
    .nat()
    .map(
      (i) => (b: Buffer) =>
        Buffer.concat([b.subarray(0, i % (b.length + 1)), b.subarray((i % (b.length + 1)) + 1)]),
    ),
  fc.tuple(fc.nat(), fc.constantFrom('\\u0041', '\\/', ',', 'null', '"', ' ', '\u00ff', '\ud800', '{}')).map(
    ([i, s]) =>
      (b: Buffer) =>
        Buffer.concat([b.subarray(0, i % (b.length + 1)), Buffer.from(s), b.subarray(i % (b.length + 1))]),
  ),
  fc.constantFrom(
    (b: Buffer) =>
      Buffer.from(b.toString().replace('"PartitionKey":', '"PartitionKey":"dup","PartitionKey":')),
    (b: Buffer) => Buffer.from(b.toString().replace('"StreamName":', '"Stream\\u004eame":')),
    (b: Buffer) => Buffer.from(b.toString().replace('"Data":"', '"Data":"\\u0041')),
    (b: Buffer) => Buffer.from(b.toString().replace('/', '\\/')),
    (b: Buffer) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]),
    (b: Buffer) => Buffer.concat([b, Buffer.from('x')]),
    (b: Buffer) => b.subarray(0, b.length - 1),
  ),
);

describe('JSON fast path (PutRecords, PutRecord)', () => {
  it('agrees with the generic path on generated and damaged PutRecords bodies', () => {
    let answered = 0;
    fc.assert(
      fc.property(putRecords, layout, damage, (input, write, hurt) => {
        if (agree(hurt(Buffer.from(write(input), 'utf8')), 'PutRecordsInput')) answered++;
      }),
      { numRuns: 4000 },
    );
    assert.ok(answered > 50, `fast path answered only ${answered} times`);
  });

  it('agrees with the generic path on generated and damaged PutRecord bodies', () => {
    let answered = 0;
    fc.assert(
      fc.property(putRecord, layout, damage, (input, write, hurt) => {
        if (agree(hurt(Buffer.from(write(input), 'utf8')), 'PutRecordInput')) answered++;
      }),
      { numRuns: 4000 },
    );
    assert.ok(answered > 50, `fast path answered only ${answered} times`);
  });

  it('answers every plain valid body, in any layout, with the generic input', () => {
    const validEntry = fc.record(
      {
        Data: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('base64')),
        PartitionKey: fc
          .string({ minLength: 1, maxLength: 256, unit: 'grapheme' })
          .filter((k) => !/["\\\u0000-\u001f]/.test(k)),
        ExplicitHashKey: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map(String),
      },
      { requiredKeys: ['Data', 'PartitionKey'] },
    );
    const body = fc.record(
      {
        Records: fc.array(validEntry, { minLength: 1, maxLength: 40 }),
        StreamName: fc.stringMatching(/^[a-zA-Z0-9_.-]{1,128}$/),
        DryRun: fc.boolean(),
      },
      { requiredKeys: ['Records'] },
    );
    fc.assert(
      fc.property(body, layout, (input, write) => {
        assert.ok(agree(Buffer.from(write(input), 'utf8'), 'PutRecordsInput'), write(input).slice(0, 200));
      }),
      { numRuns: 500 },
    );
  });

  it('reads a full 500-record batch and declines 501 records, leaving the error to the generic path', () => {
    const rec = { Data: Buffer.alloc(1024, 7).toString('base64'), PartitionKey: 'pk' };
    const full = Buffer.from(JSON.stringify({ StreamName: 's', Records: Array(500).fill(rec) }));
    const input = readJsonInputFast(full, 'PutRecordsInput');
    assert.ok(input !== undefined);
    assert.equal((input.Records as unknown[]).length, 500);
    assert.ok(agree(full, 'PutRecordsInput'));
    const over = Buffer.from(JSON.stringify({ StreamName: 's', Records: Array(501).fill(rec) }));
    assert.equal(readJsonInputFast(over, 'PutRecordsInput'), undefined);
    assert.match(JSON.stringify(generic(over, 'PutRecordsInput')), /less than or equal to 500/);
  });

  it('declines the URL-safe alphabet, which the generic path names as an invalid character', () => {
    const body = Buffer.from('{"StreamName":"s","PartitionKey":"k","Data":"ab-_AAAA"}');
    assert.equal(readJsonInputFast(body, 'PutRecordInput'), undefined);
    assert.deepEqual(generic(body, 'PutRecordInput'), {
      error:
        "SerializationException: 'ab-_AAAA' can not be converted to a Blob: Invalid Base64 character: '-'",
    });
  });

  it('declines shapes it does not handle', () => {
    assert.equal(
      readJsonInputFast(Buffer.from('{"ShardIterator":"x","Limit":1}'), 'GetRecordsInput'),
      undefined,
    );
  });
});
