// Issue 12 §3/§4: answers whose exact wording or shape AWS was recorded giving (kinesalite's tests
// run against AWS, LocalStack's AWS snapshots), checked over raw HTTP/1.1 and the SDK.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './helpers.js';
import { rawHttp } from './protocol-client.js';

describe('recorded answers (issue 12)', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ limits: 'off' });
  });
  after(async () => {
    await server.close();
  });

  it('PutRecords with 501 entries prints the list as Java does (kinesalite test/putRecords.js)', async () => {
    const records = Array.from({ length: 501 }, () => ({ PartitionKey: '', Data: '' }));
    const res = await rawHttp(server.endpoint, {
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.PutRecords',
      },
      body: JSON.stringify({ StreamName: '', Records: records }),
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers['x-amzn-errortype'], 'ValidationException');
    const entry = 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310';
    const errors = [
      `Value '[${Array(501).fill(entry).join(', ')}]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500`,
      ...Array.from(
        { length: 9 },
        (_, i) =>
          `Value '' at 'records.${i + 1}.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1`,
      ),
    ];
    const body = JSON.parse(res.text) as Record<string, unknown>;
    assert.equal(body.__type, 'ValidationException');
    assert.equal(body.message, `10 validation errors detected: ${errors.join('; ')}`);
  });
});
