// The AWS front end's check order and exact responses (as real AWS answers them; documented by
// kinesalite's test/connection.js): method, content type, target, body, auth, CORS, headers.
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { kinesis, startTestServer, type TestServer } from './helpers.js';
import { jsonHeaders, type RawResponse, rawHttp, UUID_RE } from './protocol-client.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

function assertCommonHeaders(res: RawResponse): void {
  assert.match(String(res.headers['x-amzn-requestid']), UUID_RE);
  const id2 = Buffer.from(String(res.headers['x-amz-id-2']), 'base64');
  assert.ok(id2.length >= 72 && id2.length <= 80, `x-amz-id-2 is ${id2.length} bytes`);
  assert.equal(res.headers['content-length'], String(res.body.length));
}

function assertBody(res: RawResponse, status: number, contentType: string | undefined, body: unknown): void {
  assert.equal(res.status, status, res.text);
  if (typeof body === 'string') assert.equal(res.text, body);
  else assert.deepEqual(JSON.parse(res.text), body);
  assert.equal(res.headers['content-type'], contentType);
  assertCommonHeaders(res);
}

const xml = (type: string, message: string): string =>
  `<${type}>\n  <Message>${message}</Message>\n</${type}>\n`;
const MISSING_XML = xml('MissingAuthenticationTokenException', 'Missing Authentication Token');
const DENIED_XML = xml(
  'AccessDeniedException',
  'Unable to determine service/operation name to be authorized',
);
const JSON_CT = 'application/x-amz-json-1.1';

describe('front end: method and content type', () => {
  it('hangs up on DELETE', async () => {
    await assert.rejects(
      rawHttp(server.endpoint, { method: 'DELETE', sign: false }),
      (err: NodeJS.ErrnoException) => {
        assert.match(String(err.code), /ECONNRESET/);
        return true;
      },
    );
  });

  for (const method of ['OPTIONS', 'GET', 'PUT', 'POST']) {
    it(`answers ${method} without auth with the XML MissingAuthenticationTokenException`, async () => {
      const res = await rawHttp(server.endpoint, { method, sign: false });
      assertBody(res, 403, undefined, MISSING_XML);
    });
  }

  for (const method of ['GET', 'PUT']) {
    it(`answers a signed ${method} with the XML AccessDeniedException`, async () => {
      assertBody(await rawHttp(server.endpoint, { method }), 403, undefined, DENIED_XML);
    });
  }

  it('answers a signed POST with no body and no content type with AccessDeniedException', async () => {
    assertBody(await rawHttp(server.endpoint, {}), 403, undefined, DENIED_XML);
  });

  it('answers a body without Content-Type with AccessDeniedException', async () => {
    assertBody(await rawHttp(server.endpoint, { body: '{}' }), 403, undefined, DENIED_XML);
  });

  it('answers x-amz-json-1.0 with AccessDeniedException', async () => {
    const res = await rawHttp(server.endpoint, { headers: { 'content-type': 'application/x-amz-json-1.0' } });
    assertBody(res, 403, undefined, DENIED_XML);
  });

  it('answers an invalid target without content type with AccessDeniedException', async () => {
    const res = await rawHttp(server.endpoint, {
      headers: { 'x-amz-target': 'Kinesis_20131202.ListStream' },
    });
    assertBody(res, 403, undefined, DENIED_XML);
  });

  it('answers a valid target without content type with AccessDeniedException', async () => {
    const res = await rawHttp(server.endpoint, {
      headers: { 'x-amz-target': 'Kinesis_20131202.ListStreams' },
    });
    assertBody(res, 403, undefined, DENIED_XML);
  });

  it('sets CORS headers on the XML AccessDeniedException when an Origin is sent', async () => {
    const res = await rawHttp(server.endpoint, { headers: { origin: 'whatever' } });
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(res.headers['access-control-expose-headers'], 'x-amz-request-id, x-amz-id-2');
    assertBody(res, 403, undefined, DENIED_XML);
  });
});

describe('front end: CORS preflight', () => {
  async function preflight(headers: Record<string, string>): Promise<RawResponse> {
    const res = await rawHttp(server.endpoint, {
      method: 'OPTIONS',
      sign: false,
      headers: { origin: 'whatever', ...headers },
    });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['x-amzn-requestid']), UUID_RE);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(res.headers['access-control-max-age'], '172800');
    assert.equal(res.headers['content-length'], '0');
    assert.equal(res.headers['x-amz-id-2'], undefined);
    assert.equal(res.text, '');
    return res;
  }

  it('answers OPTIONS with an Origin', async () => {
    const res = await preflight({});
    assert.equal(res.headers['access-control-allow-headers'], undefined);
    assert.equal(res.headers['access-control-allow-methods'], undefined);
  });

  it('echoes the requested headers', async () => {
    const res = await preflight({ 'access-control-request-headers': 'a, b, c' });
    assert.equal(res.headers['access-control-allow-headers'], 'a, b, c');
  });

  it('echoes the requested headers and method', async () => {
    const res = await preflight({
      'access-control-request-headers': 'a, b, c',
      'access-control-request-method': 'd',
    });
    assert.equal(res.headers['access-control-allow-headers'], 'a, b, c');
    assert.equal(res.headers['access-control-allow-methods'], 'd');
  });

  it('exposes the AWS response headers on JSON answers', async () => {
    const res = await rawHttp(server.endpoint, {
      headers: { ...jsonHeaders('ListStreams'), origin: 'x' },
      body: '{}',
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(
      res.headers['access-control-expose-headers'],
      'x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date',
    );
  });
});

describe('front end: JSON', () => {
  const unknown = { __type: 'UnknownOperationException' };
  const serialization = { __type: 'SerializationException' };
  const unknownDeprecated = {
    Output: { __type: 'com.amazon.coral.service#UnknownOperationException', message: null },
    Version: '1.0',
  };
  const serializationDeprecated = {
    Output: { __type: 'com.amazon.coral.service#SerializationException', Message: null },
    Version: '1.0',
  };
  const missing = { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  const incomplete = (message: string) => ({ __type: 'IncompleteSignatureException', message });
  const ALL_HEADER_PARAMS =
    "Authorization header requires 'Credential' parameter. " +
    "Authorization header requires 'Signature' parameter. " +
    "Authorization header requires 'SignedHeaders' parameter. " +
    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
    'Authorization=X';

  it('answers no target with UnknownOperationException', async () => {
    assertBody(await rawHttp(server.endpoint, { headers: jsonHeaders() }), 400, JSON_CT, unknown);
  });

  it('answers no target and no auth with UnknownOperationException', async () => {
    assertBody(
      await rawHttp(server.endpoint, { headers: jsonHeaders(), sign: false }),
      400,
      JSON_CT,
      unknown,
    );
  });

  it('answers application/json without a target with the deprecated envelope', async () => {
    const res = await rawHttp(server.endpoint, { headers: jsonHeaders(undefined, 'application/json') });
    assertBody(res, 200, 'application/json', unknownDeprecated);
  });

  it('answers application/json with a valid target with the deprecated envelope', async () => {
    const res = await rawHttp(server.endpoint, { headers: jsonHeaders('ListStreams', 'application/json') });
    assertBody(res, 200, 'application/json', unknownDeprecated);
  });

  it('answers application/json with a body with the deprecated envelope', async () => {
    const headers = jsonHeaders('ListStreams', 'application/json');
    assertBody(
      await rawHttp(server.endpoint, { headers, body: '{}', sign: false }),
      200,
      'application/json',
      unknownDeprecated,
    );
  });

  it('answers application/json with a non-JSON body with the deprecated SerializationException', async () => {
    const headers = jsonHeaders('ListStreams', 'application/json');
    const res = await rawHttp(server.endpoint, { headers, body: 'hello', sign: false });
    assertBody(res, 200, 'application/json', serializationDeprecated);
  });

  it('answers a valid target without a body with SerializationException', async () => {
    assertBody(
      await rawHttp(server.endpoint, { headers: jsonHeaders('ListStreams') }),
      400,
      JSON_CT,
      serialization,
    );
  });

  it('answers a valid target without a body or auth with SerializationException', async () => {
    const res = await rawHttp(server.endpoint, { headers: jsonHeaders('ListStreams'), sign: false });
    assertBody(res, 400, JSON_CT, serialization);
  });

  it('answers a non-JSON body with SerializationException', async () => {
    const res = await rawHttp(server.endpoint, {
      headers: jsonHeaders('ListStreams'),
      body: 'hello',
      sign: false,
    });
    assertBody(res, 400, JSON_CT, serialization);
  });

  it('answers a bogus target with a body with UnknownOperationException', async () => {
    for (const target of [
      'Kinesis_20131202.ListStream',
      'Kinesis_20131201.ListStreams',
      'ListStreams',
      'a.b.c',
    ]) {
      const res = await rawHttp(server.endpoint, {
        headers: jsonHeaders(target.includes('.') ? target : `x${target}`),
        body: '{}',
      });
      assertBody(res, 400, JSON_CT, unknown);
    }
  });

  it('answers a JSON request without auth with MissingAuthenticationTokenException', async () => {
    const res = await rawHttp(server.endpoint, {
      headers: jsonHeaders('ListStreams'),
      body: '{}',
      sign: false,
    });
    assertBody(res, 400, JSON_CT, missing);
    assert.equal(res.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException');
  });

  it('lists every missing piece of an incomplete Authorization header', async () => {
    const headers = { ...jsonHeaders('ListStreams'), authorization: 'X' };
    const res = await rawHttp(server.endpoint, { headers, body: '{}', sign: false });
    assertBody(res, 400, JSON_CT, incomplete(ALL_HEADER_PARAMS));
  });

  it('ignores a near-miss query parameter beside an incomplete Authorization header', async () => {
    const headers = { ...jsonHeaders('ListStreams'), authorization: 'X' };
    const res = await rawHttp(server.endpoint, {
      path: '/?X-Amz-Algorith',
      headers,
      body: '{}',
      sign: false,
    });
    assertBody(res, 400, JSON_CT, incomplete(ALL_HEADER_PARAMS));
  });

  it('answers query auth without X-Amz-Algorithm with MissingAuthenticationTokenException', async () => {
    const path = '/?X-Amz-Credential=a&X-Amz-Signature=b&X-Amz-SignedHeaders=c&X-Amz-Date=d';
    const res = await rawHttp(server.endpoint, {
      path,
      headers: jsonHeaders('ListStreams'),
      body: '{}',
      sign: false,
    });
    assertBody(res, 400, JSON_CT, missing);
  });

  it('answers both header and query auth with InvalidSignatureException', async () => {
    const headers = { ...jsonHeaders('ListStreams'), authorization: 'X' };
    const res = await rawHttp(server.endpoint, {
      path: '/?X-Amz-Algorithm',
      headers,
      body: '{}',
      sign: false,
    });
    assertBody(res, 400, JSON_CT, {
      __type: 'InvalidSignatureException',
      message: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    });
  });

  for (const auth of [
    'AWS4- Signature=b Credential=a',
    'AWS4- Signature=b,Credential=a',
    'AWS4- Signature=b, Credential=a',
  ]) {
    it(`reports only the missing SignedHeaders for "${auth}"`, async () => {
      const headers = { ...jsonHeaders('ListStreams'), authorization: auth, date: 'a' };
      const res = await rawHttp(server.endpoint, { headers, body: '{}', sign: false });
      assertBody(
        res,
        400,
        JSON_CT,
        incomplete(`Authorization header requires 'SignedHeaders' parameter. Authorization=${auth}`),
      );
    });
  }

  it('lists every missing query parameter for an empty X-Amz-Algorithm', async () => {
    const res = await rawHttp(server.endpoint, {
      path: '/?X-Amz-Algorithm',
      headers: jsonHeaders('ListStreams'),
      body: '{}',
      sign: false,
    });
    assertBody(
      res,
      400,
      JSON_CT,
      incomplete(
        "AWS query-string parameters must include 'X-Amz-Algorithm'. " +
          "AWS query-string parameters must include 'X-Amz-Credential'. " +
          "AWS query-string parameters must include 'X-Amz-Signature'. " +
          "AWS query-string parameters must include 'X-Amz-SignedHeaders'. " +
          "AWS query-string parameters must include 'X-Amz-Date'. " +
          'Re-examine the query-string parameters.',
      ),
    );
  });

  it('reports a missing X-Amz-SignedHeaders query parameter', async () => {
    const path = '/?X-Amz-Algorithm=a&X-Amz-Credential=b&X-Amz-Signature=c&X-Amz-Date=d';
    const res = await rawHttp(server.endpoint, {
      path,
      headers: jsonHeaders('ListStreams'),
      body: '{}',
      sign: false,
    });
    assertBody(
      res,
      400,
      JSON_CT,
      incomplete(
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
      ),
    );
  });

  it('accepts complete query-string auth', async () => {
    const path =
      '/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20260101%2Fus-east-1%2Fkinesis%2Faws4_request&X-Amz-Signature=c&X-Amz-SignedHeaders=host&X-Amz-Date=d';
    const res = await rawHttp(server.endpoint, {
      path,
      headers: jsonHeaders('ListStreams'),
      body: '{}',
      sign: false,
    });
    assert.equal(res.status, 200, res.text);
  });

  it('ignores parameters after the content type', async () => {
    const headers = jsonHeaders('ListStreams', 'application/x-amz-json-1.1; charset=utf-8');
    const res = await rawHttp(server.endpoint, { headers, body: '{}' });
    assert.equal(res.status, 200, res.text);
  });

  it('answers success with the AWS headers and an exact Content-Length', async () => {
    const res = await rawHttp(server.endpoint, { headers: jsonHeaders('ListStreams'), body: '{}' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], JSON_CT);
    assertCommonHeaders(res);
    assert.equal(typeof JSON.parse(res.text).HasMoreStreams, 'boolean');
  });

  it('gives each response its own request id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await rawHttp(server.endpoint, { headers: jsonHeaders('ListStreams'), body: '{}' });
      ids.add(String(res.headers['x-amzn-requestid']));
    }
    assert.equal(ids.size, 5);
  });

  it('answers errors with x-amzn-ErrorType and a message', async () => {
    const res = await rawHttp(server.endpoint, {
      headers: jsonHeaders('DescribeStream'),
      body: '{"StreamName":"nope-404"}',
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers['x-amzn-errortype'], 'ResourceNotFoundException');
    assert.equal(JSON.parse(res.text).__type, 'ResourceNotFoundException');
    assertCommonHeaders(res);
  });
});

describe('front end: HTTP/2 (the JS SDK default)', () => {
  it('surfaces x-amzn-RequestId and x-amz-id-2 to the SDK', async () => {
    const client = kinesis(server.endpoint);
    try {
      const out = await client.send(new ListStreamsCommand({}));
      assert.match(String(out.$metadata.requestId), UUID_RE);
      const id2 = Buffer.from(String(out.$metadata.extendedRequestId), 'base64');
      assert.ok(id2.length >= 72 && id2.length <= 80);
    } finally {
      client.destroy();
    }
  });

  it('opens a large connection window, so concurrent uploads are not held to 64 KiB', async () => {
    const session = http2.connect(server.endpoint);
    try {
      // The server's WINDOW_UPDATE follows its SETTINGS; give it a moment to arrive.
      const window = await new Promise<number>((resolve, reject) => {
        session.on('error', reject);
        session.once('remoteSettings', () =>
          setTimeout(() => resolve(session.state.remoteWindowSize ?? 0), 100),
        );
      });
      assert.ok(window >= 8 * 1024 * 1024, `connection window ${window}`);
    } finally {
      session.close();
    }
  });
});
