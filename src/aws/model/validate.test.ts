import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KinesisError } from '../../kinesis/errors.js';
import { model } from '../../kinesis/model.js';
import { readStructure } from './deserialize.js';
import { assertValid, constraintErrors, validationMessage } from './validate.js';

function validationOf(input: Record<string, unknown>, shape: string): string | undefined {
  try {
    assertValid(model, readStructure(model, input, shape, 'json'), shape);
    return undefined;
  } catch (err) {
    assert.ok(err instanceof KinesisError);
    assert.equal(err.name, 'ValidationException');
    return err.message;
  }
}

function serializationOf(input: Record<string, unknown>, shape: string): string {
  try {
    readStructure(model, input, shape, 'json');
  } catch (err) {
    assert.ok(err instanceof KinesisError);
    assert.equal(err.name, 'SerializationException');
    return err.message;
  }
  assert.fail('expected a SerializationException');
}

describe('constraint validation wording', () => {
  it('reports a missing required member', () => {
    assert.equal(
      validationOf({}, 'CreateStreamInput'),
      "1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null",
    );
  });

  it('orders members with StreamName last and pattern before length', () => {
    assert.equal(
      validationOf({ StreamName: '', ShardCount: 0 }, 'CreateStreamInput'),
      '3 validation errors detected: ' +
        "Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it('checks nested list members with their paths', () => {
    const msg = validationOf(
      { StreamName: 'a', Records: [{ PartitionKey: '', Data: '' }] },
      'PutRecordsInput',
    );
    assert.equal(
      msg,
      "1 validation error detected: Value '' at 'records.1.member.partitionKey' failed to satisfy constraint: " +
        'Member must have length greater than or equal to 1',
    );
  });

  it('renders blobs as Java byte buffers', () => {
    const data = Buffer.alloc(10 * 1024 * 1024 + 1).toString('base64');
    const msg = validationOf({ StreamName: 'a', PartitionKey: 'k', Data: data }, 'PutRecordInput');
    assert.equal(
      msg,
      "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=10485761 cap=10485761]' at 'data' " +
        'failed to satisfy constraint: Member must have length less than or equal to 10485760',
    );
  });

  it('checks enums', () => {
    const msg = validationOf(
      { StreamName: 'a', ShardId: 's', ShardIteratorType: 'NOPE' },
      'GetShardIteratorInput',
    );
    assert.match(
      msg ?? '',
      /Value 'NOPE' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: \[/,
    );
  });

  it('counts partition key length in code points', () => {
    const key = '😀'.repeat(256);
    assert.equal(validationOf({ StreamName: 'a', PartitionKey: key, Data: '' }, 'PutRecordInput'), undefined);
  });

  it('pins the member order AWS reports where it differs from the model', () => {
    assert.equal(
      validationOf({ StreamName: '', ShardToSplit: '', NewStartingHashKey: '' }, 'SplitShardInput'),
      '5 validation errors detected: ' +
        "Value '' at 'newStartingHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38}); " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '' at 'shardToSplit' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '' at 'shardToSplit' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    assert.match(
      validationOf({ StreamName: 'a', ExclusiveStartTagKey: '', Limit: 0 }, 'ListTagsForStreamInput') ?? '',
      /^2 validation errors detected: Value '0' at 'limit'.*; Value '' at 'exclusiveStartTagKey'/,
    );
    assert.match(
      validationOf({ StreamName: '', PartitionKey: '', Data: '' }, 'PutRecordInput') ?? '',
      /^3 validation errors detected: Value '' at 'partitionKey'.*; Value '' at 'streamName'/,
    );
  });

  it('judges scalar list members and map keys/values together, naming all member rules', () => {
    assert.equal(
      validationOf({ StreamName: 'a', TagKeys: ['a', 'x'.repeat(129), 'b'] }, 'RemoveTagsFromStreamInput'),
      `1 validation error detected: Value '[a, ${'x'.repeat(129)}, b]' at 'tagKeys' failed to satisfy constraint: ` +
        'Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]',
    );
    assert.equal(
      validationOf({ StreamName: 'a', Tags: { '': 'v' } }, 'AddTagsToStreamInput'),
      "1 validation error detected: Value '{=v}' at 'tags' failed to satisfy constraint: " +
        'Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]',
    );
  });

  it('lists at most ten failures', () => {
    const records = Array.from({ length: 12 }, () => ({ PartitionKey: '', Data: '' }));
    const errors = constraintErrors(
      model,
      readStructure(model, { StreamName: 'a', Records: records }, 'PutRecordsInput', 'json'),
      'PutRecordsInput',
    );
    assert.equal(errors.length, 10);
    assert.match(validationMessage(errors), /^10 validation errors detected: /);
  });
});

describe('deserialization errors', () => {
  it('rejects wrong scalar types with Coral wording', () => {
    assert.equal(
      serializationOf({ StreamName: 1 }, 'DescribeStreamInput'),
      'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String',
    );
    assert.equal(
      serializationOf({ StreamName: true }, 'DescribeStreamInput'),
      'class java.lang.Boolean can not be converted to an String',
    );
    assert.equal(
      serializationOf({ Limit: 'x' }, 'DescribeStreamInput'),
      'class java.lang.String can not be converted to an Integer',
    );
    assert.equal(
      serializationOf({ Limit: [] }, 'DescribeStreamInput'),
      'Start of list found where not expected',
    );
    assert.equal(
      serializationOf({ Limit: {} }, 'DescribeStreamInput'),
      'Start of structure or map found where not expected.',
    );
    assert.equal(serializationOf({ Records: 'x' }, 'PutRecordsInput'), 'Expected list or null');
    assert.equal(serializationOf({ Tags: 'x' }, 'AddTagsToStreamInput'), 'Expected map or null');
    assert.equal(serializationOf({ StreamModeDetails: 1 }, 'CreateStreamInput'), 'Expected null');
  });

  it('narrows numbers the way Coral does', () => {
    assert.deepEqual(readStructure(model, { Limit: 2147483648 }, 'DescribeStreamInput', 'json'), {
      Limit: 2147483647,
    });
    assert.deepEqual(readStructure(model, { EnforceConsumerDeletion: 'true' }, 'DeleteStreamInput', 'json'), {
      EnforceConsumerDeletion: true,
    });
    assert.equal(
      serializationOf({ EnforceConsumerDeletion: 'x' }, 'DeleteStreamInput'),
      "'X' can not be converted to an Boolean",
    );
    assert.equal(
      serializationOf({ EnforceConsumerDeletion: 23 }, 'DeleteStreamInput'),
      'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Boolean',
    );
  });

  it('rejects bad base64 blobs', () => {
    assert.equal(
      serializationOf({ Data: 'abc' }, 'PutRecordInput'),
      "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3",
    );
    assert.equal(
      serializationOf({ Data: 'ab$=' }, 'PutRecordInput'),
      "'ab$=' can not be converted to a Blob: Invalid Base64 character: '$'",
    );
    assert.equal(
      serializationOf({ Data: 'AB==' }, 'PutRecordInput'),
      "'AB==' can not be converted to a Blob: Invalid last non-pad Base64 character dectected",
    );
  });

  it('drops nulls and unknown members', () => {
    assert.deepEqual(
      readStructure(model, { StreamName: null, Bogus: 1, Limit: 5.7 }, 'DescribeStreamInput', 'json'),
      { Limit: 5 },
    );
  });

  it('reads timestamps as epoch milliseconds', () => {
    assert.deepEqual(readStructure(model, { Timestamp: 1480641523.477 }, 'GetShardIteratorInput', 'json'), {
      Timestamp: 1480641523477,
    });
    const cborDate = new Date(1480641523477 * 1000);
    assert.deepEqual(readStructure(model, { Timestamp: cborDate }, 'GetShardIteratorInput', 'cbor'), {
      Timestamp: 1480641523477,
    });
  });
});
