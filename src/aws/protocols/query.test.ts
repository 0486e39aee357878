import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AwsError, clientError, errorClass, serverError } from '../errors.js';
import iamRaw from './fixtures/iam.json' with { type: 'json' };
import stsRaw from './fixtures/sts.json' with { type: 'json' };
import { type BindingModel, isDecoded, type WireError, type WireRequest } from './protocol.js';
import {
  AWS_FAULT_NAMESPACE,
  encodeQueryError,
  escapeXml,
  MISSING_ACTION_LOCATION,
  MissingActionRedirect,
  parseForm,
  query,
  queryDepthMax,
  queryMemberIndexMax,
  serializeQueryInput,
} from './query.js';

/** A deep copy with ordinary prototypes (fast-check builds records without one); Buffers kept. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v))
    Object.defineProperty(out, k, { value: plain(x), enumerable: true, writable: true, configurable: true });
  return out;
}

const sts = stsRaw as unknown as BindingModel;
const iam = iamRaw as unknown as BindingModel;

function post(body: string | Buffer, headers: Record<string, string> = {}): WireRequest {
  return {
    method: 'POST',
    path: '/',
    query: new URLSearchParams(),
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  };
}

/** A form POST with the model's Version appended (an earlier Version in the body wins). */
const send = (model: BindingModel, body: string): WireRequest => post(`${body}&Version=${model.apiVersion}`);

const get = (qs: string): WireRequest => ({
  method: 'GET',
  path: '/',
  query: new URLSearchParams(qs),
  headers: {},
  body: Buffer.alloc(0),
});

function decodeOk(
  r: WireRequest,
  model: BindingModel,
): { operation: string; input: Record<string, unknown> } {
  const out = query.decode(r, model);
  if (!isDecoded(out)) assert.fail(`expected an operation, got ${out.name}: ${out.message}`);
  return out;
}

function decodeErr(r: WireRequest, model: BindingModel): WireError {
  const out = query.decode(r, model);
  if (isDecoded(out)) assert.fail(`expected an error, got ${out.operation}`);
  return out;
}

describe('Query decoding (STS, IAM)', () => {
  it('routes by Action and reads top-level members', () => {
    assert.deepEqual(decodeOk(post('Action=GetCallerIdentity&Version=2011-06-15'), sts), {
      operation: 'GetCallerIdentity',
      input: {},
    });
    assert.deepEqual(decodeOk(post('Action=GetUser&Version=2010-05-08&UserName=bob'), iam).input, {
      UserName: 'bob',
    });
  });

  it('reads what an SDK sends for AssumeRole: lists of structures, lists of strings, integers', () => {
    // As aws-sdk-go logs it (docs/protocols.md), plus tags and policy ARNs.
    const body =
      'Action=AssumeRole&DurationSeconds=900&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr' +
      '&RoleSessionName=s1&Version=2011-06-15' +
      '&Tags.member.1.Key=team&Tags.member.1.Value=a%20b&Tags.member.2.Key=env&Tags.member.2.Value=' +
      '&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FP' +
      '&TransitiveTagKeys.member.1=team';
    assert.deepEqual(decodeOk(post(body), sts), {
      operation: 'AssumeRole',
      input: {
        RoleArn: 'arn:aws:iam::123456789012:role/r',
        RoleSessionName: 's1',
        PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/P' }],
        DurationSeconds: 900,
        Tags: [
          { Key: 'team', Value: 'a b' },
          { Key: 'env', Value: '' },
        ],
        TransitiveTagKeys: ['team'],
      },
    });
  });

  it('orders list items by index, compacts gaps, ignores non-canonical indexes', () => {
    const body =
      'Action=TagUser&UserName=u&Tags.member.3.Key=c&Tags.member.3.Value=3' +
      '&Tags.member.1.Key=a&Tags.member.1.Value=1&Tags.member.01.Key=x&Tags.member.0.Key=y&Tags.member.b.Key=z';
    assert.deepEqual(decodeOk(send(iam, body), iam).input.Tags, [
      { Key: 'a', Value: '1' },
      { Key: 'c', Value: '3' },
    ]);
  });

  it('reads `Key=` as an empty list', () => {
    assert.deepEqual(decodeOk(send(iam, 'Action=TagUser&UserName=u&Tags='), iam).input, {
      UserName: 'u',
      Tags: [],
    });
  });

  it('reads GET query strings, and the body before the URL for duplicates (first wins)', () => {
    assert.deepEqual(
      decodeOk(get('Action=ListUsers&Version=2010-05-08&MaxItems=5&PathPrefix=%2Fa%2F'), iam).input,
      {
        PathPrefix: '/a/',
        MaxItems: 5,
      },
    );
    const r = {
      ...send(iam, 'Action=ListUsers&Marker=body&Marker=second'),
      query: new URLSearchParams('Marker=url'),
    };
    assert.equal(decodeOk(r, iam).input.Marker, 'body');
  });

  it('answers a request without Action with STS\u2019s redirect (POST: bare location, GET: query kept)', () => {
    for (const body of ['', 'Version=2011-06-15', 'Foo=1']) {
      const err = decodeErr(post(body), sts);
      assert.ok(err instanceof MissingActionRedirect);
      assert.equal(err.status, 302);
      assert.equal(err.location, MISSING_ACTION_LOCATION);
    }
    const fromGet = decodeErr(get('Version=2011-06-15'), sts);
    assert.ok(fromGet instanceof MissingActionRedirect);
    assert.equal(fromGet.location, 'https://aws.amazon.com/iam?Version=2011-06-15');
    const out = query.encodeError(fromGet, 'rid', sts);
    assert.equal(out.status, 302);
    assert.deepEqual(out.headers, {
      'x-amzn-RequestId': 'rid',
      Location: 'https://aws.amazon.com/iam?Version=2011-06-15',
      'Content-Length': '0',
    });
    assert.equal(out.body.length, 0);
  });

  it('answers InvalidAction as STS does: unknown or empty action, missing, empty or other version', () => {
    const cases: [string, string][] = [
      [
        'Action=NoSuchAction&Version=2011-06-15',
        'Could not find operation NoSuchAction for version 2011-06-15',
      ],
      [
        'Action=GetCallerIdentity',
        'Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED',
      ],
      ['Action=GetCallerIdentity&Version=', 'Could not find operation GetCallerIdentity for version '],
      [
        'Action=GetCallerIdentity&Version=2000-01-01',
        'Could not find operation GetCallerIdentity for version 2000-01-01',
      ],
      ['Action=&Version=2011-06-15', 'Could not find operation  for version 2011-06-15'],
      // Duplicates: the first occurrence counts.
      [
        'Action=NoSuchAction&Action=GetCallerIdentity&Version=2011-06-15',
        'Could not find operation NoSuchAction for version 2011-06-15',
      ],
      [
        'Action=GetCallerIdentity&Version=2000-01-01&Version=2011-06-15',
        'Could not find operation GetCallerIdentity for version 2000-01-01',
      ],
    ];
    for (const [body, message] of cases) {
      const err = decodeErr(post(body), sts);
      assert.equal(err.name, 'InvalidAction', body);
      assert.equal(err.status, 400);
      assert.equal(err.message, message);
    }
    assert.equal(
      decodeOk(post('Action=GetCallerIdentity&Action=NoSuchAction&Version=2011-06-15'), sts).operation,
      'GetCallerIdentity',
    );
    assert.equal(
      decodeOk(post('Action=GetCallerIdentity&Version=2011-06-15&Version=2000-01-01'), sts).operation,
      'GetCallerIdentity',
    );
    for (const action of ['__proto__', 'toString', 'constructor', 'hasOwnProperty'])
      assert.equal(decodeErr(send(sts, `Action=${action}`), sts).name, 'InvalidAction');
  });

  it('refuses bad percent-encoding and non-UTF-8 as MalformedQueryString', () => {
    for (const body of [
      'Action=GetUser&UserName=%E0%A4%A',
      'Action=GetUser&UserName=%',
      'Action=GetUser&UserName=%zz',
      'Action=GetUser&UserName=%FF',
      'Action=GetUser&UserName=%C3%28',
      Buffer.concat([Buffer.from('Action=GetUser&UserName='), Buffer.from([0xc3, 0x28])]),
    ]) {
      const err = decodeErr(post(body), iam);
      assert.equal(err.name, 'MalformedQueryString', String(body));
      assert.equal(err.status, 404);
    }
  });

  it('reads a POST body only with the form content type (charset allowed)', () => {
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    assert.equal(
      decodeOk(post(body, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }), sts)
        .operation,
      'GetCallerIdentity',
    );
    for (const type of ['application/json', 'text/plain', undefined]) {
      const r = post(body, type === undefined ? {} : { 'content-type': type });
      if (type === undefined) delete (r.headers as Record<string, unknown>)['content-type'];
      assert.ok(decodeErr(r, sts) instanceof MissingActionRedirect, String(type));
    }
  });

  it(`bounds member indexes at queryMemberIndexMax (${queryMemberIndexMax})`, () => {
    const at = decodeOk(
      send(
        iam,
        `Action=TagUser&Tags.member.${queryMemberIndexMax}.Key=k&Tags.member.${queryMemberIndexMax}.Value=v`,
      ),
      iam,
    );
    assert.deepEqual(at.input.Tags, [{ Key: 'k', Value: 'v' }]);
    for (const i of [queryMemberIndexMax + 1, 99999999, '9'.repeat(400)]) {
      const err = decodeErr(send(iam, `Action=TagUser&UserName=u&Tags.member.${i}.Key=k`), iam);
      assert.equal(err.name, 'InvalidQueryParameter');
      assert.equal(err.status, 400);
    }
  });

  it('integers as STS reads them: sign and leading zeros taken, Java int range, MalformedInput otherwise', () => {
    const duration = (v: string) =>
      send(sts, `Action=AssumeRole&RoleArn=a&RoleSessionName=s&DurationSeconds=${encodeURIComponent(v)}`);
    for (const [v, n] of [
      ['900', 900],
      ['+900', 900],
      ['0900', 900],
      ['-1', -1],
      ['2147483647', 2147483647],
      ['-2147483648', -2147483648],
    ] as const)
      assert.equal(decodeOk(duration(v), sts).input.DurationSeconds, n, v);
    for (const v of ['abc', '900.0', '1e3', '2147483648', '-2147483649', '9'.repeat(400)]) {
      const err = decodeErr(duration(v), sts);
      assert.equal(err.name, 'MalformedInput', v);
      assert.equal(err.status, 400);
      assert.equal(err.hasMessage, false);
    }
    const empty = decodeErr(duration(''), sts);
    assert.equal(empty.name, 'MalformedInput');
    assert.equal(empty.message, 'missing value for decimal type');
  });

  it('ignores unknown, deep and hostile keys', () => {
    const deep = `${Array.from({ length: queryDepthMax + 5 }, () => 'A').join('.')}=1`;
    const body = `Action=GetUser&UserName=u&Bogus=1&UserName.member.1=x&__proto__=p&constructor.prototype.x=1&${deep}`;
    const { input } = decodeOk(send(iam, body), iam);
    assert.deepEqual(input, { UserName: 'u' });
    assert.equal(Object.getPrototypeOf(input), Object.prototype);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });

  it('bounds recursive shapes at queryDepthMax', () => {
    const recursive: BindingModel = {
      protocol: 'query',
      apiVersion: '2020-01-01',
      operations: {
        Put: { http: { method: 'POST', requestUri: '/' }, input: 'Node', output: null, errors: [] },
      },
      shapes: {
        String: { type: 'string' },
        Node: { type: 'structure', members: { V: { shape: 'String' }, Next: { shape: 'Node' } } },
      },
    };
    let depth = 0;
    let node = decodeOk(
      send(
        recursive,
        `Action=Put&${Array(queryDepthMax - 1)
          .fill('Next')
          .join('.')}.V=x`,
      ),
      recursive,
    ).input;
    while (node.Next) {
      node = node.Next as Record<string, unknown>;
      depth++;
    }
    assert.equal(depth, queryDepthMax - 1);
    assert.equal(node.V, 'x');
    // One part more and the key is not read at all.
    assert.deepEqual(
      decodeOk(send(recursive, `Action=Put&${Array(queryDepthMax).fill('Next').join('.')}.V=x`), recursive)
        .input,
      {},
    );
  });

  it('never throws on random bodies (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.oneof(
              fc.constantFrom(
                'Action',
                'Tags',
                'Tags.member.1.Key',
                'Tags.member.x',
                'UserName',
                'Tags.member.1',
              ),
              fc.string({ maxLength: 12 }),
            ),
            fc.oneof(fc.constantFrom('TagUser', 'GetUser', '%', '%FF', ''), fc.string({ maxLength: 8 })),
          ),
          { maxLength: 10 },
        ),
        (pairs) => {
          const out = query.decode(post(pairs.map(([k, v]) => `${k}=${v}`).join('&')), iam);
          assert.ok(isDecoded(out) || out.status === 302 || (out.status >= 400 && out.status < 500));
        },
      ),
    );
  });
});

// Maps, flattened lists, nested structures, locationNames, timestamps, blobs and booleans.
const synthetic: BindingModel = {
  protocol: 'query',
  apiVersion: '2020-01-01',
  xmlNamespace: 'https://example.com/doc/2020-01-01/',
  operations: {
    Put: {
      http: { method: 'POST', requestUri: '/' },
      input: 'PutInput',
      output: 'PutOutput',
      resultWrapper: 'PutResult',
      errors: [],
    },
  },
  shapes: {
    String: { type: 'string' },
    Integer: { type: 'integer' },
    Double: { type: 'double' },
    Boolean: { type: 'boolean' },
    Timestamp: { type: 'timestamp' },
    Blob: { type: 'blob' },
    Strings: { type: 'list', member: { shape: 'String' } },
    NamedStrings: { type: 'list', member: { shape: 'String', locationName: 'item' } },
    FlatStrings: { type: 'list', member: { shape: 'String' }, flattened: true },
    Attributes: {
      type: 'map',
      key: { shape: 'String', locationName: 'Name' },
      value: { shape: 'String', locationName: 'Value' },
    },
    FlatMap: { type: 'map', key: { shape: 'String' }, value: { shape: 'Integer' }, flattened: true },
    Inner: { type: 'structure', members: { Deep: { shape: 'String' }, Flag: { shape: 'Boolean' } } },
    PutInput: {
      type: 'structure',
      members: {
        Name: { shape: 'String' },
        Count: { shape: 'Integer' },
        Ratio: { shape: 'Double' },
        Enabled: { shape: 'Boolean' },
        At: { shape: 'Timestamp' },
        Data: { shape: 'Blob' },
        List: { shape: 'Strings' },
        Named: { shape: 'NamedStrings' },
        Flat: { shape: 'FlatStrings' },
        Attrs: { shape: 'Attributes', locationName: 'Attribute' },
        Counts: { shape: 'FlatMap' },
        Inner: { shape: 'Inner' },
      },
    },
    PutOutput: {
      type: 'structure',
      members: {
        Name: { shape: 'String' },
        At: { shape: 'Timestamp' },
        Data: { shape: 'Blob' },
        Enabled: { shape: 'Boolean' },
        Ratio: { shape: 'Double' },
        List: { shape: 'Strings' },
        Named: { shape: 'NamedStrings' },
        Flat: { shape: 'FlatStrings' },
        Attrs: { shape: 'Attributes', locationName: 'Attribute' },
        Counts: { shape: 'FlatMap' },
        Inner: { shape: 'Inner' },
      },
    },
  },
};

describe('Query decoding (maps, flattened lists, nested structures)', () => {
  it('reads every Query serialization form', () => {
    const body = [
      'Action=Put',
      'Name=n',
      'Count=-3',
      'Ratio=0.5',
      'Enabled=true',
      'At=2024-01-02T03%3A04%3A05Z',
      'Data=AQID',
      'List.member.1=a',
      'Named.item.1=b',
      'Flat.1=c',
      'Flat.2=d',
      'Attribute.entry.1.Name=k',
      'Attribute.entry.1.Value=v',
      'Attribute.entry.2.Name=k',
      'Attribute.entry.2.Value=dup',
      'Attribute.entry.3.Name=__proto__',
      'Attribute.entry.3.Value=p',
      'Counts.1.key=x',
      'Counts.1.value=7',
      'Inner.Deep=z',
      'Inner.Flag=false',
    ].join('&');
    const { input } = decodeOk(send(synthetic, body), synthetic);
    assert.deepEqual(
      { ...input, Attrs: Object.entries(input.Attrs as object) },
      {
        Name: 'n',
        Count: -3,
        Ratio: 0.5,
        Enabled: true,
        At: Date.UTC(2024, 0, 2, 3, 4, 5),
        Data: Buffer.from([1, 2, 3]),
        List: ['a'],
        Named: ['b'],
        Flat: ['c', 'd'],
        // Duplicate map keys: the lowest index wins; "__proto__" stays a data key.
        Attrs: [
          ['k', 'v'],
          ['__proto__', 'p'],
        ],
        Counts: { x: 7 },
        Inner: { Deep: 'z', Flag: false },
      },
    );
  });

  it('round-trips random inputs through serializeQueryInput (property)', () => {
    const text = fc.string({ maxLength: 12 });
    const input = fc.record(
      {
        Name: text,
        Count: fc.integer(),
        Ratio: fc.double({ noNaN: true, noDefaultInfinity: true }),
        Enabled: fc.boolean(),
        At: fc.integer({ min: 0, max: 4102444800000 }),
        Data: fc.uint8Array({ maxLength: 16 }).map((a) => Buffer.from(a)),
        List: fc.array(text, { maxLength: 4 }),
        Named: fc.array(text, { maxLength: 4 }),
        Flat: fc.array(text, { maxLength: 4 }),
        Attrs: fc.dictionary(text, text, { maxKeys: 4 }).map((d) => ({ ...d })),
        Counts: fc.dictionary(text, fc.integer(), { maxKeys: 4 }).map((d) => ({ ...d })),
        Inner: fc.record({ Deep: text, Flag: fc.boolean() }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(input, (value) => {
        const body = serializeQueryInput('Put', value, synthetic);
        const { operation, input: decoded } = decodeOk(post(body), synthetic);
        assert.equal(operation, 'Put');
        // -0 serializes as "0"; an empty structure or map sends nothing (as in botocore).
        const expected = plain(value) as Record<string, unknown>;
        if (Object.is(expected.Ratio, -0)) expected.Ratio = 0;
        for (const k of ['Inner', 'Attrs', 'Counts'])
          if (expected[k] && Object.keys(expected[k] as object).length === 0) delete expected[k];
        assert.deepEqual(plain(decoded), expected);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips STS AssumeRole inputs (property)', () => {
    const text = fc.string({ minLength: 1, maxLength: 16 });
    fc.assert(
      fc.property(
        fc.record(
          {
            RoleArn: text,
            RoleSessionName: text,
            DurationSeconds: fc.integer({ min: 900, max: 43200 }),
            Tags: fc.array(fc.record({ Key: text, Value: fc.string({ maxLength: 8 }) }), { maxLength: 5 }),
            TransitiveTagKeys: fc.array(text, { maxLength: 3 }),
            PolicyArns: fc.array(fc.record({ arn: text }), { maxLength: 3 }),
          },
          { requiredKeys: ['RoleArn', 'RoleSessionName'] },
        ),
        (value) => {
          assert.deepEqual(
            decodeOk(post(serializeQueryInput('AssumeRole', value, sts)), sts).input,
            plain(value),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('serializes as botocore does (golden)', () => {
    assert.equal(
      serializeQueryInput('TagUser', { UserName: 'u', Tags: [{ Key: 'a', Value: 'b c' }] }, iam),
      'Action=TagUser&Version=2010-05-08&UserName=u&Tags.member.1.Key=a&Tags.member.1.Value=b%20c',
    );
    assert.equal(
      serializeQueryInput('TagUser', { UserName: 'u', Tags: [] }, iam),
      'Action=TagUser&Version=2010-05-08&UserName=u&Tags=',
    );
  });
});

/** Lines joined as AWS's Query services write them: one element a line, a final newline. */
const xml = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe('Query output encoding (golden bytes)', () => {
  it('GetCallerIdentity: byte for byte what STS answers (members in the output object order)', () => {
    // The body the STS oracle (docs/protocols.md) pins against AWS, with its placeholders filled.
    const out = query.encodeOutput(
      'GetCallerIdentity',
      {
        Arn: 'arn:aws:iam::123456789012:user/Alice',
        UserId: 'AIDACKCEVSQ6C2EXAMPLE',
        Account: '123456789012',
      },
      sts,
      '01234567-89ab-cdef-0123-456789abcdef',
    );
    assert.equal(out.status, 200);
    assert.equal(
      out.body.toString(),
      xml(
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
        '  <GetCallerIdentityResult>',
        '    <Arn>arn:aws:iam::123456789012:user/Alice</Arn>',
        '    <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>',
        '    <Account>123456789012</Account>',
        '  </GetCallerIdentityResult>',
        '  <ResponseMetadata>',
        '    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>',
        '  </ResponseMetadata>',
        '</GetCallerIdentityResponse>',
      ),
    );
    assert.deepEqual(out.headers, {
      'x-amzn-RequestId': '01234567-89ab-cdef-0123-456789abcdef',
      'Content-Type': 'text/xml',
      'Content-Length': String(out.body.length),
    });
  });

  it('AssumeRole: byte for byte what STS answers (nested structures, ISO 8601 timestamps)', () => {
    const out = query.encodeOutput(
      'AssumeRole',
      {
        AssumedRoleUser: { AssumedRoleId: 'AROA:s', Arn: 'arn:aws:sts::123456789012:assumed-role/r/s' },
        Credentials: {
          AccessKeyId: 'ASIA',
          SecretAccessKey: 's',
          SessionToken: 't',
          Expiration: new Date(Date.UTC(2011, 6, 15, 23, 28, 33)),
        },
        Unmodeled: 'dropped',
      },
      sts,
      'r',
    );
    assert.equal(
      out.body.toString(),
      xml(
        '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
        '  <AssumeRoleResult>',
        '    <AssumedRoleUser>',
        '      <AssumedRoleId>AROA:s</AssumedRoleId>',
        '      <Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>',
        '    </AssumedRoleUser>',
        '    <Credentials>',
        '      <AccessKeyId>ASIA</AccessKeyId>',
        '      <SecretAccessKey>s</SecretAccessKey>',
        '      <SessionToken>t</SessionToken>',
        '      <Expiration>2011-07-15T23:28:33Z</Expiration>',
        '    </Credentials>',
        '  </AssumeRoleResult>',
        '  <ResponseMetadata>',
        '    <RequestId>r</RequestId>',
        '  </ResponseMetadata>',
        '</AssumeRoleResponse>',
      ),
    );
    const ms = query.encodeOutput('AssumeRole', { Credentials: { Expiration: 1310772513359 } }, sts, 'r');
    assert.ok(ms.body.toString().includes('<Expiration>2011-07-15T23:28:33.359Z</Expiration>'));
  });

  it('ListUsers: lists as <member>, an empty list as an empty element', () => {
    const user = {
      Path: '/',
      UserName: 'bob',
      UserId: 'AIDA',
      Arn: 'arn:aws:iam::123456789012:user/bob',
      CreateDate: 1348268593000,
    };
    assert.equal(
      query.encodeOutput('ListUsers', { IsTruncated: false, Users: [user] }, iam, 'r').body.toString(),
      xml(
        '<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">',
        '  <ListUsersResult>',
        '    <IsTruncated>false</IsTruncated>',
        '    <Users>',
        '      <member>',
        '        <Path>/</Path>',
        '        <UserName>bob</UserName>',
        '        <UserId>AIDA</UserId>',
        '        <Arn>arn:aws:iam::123456789012:user/bob</Arn>',
        '        <CreateDate>2012-09-21T23:03:13Z</CreateDate>',
        '      </member>',
        '    </Users>',
        '  </ListUsersResult>',
        '  <ResponseMetadata>',
        '    <RequestId>r</RequestId>',
        '  </ResponseMetadata>',
        '</ListUsersResponse>',
      ),
    );
    assert.ok(
      query.encodeOutput('ListUsers', { Users: [] }, iam, 'r').body.toString().includes('\n    <Users/>\n'),
    );
  });

  it('an operation without output has no Result element', () => {
    assert.equal(
      query.encodeOutput('TagUser', undefined, iam, 'r').body.toString(),
      xml(
        '<TagUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">',
        '  <ResponseMetadata>',
        '    <RequestId>r</RequestId>',
        '  </ResponseMetadata>',
        '</TagUserResponse>',
      ),
    );
  });

  it('maps as entry/key/value (with locationNames), flattened lists and maps, blobs, doubles', () => {
    const out = query.encodeOutput(
      'Put',
      {
        Data: Buffer.from([1, 2, 3]),
        Ratio: Number.NEGATIVE_INFINITY,
        Named: ['a'],
        Flat: ['x', 'y'],
        Attrs: { k: 'v' },
        Counts: { c: 1 },
      },
      synthetic,
      'r',
    );
    assert.equal(
      out.body.toString(),
      xml(
        '<PutResponse xmlns="https://example.com/doc/2020-01-01/">',
        '  <PutResult>',
        '    <Data>AQID</Data>',
        '    <Ratio>-Infinity</Ratio>',
        '    <Named>',
        '      <item>a</item>',
        '    </Named>',
        '    <Flat>x</Flat>',
        '    <Flat>y</Flat>',
        '    <Attribute>',
        '      <entry>',
        '        <Name>k</Name>',
        '        <Value>v</Value>',
        '      </entry>',
        '    </Attribute>',
        '    <Counts>',
        '      <key>c</key>',
        '      <value>1</value>',
        '    </Counts>',
        '  </PutResult>',
        '  <ResponseMetadata>',
        '    <RequestId>r</RequestId>',
        '  </ResponseMetadata>',
        '</PutResponse>',
      ),
    );
  });

  it('XML-escapes every value and the request id; replaces characters XML cannot carry', () => {
    const out = query.encodeOutput(
      'GetCallerIdentity',
      { Arn: `<a href="x">&'\r\n\u0000\uD800</a>` },
      sts,
      '<id>',
    );
    const body = out.body.toString();
    assert.ok(
      body.includes('<Arn>&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#xD;\n\uFFFD\uFFFD&lt;/a&gt;</Arn>'),
      body,
    );
    assert.ok(body.includes('<RequestId>&lt;id&gt;</RequestId>'));
    assert.equal(escapeXml('\uD83D\uDE00 ok'), '\uD83D\uDE00 ok');
  });
});

const iamErrors = {
  NoSuchEntity: clientError(404),
  ServiceFailure: serverError(500),
} as const;
const NoSuchEntity = errorClass(iamErrors, 'NoSuchEntity');
const ServiceFailure = errorClass(iamErrors, 'ServiceFailure');

describe('Query errors (golden bytes)', () => {
  it('byte for byte what STS answers for a service error (AccessDenied 403)', () => {
    const AccessDenied = errorClass({ AccessDenied: clientError(403) }, 'AccessDenied');
    const message =
      'User: arn:aws:iam::123456789012:user/u is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/r';
    const out = query.encodeError(new AccessDenied(message), 'rid', sts);
    assert.equal(out.status, 403);
    assert.equal(
      out.body.toString(),
      xml(
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
        '  <Error>',
        '    <Type>Sender</Type>',
        '    <Code>AccessDenied</Code>',
        `    <Message>${message}</Message>`,
        '  </Error>',
        '  <RequestId>rid</RequestId>',
        '</ErrorResponse>',
      ),
    );
    assert.deepEqual(out.headers, {
      'x-amzn-RequestId': 'rid',
      'Content-Type': 'text/xml',
      'Content-Length': String(out.body.length),
    });
  });

  it('InvalidAction comes from the generic front end: the AWSFault namespace (golden, escaped)', () => {
    const err = decodeErr(post('Action=<x>&Version=2011-06-15'), sts);
    assert.equal(
      query.encodeError(err, 'r', sts).body.toString(),
      xml(
        `<ErrorResponse xmlns="${AWS_FAULT_NAMESPACE}">`,
        '  <Error>',
        '    <Type>Sender</Type>',
        '    <Code>InvalidAction</Code>',
        '    <Message>Could not find operation &lt;x&gt; for version 2011-06-15</Message>',
        '  </Error>',
        '  <RequestId>r</RequestId>',
        '</ErrorResponse>',
      ),
    );
    assert.equal(AWS_FAULT_NAMESPACE, 'http://webservices.amazon.com/AWSFault/2005-15-09');
  });

  it('MalformedInput without a message has no <Message>; IAM NoSuchEntity 404 in the IAM namespace', () => {
    const malformed = decodeErr(
      send(sts, 'Action=AssumeRole&RoleArn=a&RoleSessionName=s&DurationSeconds=abc'),
      sts,
    );
    assert.equal(
      query.encodeError(malformed, 'r', sts).body.toString(),
      xml(
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
        '  <Error>',
        '    <Type>Sender</Type>',
        '    <Code>MalformedInput</Code>',
        '  </Error>',
        '  <RequestId>r</RequestId>',
        '</ErrorResponse>',
      ),
    );
    const out = query.encodeError(new NoSuchEntity('The user with name bob cannot be found.'), 'rid', iam);
    assert.equal(out.status, 404);
    assert.ok(
      out.body.toString().startsWith('<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">\n'),
    );
    assert.ok(out.body.toString().includes('\n    <Code>NoSuchEntity</Code>\n'));
  });

  it('server faults are Receiver; no model, no namespace', () => {
    assert.ok(
      encodeQueryError(new ServiceFailure('x'), 'r', iam).body.toString().includes('<Type>Receiver</Type>'),
    );
    const bare = encodeQueryError(new AwsError('InternalFailure', undefined, serverError()), 'r');
    assert.equal(bare.status, 500);
    assert.equal(
      bare.body.toString(),
      xml(
        '<ErrorResponse>',
        '  <Error>',
        '    <Type>Receiver</Type>',
        '    <Code>InternalFailure</Code>',
        '  </Error>',
        '  <RequestId>r</RequestId>',
        '</ErrorResponse>',
      ),
    );
  });

  it('parseForm: + is a space, a key without = has an empty value, empty pairs are skipped', () => {
    assert.deepEqual(parseForm(Buffer.from('a=b+c&d&&e=%2B')), [
      ['a', 'b c'],
      ['d', ''],
      ['e', '+'],
    ]);
  });
});
