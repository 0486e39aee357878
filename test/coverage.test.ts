// The operation table must cover every operation the installed SDK knows, and the implemented
// set must not shrink silently.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as sdk from '@aws-sdk/client-kinesis';
import { frontEndErrors } from '../src/aws/errors.js';
import { kinesisErrors } from '../src/kinesis/errors.js';
import { model, operationNames } from '../src/kinesis/model.js';
import { dispatchTable, implementedOperations, kinesisOperations } from '../src/kinesis/operations/index.js';

const operationTable = Object.fromEntries(dispatchTable(operationNames));
const sourceRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'kinesis');

const sdkOperations = Object.keys(sdk)
  .filter((name) => /^[A-Z][A-Za-z]+Command$/.test(name))
  .map((name) => name.slice(0, -'Command'.length))
  .sort();

/** Control-plane operations that must be implemented (channels are deliberately not). */
const CONTROL_PLANE = [
  'AddTagsToStream',
  'CreateStream',
  'DecreaseStreamRetentionPeriod',
  'DeleteResourcePolicy',
  'DeleteStream',
  'DescribeAccountSettings',
  'DescribeLimits',
  'DescribeStream',
  'DescribeStreamSummary',
  'DisableEnhancedMonitoring',
  'EnableEnhancedMonitoring',
  'GetResourcePolicy',
  'IncreaseStreamRetentionPeriod',
  'ListShards',
  'ListStreams',
  'ListTagsForResource',
  'ListTagsForStream',
  'PutResourcePolicy',
  'RemoveTagsFromStream',
  'StartStreamEncryption',
  'StopStreamEncryption',
  'TagResource',
  'UntagResource',
  'UpdateAccountSettings',
  'UpdateMaxRecordSize',
  'UpdateStreamMode',
  'UpdateStreamRecordDistributionStrategy',
  'UpdateStreamWarmThroughput',
];

describe('operation coverage', () => {
  it('the SDK exposes the 45 known operations', () => {
    assert.ok(sdkOperations.length >= 45, `only ${sdkOperations.length} commands found`);
  });

  it('every SDK operation is in the operation table', () => {
    const missing = sdkOperations.filter((op) => !(op in operationTable));
    assert.deepEqual(missing, []);
  });

  it('every control-plane operation is implemented', () => {
    const implemented = new Set(implementedOperations());
    const missing = CONTROL_PLANE.filter((op) => !implemented.has(op));
    assert.deepEqual(missing, []);
  });

  it('only operations of the model are implemented', () => {
    const unknown = implementedOperations().filter((op) => !(op in operationTable));
    assert.deepEqual(unknown, []);
  });

  it('each descriptor is named after its table key, with an IAM action of the service', () => {
    for (const [key, op] of Object.entries(kinesisOperations)) {
      assert.equal(op?.name, key);
      assert.equal(op?.iam.action, `kinesis:${key}`);
    }
  });

  it('every error an operation module throws is in the error table and listed for it in the model', () => {
    // Errors the gateway answers for any operation (the model lists them for none or few), and
    // DryRunOperationException: the answer to DryRun (a member the newer SDK model added to the
    // data-plane inputs) that the derived model's error lists do not carry yet.
    const common = new Set([
      ...Object.keys(frontEndErrors),
      'InternalFailureException',
      'DryRunOperationException',
    ]);
    const problems: string[] = [];
    for (const name of implementedOperations()) {
      const file = join(
        sourceRoot,
        'operations',
        `${name.replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase()}.ts`,
      );
      const text = readFileSync(file, 'utf8');
      const thrown = new Set(
        [...text.matchAll(/new ([A-Z][A-Za-z]+Exception)\(/g)].map((m) => m[1] as string),
      );
      const listed = new Set(model.operations[name]?.errors ?? []);
      for (const type of thrown) {
        if (!(type in kinesisErrors))
          problems.push(`${name} throws ${type}, which is not in the error table`);
        else if (!listed.has(type) && !common.has(type))
          problems.push(`${name} throws ${type}, which the model does not list for it`);
      }
    }
    assert.deepEqual(problems, []);
  });
});
