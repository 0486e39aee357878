// The operation table must cover every operation the installed SDK knows, and the implemented
// set must not shrink silently.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sdk from '@aws-sdk/client-kinesis';
import { implementedOperations, operationTable } from '../src/kinesis/operations/index.js';

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
});
