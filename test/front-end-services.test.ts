// One front end, many services: Kinesis (JSON 1.1, X-Amz-Target), a REST-JSON service (method +
// path, Lambda's model) and a Query service (Action=, STS's model) on one port, each reached by
// its official SDK client. The Lambda and STS services here are small test services over the
// protocol fixtures (their real implementations are later issues); Kinesis is the real one.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { GetFunctionCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AwsError, clientError } from '../src/aws/errors.js';
import { createListener, type Listener } from '../src/aws/listener.js';
import { createRequestHandler } from '../src/aws/pipeline.js';
import type { BindingModel } from '../src/aws/protocols/protocol.js';
import type { QueryService, RestJsonService } from '../src/aws/service.js';
import { defaultConfig } from '../src/core/config.js';
import { silentLogger } from '../src/core/log.js';
import { kinesisService } from '../src/kinesis/service.js';
import { createServices } from '../src/kinesis/state/services.js';
import { createMemoryEngine } from '../src/storage/memory/memory-engine.js';
import { kinesis } from './helpers.js';
import { rawHttp } from './protocol-client.js';

const fixture = (name: string): BindingModel =>
  JSON.parse(
    readFileSync(
      fileURLToPath(new URL(`../../src/aws/protocols/fixtures/${name}.json`, import.meta.url)),
      'utf8',
    ),
  ) as BindingModel;

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

describe('one front end for JSON-RPC, REST-JSON and Query services', () => {
  let listener: Listener;
  let endpoint: string;
  const calls: string[] = [];

  before(async () => {
    const services = createServices({ ...defaultConfig, stateDelayMs: 0 }, createMemoryEngine());
    const kinesisSvc = kinesisService(services, { log: silentLogger });
    const lambda: RestJsonService = {
      protocol: 'rest-json',
      name: 'lambda',
      signingName: 'lambda',
      pathPrefixes: ['/2015-03-31/'],
      model: fixture('lambda'),
      async dispatch(operation, input, call) {
        calls.push(`lambda:${operation}:${call.region}`);
        if (operation === 'ListFunctions')
          return { Functions: [{ FunctionName: 'f1', Runtime: 'nodejs20.x' }] };
        if (operation === 'GetFunction' && input.FunctionName === 'f1')
          return { Configuration: { FunctionName: 'f1', Runtime: 'nodejs20.x' } };
        throw new AwsError(
          'ResourceNotFoundException',
          `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${String(input.FunctionName)}`,
          clientError(404),
        );
      },
    };
    const sts: QueryService = {
      protocol: 'query',
      name: 'sts',
      signingName: 'sts',
      model: fixture('sts'),
      async dispatch(operation, _input, call) {
        calls.push(`sts:${operation}:${call.accessKeyId}`);
        return { UserId: 'AIDAEXAMPLE', Account: '000000000000', Arn: 'arn:aws:iam::000000000000:user/test' };
      },
    };
    const handler = createRequestHandler({ services: [kinesisSvc, lambda, sts], defaultService: kinesisSvc });
    listener = createListener(handler);
    await new Promise<void>((resolve) => listener.server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(listener.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await listener.close(0);
  });

  it('routes each SDK to its service on one port', async () => {
    const k = kinesis(endpoint);
    const lambda = new LambdaClient({ endpoint, region: 'eu-west-1', credentials, maxAttempts: 1 });
    const sts = new STSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    try {
      assert.deepEqual((await k.send(new ListStreamsCommand({}))).StreamNames, []);
      const fns = await lambda.send(new ListFunctionsCommand({}));
      assert.equal(fns.Functions?.[0]?.FunctionName, 'f1');
      const fn = await lambda.send(new GetFunctionCommand({ FunctionName: 'f1' }));
      assert.equal(fn.Configuration?.Runtime, 'nodejs20.x');
      const id = await sts.send(new GetCallerIdentityCommand({}));
      assert.equal(id.Account, '000000000000');
      assert.equal(id.Arn, 'arn:aws:iam::000000000000:user/test');
      assert.deepEqual(calls, [
        'lambda:ListFunctions:eu-west-1',
        'lambda:GetFunction:eu-west-1',
        'sts:GetCallerIdentity:AKIDEXAMPLE',
      ]);
    } finally {
      k.destroy();
      lambda.destroy();
      sts.destroy();
    }
  });

  it("answers each service its own protocol's error shape", async () => {
    const lambda = new LambdaClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    try {
      await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: 'nope' })), (err: Error) => {
        assert.equal(err.name, 'ResourceNotFoundException');
        assert.equal(err.message, 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope');
        assert.equal((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, 404);
        return true;
      });
    } finally {
      lambda.destroy();
    }
    // Unsigned Query call: the Query protocol's XML error, not Kinesis's JSON.
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    const text = await res.text();
    assert.equal(res.status, 400);
    assert.match(text, /<ErrorResponse[^>]*>/);
    assert.match(text, /<Code>MissingAuthenticationTokenException<\/Code>/);
  });

  it('sends DELETE, GET and PUT under a REST-JSON path to that service, elsewhere to the Kinesis gateway', async () => {
    const before = calls.length;
    const del = await rawHttp(endpoint, { method: 'DELETE', path: '/2015-03-31/functions/nope' });
    assert.equal(del.status, 404, del.text);
    assert.equal(del.headers['x-amzn-errortype'], 'ResourceNotFoundException');
    assert.match(String(del.headers['content-type']), /json/);
    const get = await rawHttp(endpoint, { method: 'GET', path: '/2015-03-31/functions/f1' });
    assert.equal(get.status, 200, get.text);
    assert.equal(JSON.parse(get.text).Configuration.FunctionName, 'f1');
    assert.deepEqual(calls.slice(before), [
      'lambda:DeleteFunction:us-east-1',
      'lambda:GetFunction:us-east-1',
    ]);
    // No PUT operation in this model: REST-JSON's bare 404 (the Kinesis gateway would answer a
    // target-less PUT with the 403 AccessDeniedException).
    const put = await rawHttp(endpoint, { method: 'PUT', path: '/2015-03-31/functions/f1', body: '{}' });
    assert.equal(put.status, 404, put.text);
    assert.equal(put.text, '<UnknownOperationException/>\n');
    // Unsigned DELETE to Lambda: the REST-JSON error shape (JSON), not the XML 403.
    const unsigned = await rawHttp(endpoint, {
      method: 'DELETE',
      path: '/2015-03-31/functions/f1',
      sign: false,
    });
    assert.equal(unsigned.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException');
    assert.doesNotMatch(unsigned.text, /^</);
    for (const method of ['DELETE', 'GET', 'PUT']) {
      const kinesisGateway = await rawHttp(endpoint, { method, path: '/' });
      assert.equal(kinesisGateway.status, 403, method);
      assert.equal(
        kinesisGateway.text,
        '<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n',
      );
    }
  });
});
