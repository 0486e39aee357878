// tools/derive-service-model.mjs on a tiny botocore model, and the committed fixtures' form.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import iam from './fixtures/iam.json' with { type: 'json' };
import lambda from './fixtures/lambda.json' with { type: 'json' };
import sts from './fixtures/sts.json' with { type: 'json' };
import type { BindingModel } from './protocol.js';

const tool = fileURLToPath(new URL('../../../../tools/derive-service-model.mjs', import.meta.url));

const botocore = {
  version: '2.0',
  metadata: {
    apiVersion: '2020-01-01',
    endpointPrefix: 'demo',
    protocol: 'rest-json',
    serviceId: 'Demo',
    signatureVersion: 'v4',
    uid: 'demo-2020-01-01',
    xmlNamespace: 'https://demo.amazonaws.com/doc/2020-01-01/',
  },
  operations: {
    Get: {
      name: 'Get',
      http: { method: 'GET', requestUri: '/things/{Id}?versions', responseCode: 200 },
      input: { shape: 'GetInput' },
      output: { shape: 'GetOutput', resultWrapper: 'GetResult' },
      errors: [{ shape: 'Missing' }],
      documentation: '<p>dropped</p>',
    },
    Other: { name: 'Other', http: { method: 'POST', requestUri: '/' }, input: { shape: 'OtherInput' } },
  },
  shapes: {
    String: { type: 'string', documentation: 'x' },
    Stamp: { type: 'timestamp', timestampFormat: 'iso8601' },
    Names: { type: 'list', member: { shape: 'String', locationName: 'Name' }, flattened: true, max: 5 },
    GetInput: {
      type: 'structure',
      required: ['Id'],
      members: {
        Id: { shape: 'String', location: 'uri', locationName: 'Id', documentation: 'x' },
        Names: { shape: 'Names', location: 'querystring', locationName: 'name' },
        Token: { shape: 'String', location: 'header', locationName: 'X-Token' },
      },
    },
    GetOutput: {
      type: 'structure',
      members: { Body: { shape: 'String' }, At: { shape: 'Stamp', jsonName: 'at' } },
      payload: 'Body',
    },
    Missing: {
      type: 'structure',
      members: { message: { shape: 'String' } },
      error: { code: 'NoSuchThing', httpStatusCode: 404, senderFault: true },
      exception: true,
    },
    OtherInput: { type: 'structure', members: { Unreached: { shape: 'Unreached' } } },
    Unreached: { type: 'string' },
  },
};

function derive(extra: string[] = []): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'derive-service-model-'));
  try {
    writeFileSync(join(dir, 'in.json'), JSON.stringify(botocore));
    execFileSync(process.execPath, [tool, join(dir, 'in.json'), join(dir, 'out.json'), ...extra], {
      stdio: 'pipe',
    });
    return JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('tools/derive-service-model.mjs', () => {
  it('keeps the bindings REST-JSON and Query need, drops documentation', () => {
    const out = derive();
    assert.equal(out.protocol, 'rest-json');
    assert.equal(out.apiVersion, '2020-01-01');
    assert.equal(out.xmlNamespace, 'https://demo.amazonaws.com/doc/2020-01-01/');
    const model = out as unknown as BindingModel;
    assert.deepEqual(model.operations.Get, {
      http: { method: 'GET', requestUri: '/things/{Id}?versions', responseCode: 200 },
      input: 'GetInput',
      output: 'GetOutput',
      resultWrapper: 'GetResult',
      errors: ['Missing'],
    });
    assert.deepEqual(model.shapes.GetInput, {
      type: 'structure',
      required: ['Id'],
      members: {
        Id: { shape: 'String', location: 'uri', locationName: 'Id' },
        Names: { shape: 'Names', location: 'querystring', locationName: 'name' },
        Token: { shape: 'String', location: 'header', locationName: 'X-Token' },
      },
    });
    assert.deepEqual(model.shapes.GetOutput, {
      type: 'structure',
      payload: 'Body',
      members: { Body: { shape: 'String' }, At: { shape: 'Stamp', jsonName: 'at' } },
    });
    assert.deepEqual(model.shapes.Names, {
      type: 'list',
      max: 5,
      flattened: true,
      member: { shape: 'String', locationName: 'Name' },
    });
    assert.deepEqual(model.shapes.Stamp, { type: 'timestamp', timestampFormat: 'iso8601' });
    assert.deepEqual(model.shapes.Missing, {
      type: 'structure',
      exception: true,
      error: { code: 'NoSuchThing', httpStatusCode: 404, senderFault: true },
      members: { message: { shape: 'String' } },
    });
    assert.ok(model.shapes.Unreached);
    assert.ok(!JSON.stringify(out).includes('documentation'));
  });

  it('--operations keeps those operations and only the shapes they reach', () => {
    const model = derive(['--operations', 'Get']) as unknown as BindingModel;
    assert.deepEqual(Object.keys(model.operations), ['Get']);
    assert.deepEqual(Object.keys(model.shapes).sort(), [
      'GetInput',
      'GetOutput',
      'Missing',
      'Names',
      'Stamp',
      'String',
    ]);
  });

  it('refuses an operation the model lacks', () => {
    assert.throws(() => derive(['--operations', 'Nope']));
  });
});

describe('committed fixtures', () => {
  for (const [name, raw, protocol] of [
    ['lambda', lambda, 'rest-json'],
    ['sts', sts, 'query'],
    ['iam', iam, 'query'],
  ] as const) {
    it(`${name}.json is a closed ${protocol} model`, () => {
      const model = raw as unknown as BindingModel;
      assert.equal(model.protocol, protocol);
      const refs: string[] = [];
      for (const op of Object.values(model.operations)) {
        assert.ok(op.http.method && op.http.requestUri);
        refs.push(...[op.input, op.output, ...op.errors].filter((s): s is string => s !== null));
        if (protocol === 'query' && op.output) assert.ok(op.resultWrapper);
      }
      for (const shape of Object.values(model.shapes)) {
        for (const ref of Object.values(shape.members ?? {})) refs.push(ref.shape);
        for (const ref of [shape.member, shape.key, shape.value]) if (ref) refs.push(ref.shape);
      }
      for (const ref of refs) assert.ok(model.shapes[ref], `${name}: ${ref} is missing`);
    });
  }
});
