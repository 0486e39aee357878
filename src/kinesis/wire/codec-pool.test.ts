import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { markAsUntransferable } from 'node:worker_threads';
import { CodecPool } from './codec-pool.js';
import { readJsonInputFast } from './fast-json-input.js';

/** A body that owns its whole ArrayBuffer, as the request reader hands it over. */
function ownedBody(text: string): Buffer {
  const bytes = Buffer.from(text);
  const out = Buffer.from(new ArrayBuffer(bytes.length));
  bytes.copy(out);
  return out;
}

const putRecordsBody = (n: number, key = 'k'): string =>
  JSON.stringify({
    StreamName: 's',
    Records: Array.from({ length: n }, (_, i) => ({
      Data: randomBytes(300).toString('base64'),
      PartitionKey: `${key}${i}`,
    })),
  });

describe('CodecPool', () => {
  const pool = new CodecPool(1);
  after(() => pool.close());

  it('decodes on a worker exactly what the inline fast path reads', async () => {
    const text = putRecordsBody(200);
    const expected = readJsonInputFast(Buffer.from(text), 'PutRecordsInput');
    const body = ownedBody(text);
    const pending = pool.tryDecode(body, 'PutRecordsInput');
    assert.ok(pending, 'an idle worker takes the job');
    assert.equal(body.length, 0, 'the body was transferred, not copied');
    const result = await pending;
    assert.ok('input' in result);
    assert.deepEqual(result.input, expected);
    assert.equal(pool.counts.decoded, 1);
  });

  it('hands back, byte for byte, a body the fast path declines (escapes go the generic way)', async () => {
    const text = putRecordsBody(20, '\\u0041');
    const result = await pool.tryDecode(ownedBody(text), 'PutRecordsInput');
    assert.ok(result && 'body' in result);
    assert.equal(result.body.toString(), text);
    assert.equal(pool.counts.declined, 1);
  });

  it('refuses work beyond its bound and bodies that share their memory', async () => {
    const jobs = Array.from({ length: 6 }, () =>
      pool.tryDecode(ownedBody(putRecordsBody(100)), 'PutRecordsInput'),
    );
    assert.ok(jobs.slice(0, 4).every((j) => j !== undefined));
    assert.ok(
      jobs.slice(4).every((j) => j === undefined),
      'at most 4 bodies per worker',
    );
    await Promise.all(jobs);
    const shared = Buffer.from(putRecordsBody(1));
    assert.equal(pool.tryDecode(shared.subarray(1), 'PutRecordsInput'), undefined);
  });

  it('never loses a body it cannot transfer', async () => {
    const body = ownedBody(putRecordsBody(50));
    markAsUntransferable(body.buffer);
    // Node 20 copies such a buffer instead of moving it; later versions refuse the transfer, and
    // then the caller keeps the body and reads it itself. Either way the body stays readable.
    const pending = pool.tryDecode(body, 'PutRecordsInput');
    if (pending !== undefined) {
      const result = await pending;
      assert.ok('input' in result && (result.input.Records as unknown[]).length === 50);
    }
    assert.equal((JSON.parse(body.toString()) as { Records: unknown[] }).Records.length, 50);
  });

  it('does nothing with no workers or once closed', async () => {
    assert.equal(new CodecPool(0).tryDecode(ownedBody(putRecordsBody(1)), 'PutRecordsInput'), undefined);
    const closed = new CodecPool(1);
    await closed.close();
    assert.equal(closed.tryDecode(ownedBody(putRecordsBody(1)), 'PutRecordsInput'), undefined);
  });
});
