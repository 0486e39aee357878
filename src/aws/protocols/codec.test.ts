import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Decoder } from 'cbor-x';
import fc from 'fast-check';
import {
  CBOR_DEPTH_MAX,
  decodeBody,
  decodeCbor,
  encodeBody,
  encodeCbor,
  encodeCborTextMap,
  encodeJson,
} from './codec.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const text = (s: string): string => Buffer.from(s, 'utf8').toString('hex');

// A PutRecord the way the Java SDK writes it: definite map, text keys, Data as a byte string.
const JAVA_PUT_RECORD = hex(
  `a3 6a${text('StreamName')} 61${text('s')} 64${text('Data')} 42 0102 6c${text('PartitionKey')} 61${text('k')}`,
);
// GetShardIterator AT_TIMESTAMP: tag 1 + uint64 epoch milliseconds (1700000000123).
const JAVA_TIMESTAMP = hex(`a1 69${text('Timestamp')} c1 1b 0000018bcfe5687b`);

describe('CBOR encoding (golden bytes)', () => {
  it('writes maps with text keys', () => {
    assert.deepEqual(encodeCbor({ StreamName: 's' }), hex(`a1 6a${text('StreamName')} 61${text('s')}`));
  });

  it("writes error maps as AWS's Jackson does: indefinite length (recorded bytes)", () => {
    assert.deepEqual(
      encodeCborTextMap({ __type: 'UnknownOperationException' }),
      hex(`bf 66${text('__type')} 78 19${text('UnknownOperationException')} ff`),
    );
    assert.deepEqual(
      encodeCborTextMap({ __type: 'SerializationException' }),
      hex(`bf 66${text('__type')} 76${text('SerializationException')} ff`),
    );
    for (const length of [0, 23, 24, 255, 256, 65_535, 65_536]) {
      const value = 'é'.repeat(length >> 1) + 'a'.repeat(length & 1);
      assert.deepEqual(decodeCbor(encodeCborTextMap({ k: value, __type: 'T' })), { k: value, __type: 'T' });
    }
  });

  it('writes blobs as byte strings', () => {
    assert.deepEqual(encodeCbor({ Data: new Uint8Array([1, 2]) }), hex(`a1 64${text('Data')} 42 0102`));
    assert.deepEqual(encodeCbor({ Data: Buffer.from([0xff]) }), hex(`a1 64${text('Data')} 41 ff`));
  });

  it('writes timestamps as tag 1 + integer epoch milliseconds, never floats', () => {
    const out = encodeCbor({ T: new Date(1700000000123) });
    assert.deepEqual(out, hex(`a1 61${text('T')} c1 1b 0000018bcfe5687b`));
  });

  it('writes large integers as integers (uint64), small ones compactly', () => {
    assert.deepEqual(encodeCbor({ N: 2 ** 40 }), hex(`a1 61${text('N')} 1b 0000010000000000`));
    assert.deepEqual(encodeCbor({ N: 23 }), hex(`a1 61${text('N')} 17`));
    assert.deepEqual(encodeCbor({ N: 500 }), hex(`a1 61${text('N')} 19 01f4`));
    assert.deepEqual(encodeCbor({ N: -1 }), hex(`a1 61${text('N')} 20`));
  });

  it('writes booleans, lists and nested maps, and drops undefined members', () => {
    assert.deepEqual(
      encodeCbor({ A: [true, false], B: { C: null }, D: undefined }),
      hex(`a2 61${text('A')} 82 f5 f4 61${text('B')} a1 61${text('C')} f6`),
    );
  });

  it('writes nothing for no output', () => {
    assert.equal(encodeCbor(undefined).length, 0);
  });
});

describe('CBOR decoding', () => {
  it('reads what the Java SDK sends', () => {
    const body = decodeBody(JAVA_PUT_RECORD, 'cbor');
    assert.ok(body);
    assert.equal(body.StreamName, 's');
    assert.deepEqual(Buffer.from(body.Data as Uint8Array), Buffer.from([1, 2]));
    assert.equal(body.PartitionKey, 'k');
  });

  it('reads a tag 1 timestamp with 64-bit milliseconds without failing', () => {
    const body = decodeBody(JAVA_TIMESTAMP, 'cbor');
    assert.ok(body);
    assert.ok(body.Timestamp instanceof Date);
  });

  it('reads indefinite-length maps and strings', () => {
    const body = decodeBody(hex(`bf 61${text('A')} 7f 61${text('x')} 61${text('y')} ff ff`), 'cbor');
    assert.deepEqual(body, { A: 'xy' });
  });

  it('rejects every truncation of a valid body', () => {
    for (const valid of [JAVA_PUT_RECORD, JAVA_TIMESTAMP])
      for (let n = 0; n < valid.length; n++)
        assert.equal(decodeBody(valid.subarray(0, n), 'cbor'), undefined, `prefix of ${n} bytes`);
  });

  const corrupt: Record<string, string> = {
    'trailing bytes after the item': `a0 00`,
    'a stray break': `ff`,
    'a break inside a definite map': `a1 ff`,
    'reserved additional info 28': `a1 61${text('A')} 1c`,
    'an indefinite integer': `a1 61${text('A')} 1f`,
    'an odd number of items in an indefinite map': `bf 61${text('A')} ff`,
    'a byte-string chunk inside an indefinite text string': `a1 61${text('A')} 7f 41 00 ff`,
    'a nested indefinite chunk': `a1 61${text('A')} 5f 5f ff ff`,
    'invalid UTF-8 in a text string': `a1 61${text('A')} 62 c328`,
    'a byte string longer than the body': `a1 61${text('A')} 5a 7fffffff 00`,
    'an array longer than the body': `a1 61${text('A')} 9b 000000ffffffffff`,
    'a map with a map key': `a1 a0 00`,
    'a top-level array': `80`,
    'a top-level text string': `61 61`,
    'a top-level tag': `c1 00`,
    'a two-byte simple value below 32': `a1 61${text('A')} f8 10`,
    'an empty body': ``,
  };
  for (const [what, bytes] of Object.entries(corrupt))
    it(`rejects ${what}`, () => {
      assert.equal(decodeBody(hex(bytes), 'cbor'), undefined);
    });

  it(`bounds nesting at ${CBOR_DEPTH_MAX} levels without recursing`, () => {
    const nested = (depth: number) => hex(`${'a1 61 41 '.repeat(depth - 1)}a0`);
    assert.ok(decodeBody(nested(CBOR_DEPTH_MAX), 'cbor'));
    assert.equal(decodeBody(nested(CBOR_DEPTH_MAX + 1), 'cbor'), undefined);
    // A million nested arrays would overflow a recursive decoder's stack.
    assert.throws(() => decodeCbor(Buffer.alloc(1_000_000, 0x81)), /nested too deeply/);
    assert.equal(
      decodeBody(Buffer.concat([hex('a1 61 41'), Buffer.alloc(1_000_000, 0x81), hex('00')]), 'cbor'),
      undefined,
    );
  });

  it('never throws on random bytes, and agrees with cbor-x wherever cbor-x decodes', () => {
    const oracle = new Decoder({ mapsAsObjects: true, useRecords: false, int64AsNumber: true } as never);
    const plain = (v: unknown): unknown => {
      if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('hex')}`;
      if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : v;
      if (Array.isArray(v)) return v.map(plain);
      if (v !== null && typeof v === 'object')
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
      return v;
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 48 }), (bytes) => {
        decodeBody(bytes, 'cbor');
        // Tags are where the two differ on purpose (cbor-x has its own extensions): compare the rest.
        if (bytes.some((b) => b >= 0xc0 && b <= 0xdb)) return;
        let expected: unknown;
        try {
          expected = oracle.decode(bytes);
        } catch {
          return;
        }
        let actual: unknown;
        try {
          actual = decodeCbor(bytes);
        } catch {
          return; // stricter than cbor-x (UTF-8, key types, simple values): allowed
        }
        if (!plainTree(expected)) return; // tags: cbor-x has its own extensions
        assert.deepEqual(plain(actual), plain(expected));
      }),
      { numRuns: 20_000 },
    );
  });

  it('round-trips what it encodes', () => {
    const value = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 8 }),
      fc.oneof(
        fc.string(),
        fc.integer(),
        fc.boolean(),
        fc.uint8Array({ maxLength: 16 }),
        fc.array(fc.string(), { maxLength: 3 }),
      ),
      { maxKeys: 6 },
    );
    fc.assert(
      fc.property(value, (v) => {
        const bytes = encodeCbor(v);
        const back = decodeBody(bytes, 'cbor');
        assert.ok(back);
        for (const [k, x] of Object.entries(v)) {
          const y: unknown = back[k];
          if (x instanceof Uint8Array) assert.deepEqual(Buffer.from(y as Uint8Array), Buffer.from(x));
          else assert.deepEqual(y, x);
        }
      }),
      { numRuns: 500 },
    );
  });
});

function plainTree(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return true;
  if (v instanceof Uint8Array) return true;
  if (Array.isArray(v)) return v.every(plainTree);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
    return Object.values(v).every(plainTree);
  return false;
}

describe('JSON', () => {
  it('renders blobs as base64 and timestamps as epoch seconds with milliseconds', () => {
    assert.equal(
      encodeJson({ Data: Buffer.from('hi'), B: new Uint8Array([255]), T: new Date(1480641523477) }),
      '{"Data":"aGk=","B":"/w==","T":1480641523.477}',
    );
  });

  it('renders no output as an empty body', () => {
    assert.equal(encodeJson(undefined), '');
    assert.equal(encodeBody(undefined, 'json').length, 0);
  });

  it('renders values without blobs or timestamps as JSON.stringify does, in UTF-8', () => {
    const odd = fc.constantFrom<unknown>(
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      1e21,
      5e-7,
      undefined,
      '\u2028',
      '\ud800x',
      '\u007f',
      '"\\/',
    );
    const plain = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue(),
        odd,
        fc.string({ unit: 'binary' }),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string({ unit: 'binary', maxLength: 4 }), tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(plain, (v) => {
        const expected = v === undefined ? '' : JSON.stringify(v);
        assert.ok(encodeBody(v, 'json').equals(Buffer.from(expected ?? '', 'utf8')), expected);
      }),
      { numRuns: 3000 },
    );
    assert.equal(
      encodeBody({ a: [1, undefined, null], b: undefined, c: 'é', d: '中' }, 'json').toString(),
      '{"a":[1,null,null],"c":"é","d":"中"}',
    );
    assert.equal(
      encodeBody({ B: Buffer.from('hi'), T: new Date(1500) }, 'json').toString(),
      '{"B":"aGk=","T":1.5}',
    );
  });

  it('accepts exactly one object', () => {
    assert.deepEqual(decodeBody(Buffer.from('{"a":1}'), 'json'), { a: 1 });
    for (const body of ['', '[]', '"s"', '1', 'null', 'true', '{', '{}x', '{"a":1}{}', 'hello'])
      assert.equal(decodeBody(Buffer.from(body), 'json'), undefined, body);
  });

  it('rejects invalid UTF-8 instead of replacing it', () => {
    assert.equal(
      decodeBody(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), 'json'),
      undefined,
    );
    assert.deepEqual(decodeBody(Buffer.from('{"a":"é"}'), 'json'), { a: 'é' });
  });

  it('parses hostile nesting without overflowing the stack', () => {
    const depth = 1_000_000;
    assert.ok(
      Array.isArray(decodeBody(Buffer.from(`{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`), 'json')?.a),
    );
    assert.equal(decodeBody(Buffer.from(`{"a":${'['.repeat(depth)}`), 'json'), undefined);
  });
});
