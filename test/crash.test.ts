// Crash safety end to end: a real `shardline start --durability fsync` child under sustained
// PutRecords load is SIGKILLed, restarted on the same data directory, and every acknowledged
// record must read back in order, byte-identical, under the sequence number it was acknowledged
// with. Records beyond the acknowledged set may exist (in flight at the kill), but each must be
// one that was actually sent, intact.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { kinesis, needsInProcess, randomName } from './helpers.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'shardline.js');
const LOAD_MS = 2_000;
const WORKERS = 8;
const BATCH = 50;
const SHARDS = 2;

interface Child {
  readonly proc: ChildProcess;
  readonly endpoint: string;
}

/** Starts the CLI on port 0 and reads the endpoint from its pino "listening" line. */
async function startChild(dataDir: string): Promise<Child> {
  const proc = spawn(
    process.execPath,
    [
      BIN,
      'start',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--durability',
      'fsync',
      '--state-delay-ms',
      '0',
      '--limits',
      'off',
      '--log-level',
      'info',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const lines = createInterface({ input: proc.stdout! });
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child did not start: ${stderr}`)), 15_000);
    proc.once('exit', (code) => reject(new Error(`child exited ${code}: ${stderr}`)));
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { endpoint?: string; msg?: string };
        if (entry.endpoint && entry.msg?.startsWith('Shardline listening')) {
          clearTimeout(timer);
          resolve(entry.endpoint);
        }
      } catch {
        // not a log line
      }
    });
  });
  return { proc, endpoint };
}

async function kill(child: Child): Promise<void> {
  if (child.proc.exitCode !== null) return;
  const exited = new Promise((r) => child.proc.once('exit', r));
  child.proc.kill('SIGKILL');
  await exited;
}

interface Sent {
  readonly partitionKey: string;
  readonly data: Buffer;
}

describe('crash safety (SIGKILL under PutRecords load, fsync durability)', {
  skip: needsInProcess('process', 'SIGKILL and a restart on the same data dir'),
}, () => {
  it('keeps every acknowledged record, in order, byte-identical, with its sequence number', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'shardline-crash-'));
    let child = await startChild(dataDir);
    try {
      const stream = randomName('crash');
      let client = kinesis(child.endpoint);
      await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: SHARDS }));

      const sent = new Map<string, Sent>(); // hex(data) -> entry
      const acked = new Map<string, { shardId: string; entry: Sent }>(); // sequence number -> entry
      let stop = false;
      const worker = async (w: number): Promise<void> => {
        for (let b = 0; !stop; b++) {
          const records = Array.from({ length: BATCH }, (_, i) => {
            const data = Buffer.concat([
              Buffer.from(`w${w}-b${b}-i${i}:`),
              randomBytes(64 + ((w * 31 + i) % 200)),
            ]);
            const entry = { partitionKey: `pk-${w}-${i}`, data };
            sent.set(data.toString('hex'), entry);
            return { PartitionKey: entry.partitionKey, Data: data };
          });
          try {
            const out = await client.send(new PutRecordsCommand({ StreamName: stream, Records: records }));
            out.Records?.forEach((r, i) => {
              if (r.SequenceNumber && r.ShardId)
                acked.set(r.SequenceNumber, {
                  shardId: r.ShardId,
                  entry: { partitionKey: records[i]!.PartitionKey, data: records[i]!.Data },
                });
            });
          } catch {
            return; // the server is gone
          }
        }
      };
      const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
      await sleep(LOAD_MS);
      await kill(child);
      stop = true;
      await load;
      client.destroy();
      assert.ok(acked.size > 0, 'some records were acknowledged before the kill');

      child = await startChild(dataDir);
      client = kinesis(child.endpoint);
      const found = new Map<string, { shardId: string; partitionKey: string; data: Buffer }>();
      for (let s = 0; s < SHARDS; s++) {
        const shardId = `shardId-${String(s).padStart(12, '0')}`;
        let it = (
          await client.send(
            new GetShardIteratorCommand({
              StreamName: stream,
              ShardId: shardId,
              ShardIteratorType: 'TRIM_HORIZON',
            }),
          )
        ).ShardIterator;
        let previous = -1n;
        for (let guard = 0; it && guard < 10_000; guard++) {
          const page = await client.send(new GetRecordsCommand({ ShardIterator: it }));
          for (const r of page.Records ?? []) {
            const seq = BigInt(r.SequenceNumber!);
            assert.ok(seq > previous, 'sequence numbers strictly increase within a shard');
            previous = seq;
            assert.ok(!found.has(r.SequenceNumber!), 'no duplicates');
            found.set(r.SequenceNumber!, {
              shardId,
              partitionKey: r.PartitionKey!,
              data: Buffer.from(r.Data!),
            });
          }
          if ((page.Records ?? []).length === 0) break;
          it = page.NextShardIterator;
        }
      }
      client.destroy();

      for (const [seq, { shardId, entry }] of acked) {
        const got = found.get(seq);
        assert.ok(got, `acknowledged record ${seq} is readable after the crash`);
        assert.equal(got.shardId, shardId);
        assert.equal(got.partitionKey, entry.partitionKey);
        assert.ok(got.data.equals(entry.data), `record ${seq} is byte-identical`);
      }
      let inFlight = 0;
      for (const [seq, got] of found) {
        if (acked.has(seq)) continue;
        inFlight++;
        const original = sent.get(got.data.toString('hex'));
        assert.ok(original, `unacknowledged record ${seq} is one that was sent, intact`);
        assert.equal(original.partitionKey, got.partitionKey);
      }
      // Order: each shard was read in strictly increasing sequence-number order and every
      // acknowledged record sits under its own number, so acknowledged order is preserved.
      process.stdout.write(
        `# acknowledged ${acked.size}, read ${found.size}, in flight at kill ${inFlight}\n`,
      );
    } finally {
      await kill(child);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
