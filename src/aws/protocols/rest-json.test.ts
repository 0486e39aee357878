import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AwsError, clientError, errorClass, frontEndErrors, serverError } from '../errors.js';
import lambdaRaw from './fixtures/lambda.json' with { type: 'json' };
import { type BindingModel, isDecoded, ProtocolError, type WireError, type WireRequest } from './protocol.js';
import {
  createRestJson,
  encodeRestJsonError,
  restJson,
  restJsonDepthMax,
  restPathSegmentsMax,
  route,
  UNKNOWN_OPERATION_BODY,
} from './rest-json.js';

const lambda = lambdaRaw as unknown as BindingModel;

function req(
  method: string,
  target: string,
  body: string | Buffer = '',
  headers: Record<string, string> = {},
): WireRequest {
  const at = target.indexOf('?');
  return {
    method,
    path: at < 0 ? target : target.slice(0, at),
    query: new URLSearchParams(at < 0 ? '' : target.slice(at + 1)),
    headers,
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  };
}

function decodeOk(
  r: WireRequest,
  model: BindingModel = lambda,
): { operation: string; input: Record<string, unknown> } {
  const out = restJson.decode(r, model);
  if (!isDecoded(out)) assert.fail(`expected an operation, got ${out.name}: ${out.message}`);
  return out;
}

function decodeErr(r: WireRequest, model: BindingModel = lambda): WireError {
  const out = restJson.decode(r, model);
  if (isDecoded(out)) assert.fail(`expected an error, got ${out.operation}`);
  return out;
}

const FN_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:my-fn';

describe('REST-JSON routing (Lambda model)', () => {
  it('routes each operation by method and URI template', () => {
    const cases: [string, string, string][] = [
      ['POST', '/2015-03-31/functions', 'CreateFunction'],
      ['GET', '/2015-03-31/functions', 'ListFunctions'],
      ['GET', '/2015-03-31/functions/', 'ListFunctions'],
      ['GET', '/2015-03-31/functions/my-fn', 'GetFunction'],
      ['DELETE', '/2015-03-31/functions/my-fn', 'DeleteFunction'],
      ['GET', '/2015-03-31/functions/my-fn/configuration', 'GetFunctionConfiguration'],
      ['POST', '/2015-03-31/functions/my-fn/invocations', 'Invoke'],
      ['GET', '/2015-03-31/event-source-mappings', 'ListEventSourceMappings'],
      ['POST', `/2017-03-31/tags/${encodeURIComponent(FN_ARN)}`, 'TagResource'],
      ['DELETE', `/2017-03-31/tags/${encodeURIComponent(FN_ARN)}?tagKeys=a`, 'UntagResource'],
    ];
    for (const [method, target, op] of cases)
      assert.equal(decodeOk(req(method, target)).operation, op, target);
  });

  it('prefers a query-constrained URI when its query is present (?find=LayerVersion, ?List=ALL)', () => {
    assert.equal(decodeOk(req('GET', '/2018-10-31/layers')).operation, 'ListLayers');
    assert.equal(
      decodeOk(req('GET', '/2018-10-31/layers?find=LayerVersion&Arn=x')).operation,
      'GetLayerVersionByArn',
    );
    assert.equal(decodeOk(req('GET', '/2018-10-31/layers?find=Other')).operation, 'ListLayers');
    assert.equal(
      decodeOk(req('GET', '/2019-09-30/functions/f/provisioned-concurrency?List=ALL')).operation,
      'ListProvisionedConcurrencyConfigs',
    );
    // Without its required query the URI names no operation.
    assert.equal(decodeErr(req('GET', '/2019-09-30/functions/f/provisioned-concurrency')).status, 404);
  });

  it('URL-decodes labels (an ARN as FunctionName), but not + as space', () => {
    const { input } = decodeOk(
      req('POST', `/2015-03-31/functions/${encodeURIComponent(FN_ARN)}/invocations`),
    );
    assert.equal(input.FunctionName, FN_ARN);
    assert.equal(decodeOk(req('GET', '/2015-03-31/functions/a+b')).input.FunctionName, 'a+b');
    assert.equal(decodeOk(req('GET', '/2015-03-31/functions/a%20b')).input.FunctionName, 'a b');
  });

  it('answers an unknown path, an unknown method, bad percent-encoding, an empty label with the 404', () => {
    for (const r of [
      req('GET', '/'),
      req('GET', '/2015-03-31/nope'),
      req('PATCH', '/2015-03-31/functions/f'),
      req('PUT', '/2015-03-31/functions/f/invocations'),
      req('GET', '/2015-03-31/functions/%E0%A4%A'),
      req('GET', '/2015-03-31/functions/%FF'),
      req('GET', '/2015-03-31/functions//configuration'),
      req('GET', `/${'a/'.repeat(restPathSegmentsMax + 1)}`),
    ]) {
      const err = decodeErr(r);
      assert.equal(err.name, 'UnknownOperationException', r.path);
      assert.equal(err.status, 404);
    }
  });

  it('encodes the unknown-route answer as the Coral front end does (golden bytes)', () => {
    const out = restJson.encodeError(decodeErr(req('GET', '/nope')), 'rid-1', lambda);
    assert.equal(out.status, 404);
    assert.deepEqual(out.headers, { 'x-amzn-RequestId': 'rid-1', 'Content-Length': '29' });
    assert.equal(out.body.toString('utf8'), UNKNOWN_OPERATION_BODY);
    assert.equal(out.body.toString('utf8'), '<UnknownOperationException/>\n');
  });

  it('optionally answers an unroutable request as Lambda was seen to: 403 AccessDeniedException (golden)', () => {
    const lambdaLike = createRestJson({ unknownRoute: 'access-denied' });
    const err = lambdaLike.decode(req('POST', '//2015-03-31/functions/f/invocations/'), lambda);
    assert.ok(!isDecoded(err));
    const out = lambdaLike.encodeError(err, 'rid', lambda);
    assert.equal(out.status, 403);
    assert.equal(
      out.body.toString(),
      '{"Message":"Unable to determine service/operation name to be authorized"}',
    );
    assert.deepEqual(out.headers, {
      'x-amzn-RequestId': 'rid',
      'x-amzn-ErrorType': 'AccessDeniedException',
      'Content-Type': 'application/json',
      'Content-Length': '73',
    });
    // Routable requests are the same either way.
    assert.equal(decodeOk(req('GET', '/2015-03-31/functions/f'), lambda).operation, 'GetFunction');
    assert.ok(isDecoded(lambdaLike.decode(req('GET', '/2015-03-31/functions/f'), lambda)));
  });

  it('never throws on arbitrary methods, paths and queries', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'get', 'X'),
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 8 }),
            fc.constantFrom('%', '%zz', '%FF', '2015-03-31', 'functions'),
          ),
          {
            maxLength: 8,
          },
        ),
        fc.string({ maxLength: 20 }),
        (method, parts, query) => {
          const out = restJson.decode(req(method, `/${parts.join('/')}?${query}`), lambda);
          assert.ok(isDecoded(out) || out.status === 404 || out.status === 400);
        },
      ),
    );
  });
});

// A synthetic model for what Lambda's model lacks: greedy labels, prefix headers, query maps,
// header lists and timestamps, structure payloads.
const synthetic: BindingModel = {
  protocol: 'rest-json',
  apiVersion: '2020-01-01',
  operations: {
    GetObject: {
      http: { method: 'GET', requestUri: '/{Bucket}/{Key+}' },
      input: 'GetObjectInput',
      output: 'GetObjectOutput',
      errors: [],
    },
    ListParts: {
      http: { method: 'GET', requestUri: '/{Bucket}/{Key+}?uploads' },
      input: 'GetObjectInput',
      output: null,
      errors: [],
    },
    GetTail: {
      http: { method: 'GET', requestUri: '/{Bucket}/{Key+}/tail' },
      input: 'GetObjectInput',
      output: null,
      errors: [],
    },
    PutDoc: {
      http: { method: 'PUT', requestUri: '/docs/{Id}', responseCode: 201 },
      input: 'PutDocInput',
      output: 'PutDocOutput',
      errors: [],
    },
  },
  shapes: {
    String: { type: 'string' },
    Integer: { type: 'integer' },
    Boolean: { type: 'boolean' },
    Timestamp: { type: 'timestamp' },
    Blob: { type: 'blob' },
    StringList: { type: 'list', member: { shape: 'String' } },
    StringMap: { type: 'map', key: { shape: 'String' }, value: { shape: 'String' } },
    ListMap: { type: 'map', key: { shape: 'String' }, value: { shape: 'StringList' } },
    GetObjectInput: {
      type: 'structure',
      members: {
        Bucket: { shape: 'String', location: 'uri', locationName: 'Bucket' },
        Key: { shape: 'String', location: 'uri', locationName: 'Key' },
        Meta: { shape: 'StringMap', location: 'headers', locationName: 'x-amz-meta-' },
        Since: { shape: 'Timestamp', location: 'header', locationName: 'If-Modified-Since' },
        Ids: { shape: 'StringList', location: 'header', locationName: 'X-Ids' },
        Flag: { shape: 'Boolean', location: 'querystring', locationName: 'flag' },
        Rest: { shape: 'ListMap', location: 'querystring' },
      },
    },
    GetObjectOutput: {
      type: 'structure',
      members: {
        Meta: { shape: 'StringMap', location: 'headers', locationName: 'x-amz-meta-' },
        Modified: { shape: 'Timestamp', location: 'header', locationName: 'Last-Modified' },
        Body: { shape: 'Blob' },
      },
      payload: 'Body',
    },
    Doc: {
      type: 'structure',
      members: {
        Title: { shape: 'String', jsonName: 'title' },
        At: { shape: 'Timestamp' },
        Data: { shape: 'Blob' },
      },
    },
    PutDocInput: {
      type: 'structure',
      members: { Id: { shape: 'String', location: 'uri', locationName: 'Id' }, Doc: { shape: 'Doc' } },
      payload: 'Doc',
    },
    PutDocOutput: {
      type: 'structure',
      members: { Id: { shape: 'String' }, At: { shape: 'Timestamp' }, Size: { shape: 'Integer' } },
    },
  },
};

describe('REST-JSON routing (greedy labels)', () => {
  it('binds {Key+} to the rest of the path, slashes kept, segments decoded', () => {
    const { operation, input } = decodeOk(req('GET', '/b/a/b%2Fc/d%20e'), synthetic);
    assert.equal(operation, 'GetObject');
    assert.equal(input.Bucket, 'b');
    assert.equal(input.Key, 'a/b/c/d e');
  });

  it('lets literals follow a greedy label and a query constraint pick its route', () => {
    const tail = decodeOk(req('GET', '/b/x/y/tail'), synthetic);
    assert.equal(tail.operation, 'GetTail');
    assert.equal(tail.input.Key, 'x/y');
    assert.equal(decodeOk(req('GET', '/b/x/y?uploads'), synthetic).operation, 'ListParts');
    assert.equal(decodeErr(req('GET', '/b'), synthetic).status, 404);
  });

  it('matches exactly the route() the decoder uses', () => {
    const m = route(synthetic, 'get', '/b/k', new URLSearchParams());
    assert.equal(m?.operation, 'GetObject');
    assert.equal(m?.labels.get('Key'), 'k');
  });
});

describe('REST-JSON input binding', () => {
  it('Invoke: headers, query string and the raw payload blob', () => {
    const payload = Buffer.from('{"hello":"world"}');
    const { input } = decodeOk(
      req('POST', '/2015-03-31/functions/f/invocations?Qualifier=%24LATEST', payload, {
        'x-amz-invocation-type': 'Event',
        'x-amz-log-type': 'Tail',
      }),
    );
    assert.deepEqual(input, {
      FunctionName: 'f',
      InvocationType: 'Event',
      LogType: 'Tail',
      Qualifier: '$LATEST',
      Payload: payload,
    });
    // A body that is not JSON is still just bytes for a blob payload.
    const raw = Buffer.from([0xff, 0x00, 0xfe]);
    assert.deepEqual(decodeOk(req('POST', '/2015-03-31/functions/f/invocations', raw)).input.Payload, raw);
    assert.deepEqual(decodeOk(req('POST', '/2015-03-31/functions/f/invocations')).input, {
      FunctionName: 'f',
    });
    // Header names match case-insensitively even when the transport did not lower-case them.
    assert.equal(
      decodeOk(req('POST', '/2015-03-31/functions/f/invocations', '', { 'X-Amz-Log-Type': 'Tail' })).input
        .LogType,
      'Tail',
    );
  });

  it('query strings: integers typed, repeated keys as lists, unknown keys ignored', () => {
    assert.deepEqual(decodeOk(req('GET', '/2015-03-31/functions?MaxItems=10&Marker=m&Other=1')).input, {
      MaxItems: 10,
      Marker: 'm',
    });
    assert.deepEqual(decodeOk(req('DELETE', '/2017-03-31/tags/r?tagKeys=a&tagKeys=b%20c&tagKeys=')).input, {
      Resource: 'r',
      TagKeys: ['a', 'b c', ''],
    });
    // A repeated scalar takes its first value.
    assert.equal(decodeOk(req('GET', '/2015-03-31/functions?Marker=1&Marker=2')).input.Marker, '1');
  });

  it('answers SerializationException for a query value of the wrong type', () => {
    for (const v of ['ten', '1.5', '', '9'.repeat(30)]) {
      const err = decodeErr(req('GET', `/2015-03-31/functions?MaxItems=${v}`));
      assert.equal(err.name, 'SerializationException');
      assert.equal(err.status, 400);
    }
  });

  it('JSON body: modeled members only, blobs from base64, nulls dropped, maps keep __proto__ as data', () => {
    const body = JSON.stringify({
      FunctionName: 'f',
      Role: 'arn:aws:iam::123456789012:role/r',
      Code: { ZipFile: Buffer.from('PK\u0003\u0004').toString('base64'), Unknown: 1 },
      Description: null,
      Bogus: true,
    });
    const { input } = decodeOk(req('POST', '/2015-03-31/functions', body));
    assert.deepEqual(input, {
      FunctionName: 'f',
      Role: 'arn:aws:iam::123456789012:role/r',
      Code: { ZipFile: Buffer.from('PK\u0003\u0004') },
    });
    const tags = decodeOk(req('POST', '/2017-03-31/tags/r', '{"Tags":{"__proto__":"x","k":"v"}}')).input
      .Tags as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(tags), Object.prototype);
    assert.deepEqual(Object.keys(tags), ['__proto__', 'k']);
    assert.equal(Object.getOwnPropertyDescriptor(tags, '__proto__')?.value, 'x');
  });

  it('leaves member types to the validator (raw input), but refuses bad base64', () => {
    assert.deepEqual(decodeOk(req('POST', '/2017-03-31/tags/r', '{"Tags":"nope"}')).input, {
      Resource: 'r',
      Tags: 'nope',
    });
    const err = decodeErr(req('POST', '/2015-03-31/functions', '{"Code":{"ZipFile":"not base64!"}}'));
    assert.equal(err.name, 'SerializationException');
  });

  it('duplicate JSON keys: the last one wins (as JSON.parse reads them)', () => {
    assert.deepEqual(
      decodeOk(req('POST', '/2017-03-31/tags/r', '{"Tags":{"a":"1"},"Tags":{"b":"2"}}')).input.Tags,
      {
        b: '2',
      },
    );
  });

  it('refuses corrupt, truncated, non-object and non-UTF-8 bodies with SerializationException', () => {
    for (const body of [
      '{"Tags":',
      '{"Tags":{"a":"b"}',
      '[]',
      '"x"',
      'null',
      '1',
      Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
      Buffer.from([0xff, 0xfe]),
    ]) {
      const err = decodeErr(req('POST', '/2017-03-31/tags/r', body));
      assert.equal(err.name, 'SerializationException', String(body));
      assert.equal(err.status, 400);
      assert.equal(err.messageKey, 'Message');
    }
  });

  it('an empty body binds no body members', () => {
    assert.deepEqual(decodeOk(req('POST', '/2017-03-31/tags/r', '')).input, { Resource: 'r' });
  });

  it('prefix headers, header lists and timestamps, query maps (synthetic model)', () => {
    const { input } = decodeOk(
      req('GET', '/b/k?flag=true&a=1&a=2&z=', '', {
        'x-amz-meta-color': 'red',
        'x-amz-meta-__proto__': 'p',
        'if-modified-since': 'Wed, 21 Oct 2015 07:28:00 GMT',
        'x-ids': 'a, b,c',
      }),
      synthetic,
    );
    assert.equal(input.Flag, true);
    assert.equal(input.Since, Date.UTC(2015, 9, 21, 7, 28));
    assert.deepEqual(input.Ids, ['a', 'b', 'c']);
    assert.deepEqual(Object.entries(input.Meta as object), [
      ['color', 'red'],
      ['__proto__', 'p'],
    ]);
    assert.deepEqual(input.Rest, { a: ['1', '2'], z: [''] });
    assert.equal(decodeErr(req('GET', '/b/k?flag=yes'), synthetic).name, 'SerializationException');
    assert.equal(
      decodeErr(req('GET', '/b/k', '', { 'if-modified-since': 'soon' }), synthetic).name,
      'SerializationException',
    );
  });

  it('a structure payload is the whole JSON body (jsonName, timestamps in epoch seconds to ms)', () => {
    const { input } = decodeOk(
      req('PUT', '/docs/7', '{"title":"T","At":1700000000.25,"Data":"AQI="}'),
      synthetic,
    );
    assert.deepEqual(input, { Id: '7', Doc: { Title: 'T', At: 1700000000250, Data: Buffer.from([1, 2]) } });
  });

  it('bounds nesting: a value deeper than its shape stays raw (for the validator), recursion stops at restJsonDepthMax', () => {
    const deep = `{"Tags":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    assert.ok(Array.isArray(decodeOk(req('POST', '/2017-03-31/tags/r', deep)).input.Tags));
    const recursive: BindingModel = {
      ...synthetic,
      operations: {
        Put: { http: { method: 'POST', requestUri: '/n' }, input: 'Node', output: null, errors: [] },
      },
      shapes: { Node: { type: 'structure', members: { Next: { shape: 'Node' } } } },
    };
    let body = '{}';
    for (let i = 0; i < restJsonDepthMax + 2; i++) body = `{"Next":${body}}`;
    assert.equal(decodeErr(req('POST', '/n', body), recursive).name, 'SerializationException');
  });

  it('round-trips random labels, query lists and tag maps (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.array(fc.string({ maxLength: 10 }), { minLength: 1, maxLength: 5 }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ maxLength: 10 }), {
          maxKeys: 5,
        }),
        (resource, keys, tags) => {
          const qs = new URLSearchParams(keys.map((k) => ['tagKeys', k]));
          const del = decodeOk(req('DELETE', `/2017-03-31/tags/${encodeURIComponent(resource)}?${qs}`));
          assert.deepEqual(del.input, { Resource: resource, TagKeys: keys });
          const put = decodeOk(
            req('POST', `/2017-03-31/tags/${encodeURIComponent(resource)}`, JSON.stringify({ Tags: tags })),
          );
          assert.deepEqual({ ...(put.input.Tags as object) }, { ...tags });
        },
      ),
    );
  });
});

describe('REST-JSON output encoding (golden bytes)', () => {
  it('a JSON body with epoch-second timestamps, the responseCode status and the request id', () => {
    const out = restJson.encodeOutput(
      'ListEventSourceMappings',
      {
        EventSourceMappings: [
          { UUID: 'u-1', BatchSize: 100, LastModified: new Date(1700000000500), Bogus: 1 },
        ],
      },
      lambda,
      'rid-2',
    );
    assert.equal(out.status, 200);
    assert.equal(
      out.body.toString(),
      '{"EventSourceMappings":[{"UUID":"u-1","BatchSize":100,"LastModified":1700000000.5}]}',
    );
    assert.deepEqual(out.headers, {
      'x-amzn-RequestId': 'rid-2',
      'Content-Type': 'application/json',
      'Content-Length': String(out.body.length),
    });
  });

  it('CreateFunction answers 201 (responseCode) with the configuration', () => {
    const out = restJson.encodeOutput('CreateFunction', { FunctionName: 'f', MemorySize: 128 }, lambda, 'r');
    assert.equal(out.status, 201);
    assert.equal(out.body.toString(), '{"FunctionName":"f","MemorySize":128}');
  });

  it('Invoke: status from the StatusCode member, header members, the raw payload', () => {
    const out = restJson.encodeOutput(
      'Invoke',
      {
        StatusCode: 200,
        FunctionError: 'Unhandled',
        ExecutedVersion: '$LATEST',
        Payload: Buffer.from('{"errorMessage":"x"}'),
      },
      lambda,
      'r',
    );
    assert.equal(out.status, 200);
    assert.equal(out.headers['X-Amz-Function-Error'], 'Unhandled');
    assert.equal(out.headers['X-Amz-Executed-Version'], '$LATEST');
    assert.equal(out.body.toString(), '{"errorMessage":"x"}');
    const event = restJson.encodeOutput('Invoke', { StatusCode: 202 }, lambda, 'r');
    assert.equal(event.status, 202);
    assert.equal(event.body.length, 0);
  });

  it('no output (TagResource 204) and a header-only output (DeleteFunction) have empty bodies', () => {
    const tag = restJson.encodeOutput('TagResource', undefined, lambda, 'r');
    assert.equal(tag.status, 204);
    assert.equal(tag.body.length, 0);
    assert.equal(tag.headers['Content-Type'], undefined);
    const del = restJson.encodeOutput('DeleteFunction', { StatusCode: 204 }, lambda, 'r');
    assert.equal(del.status, 204);
    assert.equal(del.body.length, 0);
  });

  it('headers maps, http-date header timestamps, blob payloads, jsonName (synthetic)', () => {
    const out = restJson.encodeOutput(
      'GetObject',
      {
        Meta: { color: 'red' },
        Modified: new Date(Date.UTC(2015, 9, 21, 7, 28)),
        Body: new Uint8Array([1, 2, 3]),
      },
      synthetic,
      'r',
    );
    assert.equal(out.headers['x-amz-meta-color'], 'red');
    assert.equal(out.headers['Last-Modified'], 'Wed, 21 Oct 2015 07:28:00 GMT');
    assert.equal(out.headers['Content-Type'], 'application/octet-stream');
    assert.deepEqual(out.body, Buffer.from([1, 2, 3]));
    const put = restJson.encodeOutput('PutDoc', { Id: '7', At: 1700000000000, Size: 3 }, synthetic, 'r');
    assert.equal(put.status, 201);
    assert.equal(put.body.toString(), '{"Id":"7","At":1700000000,"Size":3}');
  });
});

const lambdaErrors = {
  ResourceNotFoundException: clientError(404),
  InvalidParameterValueException: clientError(400),
  ServiceException: serverError(500),
  TooManyRequestsException: clientError(429),
} as const;
const ResourceNotFoundException = errorClass(lambdaErrors, 'ResourceNotFoundException');
const InvalidParameterValueException = errorClass(lambdaErrors, 'InvalidParameterValueException');
const ServiceException = errorClass(lambdaErrors, 'ServiceException');

describe('REST-JSON errors (golden bytes, Lambda)', () => {
  it('ResourceNotFoundException: 404, x-amzn-ErrorType, {"Type":"User","Message":...}', () => {
    const out = restJson.encodeError(
      new ResourceNotFoundException(`Function not found: ${FN_ARN}`),
      'rid-3',
      lambda,
    );
    assert.equal(out.status, 404);
    assert.equal(out.body.toString(), `{"Type":"User","Message":"Function not found: ${FN_ARN}"}`);
    assert.deepEqual(out.headers, {
      'x-amzn-RequestId': 'rid-3',
      'x-amzn-ErrorType': 'ResourceNotFoundException',
      'Content-Type': 'application/json',
      'Content-Length': String(out.body.length),
    });
  });

  it('InvalidParameterValueException spells its member "message"; ServiceException is Type Service', () => {
    const bad = restJson.encodeError(new InvalidParameterValueException('Bad name'), 'r', lambda);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.toString(), '{"Type":"User","message":"Bad name"}');
    const svc = restJson.encodeError(new ServiceException('boom'), 'r', lambda);
    assert.equal(svc.status, 500);
    assert.equal(svc.body.toString(), '{"Type":"Service","Message":"boom"}');
  });

  it('front-end errors the model does not list carry only their message; no model, no Type', () => {
    const Validation = errorClass(frontEndErrors, 'ValidationException');
    const v = encodeRestJsonError(new Validation('1 validation error detected: x'), 'r', lambda);
    assert.equal(v.body.toString(), '{"message":"1 validation error detected: x"}');
    assert.equal(v.headers['x-amzn-ErrorType'], 'ValidationException');
    const bare = encodeRestJsonError(new ResourceNotFoundException('gone'), 'r');
    assert.equal(bare.body.toString(), '{"message":"gone"}');
    const noMessage = encodeRestJsonError(
      new AwsError('InternalFailure', undefined, serverError()),
      'r',
      lambda,
    );
    assert.equal(noMessage.status, 500);
    assert.equal(noMessage.body.toString(), '{}');
  });

  it('JSON-escapes hostile messages', () => {
    const out = restJson.encodeError(new ResourceNotFoundException('a"b\\c\u0000</x>'), 'r', lambda);
    assert.deepEqual(JSON.parse(out.body.toString()), { Type: 'User', Message: 'a"b\\c\u0000</x>' });
  });

  it('a ProtocolError is an AwsError by type, and encodes the same', () => {
    const p: AwsError = new ProtocolError('ResourceNotFoundException', 'gone', 404);
    const a = new ResourceNotFoundException('gone');
    assert.deepEqual(restJson.encodeError(p, 'r', lambda), restJson.encodeError(a, 'r', lambda));
  });
});
