// StartStreamEncryption / StopStreamEncryption: 25 applications of each per stream in any rolling
// 24 hours, then LimitExceededException (AWS's quota; the wording is ours, docs/control-plane.md).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateStreamCommand,
  type KinesisClient,
  StartStreamEncryptionCommand,
  StopStreamEncryptionCommand,
} from '@aws-sdk/client-kinesis';
import { ACCOUNT, kinesis, randomName, startTestServer, type TestServer } from './helpers.js';

const QUOTA = 25;

describe('encryption change quota', () => {
  let server: TestServer;
  let client: KinesisClient;
  before(async () => {
    server = await startTestServer({ stateDelayMs: 0 });
    client = kinesis(server.endpoint);
  });
  after(async () => {
    client.destroy();
    await server.close();
  });

  it('answers LimitExceededException on the 26th start and the 26th stop in 24 hours', async () => {
    const name = randomName('enc');
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    const input = { StreamName: name, EncryptionType: 'KMS' as const, KeyId: 'alias/aws/kinesis' };
    for (let i = 0; i < QUOTA; i++) {
      await client.send(new StartStreamEncryptionCommand(input));
      await client.send(new StopStreamEncryptionCommand(input));
    }
    await assert.rejects(client.send(new StartStreamEncryptionCommand(input)), {
      name: 'LimitExceededException',
      message: `Stream ${name} under account ${ACCOUNT} has already had encryption started 25 times in the last 24 hours. Limit: 25.`,
    });
    await assert.rejects(client.send(new StopStreamEncryptionCommand(input)), {
      name: 'LimitExceededException',
      message: `Stream ${name} under account ${ACCOUNT} has already had encryption stopped 25 times in the last 24 hours. Limit: 25.`,
    });
    // Another stream has its own quota.
    const other = randomName('enc');
    await client.send(new CreateStreamCommand({ StreamName: other, ShardCount: 1 }));
    await client.send(new StartStreamEncryptionCommand({ ...input, StreamName: other }));
  });
});
