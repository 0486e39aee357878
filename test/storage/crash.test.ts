import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { StoredRecord } from '../../src/storage/engine.js';
import { openLocalEngine } from '../../src/storage/local/local-engine.js';
import { crashLogIds, digestRecords, isSelfChecking } from './crash-records.js';

const childScript = fileURLToPath(new URL('./crash-child.js', import.meta.url));
const killAfterMs = 700;
const cycles = 4;

interface Ack {
  readonly logId: string;
  readonly firstOffset: number;
  readonly count: number;
  readonly digest: string;
}

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true }))));

/** Runs the child until `killAfterMs` after it is ready, SIGKILLs it, returns its complete output lines. */
async function runAndKill(dataDir: string): Promise<string[]> {
  const child = spawn(process.execPath, [childScript, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const wasReady = out.includes('ready\n');
    out += chunk;
    if (!wasReady && out.includes('ready\n')) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    // 'close' comes after the exit and after stdout has been read to its end.
    child.on('close', (c, s) => resolve([c, s])),
  );
  assert.equal(signal, 'SIGKILL', `child exited by itself (code ${code})`);
  // The last line may be cut in the middle: it was never completely reported.
  return out.split('\n').slice(0, -1);
}

async function readRange(
  engine: Awaited<ReturnType<typeof openLocalEngine>>,
  logId: string,
  from: number,
): Promise<StoredRecord[]> {
  const all: StoredRecord[] = [];
  let next = from;
  for (;;) {
    const page = await engine.logs.read(logId, next, { maxRecords: 10_000, maxBytes: 8 * 1024 * 1024 });
    if (page.records.length === 0) return all;
    all.push(...page.records);
    next = page.nextOffset;
  }
}

test('every acknowledged append survives SIGKILL, byte for byte, with no garbage after it', async () => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardline-crash-'));
  dirs.push(dataDir);
  const acks: Ack[] = [];
  const metas = new Map<string, number>();
  const warnings: string[] = [];
  for (let cycle = 0; cycle < cycles; cycle++) {
    const lines = await runAndKill(dataDir);
    for (const line of lines) {
      const [kind, a, b, c, d] = line.split(' ');
      if (kind === 'ack') acks.push({ logId: a!, firstOffset: Number(b), count: Number(c), digest: d! });
      if (kind === 'meta') metas.set(a!, Number(b));
    }
    const engine = await openLocalEngine({
      dataDir,
      durability: 'fsync',
      segmentBytes: 256 * 1024,
      onWarning: (message) => warnings.push(message),
    });
    try {
      for (const logId of crashLogIds) {
        const { startOffset, endOffset } = await engine.logs.bounds(logId);
        assert.equal(startOffset, 0);
        const stored = await readRange(engine, logId, 0);
        assert.equal(stored.length, endOffset, `${logId}: a read gap before the end`);
        stored.forEach((r, i) => {
          assert.equal(r.offset, i);
          assert.ok(isSelfChecking(r.data), `${logId}@${i}: garbage record`);
        });
        for (const ack of acks.filter((x) => x.logId === logId)) {
          assert.ok(
            ack.firstOffset + ack.count <= endOffset,
            `${logId}: acknowledged ${ack.firstOffset} lost`,
          );
          const got = stored.slice(ack.firstOffset, ack.firstOffset + ack.count);
          assert.equal(digestRecords(got), ack.digest, `${logId}@${ack.firstOffset}: content differs`);
        }
      }
      for (const [key, revision] of metas)
        assert.equal((await engine.meta.get(key))?.revision, revision, key);
    } finally {
      await engine.close();
    }
  }
  assert.ok(acks.length > 50, `too few acknowledged appends to mean anything (${acks.length})`);
});
