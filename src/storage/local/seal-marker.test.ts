// The local backend's seal marker: written by rename, so a crash leaves a whole marker or none.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { type AppendRecord, LogSealedError } from '../engine.js';
import { type LocalEngine, openLocalEngine } from './local-engine.js';
import { sealMarkerName } from './local-log.js';
import { logDirName } from './log-dir-name.js';

const logId = 'stream/0';
let dataDir: string;

beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardline-seal-'));
});
afterEach(() => fs.rm(dataDir, { recursive: true, force: true }));

const open = (durability: 'fsync' | 'batch' | 'none' = 'fsync'): Promise<LocalEngine> =>
  openLocalEngine({ dataDir, durability, segmentBytes: 4096, onWarning: () => {} });

const batch = (n: number): AppendRecord[] =>
  Array.from({ length: n }, (_, i) => ({ partitionKey: `k${i}`, data: Buffer.alloc(100, i) }));

const logDir = (): string => path.join(dataDir, 'logs', logDirName(logId));

describe('local seal marker', () => {
  for (const durability of ['fsync', 'batch', 'none'] as const) {
    test(`seal writes the marker (${durability}) and reopen keeps the log sealed`, async () => {
      const engine = await open(durability);
      await engine.logs.create(logId);
      for (let i = 0; i < 10; i++) await engine.logs.append(logId, batch(4));
      assert.equal(await engine.logs.seal(logId), 40);
      await engine.close();
      const marker = JSON.parse(await fs.readFile(path.join(logDir(), sealMarkerName), 'utf8'));
      assert.deepEqual(marker, { endOffset: 40 });
      const again = await open(durability);
      await assert.rejects(again.logs.append(logId, batch(1)), LogSealedError);
      assert.equal(await again.logs.seal(logId), 40);
      assert.deepEqual(again.recoveryReport.events, []);
      await again.close();
    });
  }

  test('a crash before the rename leaves the log open and removes the temporary file', async () => {
    const engine = await open();
    await engine.logs.create(logId);
    await engine.logs.append(logId, batch(3));
    await engine.close();
    await fs.writeFile(path.join(logDir(), `${sealMarkerName}.tmp`), '{"endOffset":3}');
    const again = await open();
    assert.equal((await again.logs.append(logId, batch(1))).firstOffset, 3);
    await assert.rejects(fs.stat(path.join(logDir(), `${sealMarkerName}.tmp`)), { code: 'ENOENT' });
    assert.equal(await again.logs.seal(logId), 4);
    await again.close();
  });

  test('a marker that disagrees with the recovered end seals the log where it ends, with a report', async () => {
    const engine = await open();
    await engine.logs.create(logId);
    await engine.logs.append(logId, batch(5));
    await engine.logs.seal(logId);
    await engine.close();
    await fs.writeFile(path.join(logDir(), sealMarkerName), '{"endOffset":9');
    const again = await open();
    assert.equal(await again.logs.seal(logId), 5);
    await assert.rejects(again.logs.append(logId, batch(1)), LogSealedError);
    assert.ok(again.recoveryReport.events.some((e) => e.action === 'tail-ignored' && e.logId === logId));
    await again.close();
  });

  test('drop of a sealed log removes its marker; the log created again is open', async () => {
    const engine = await open();
    await engine.logs.create(logId);
    await engine.logs.seal(logId);
    await engine.logs.drop(logId);
    await engine.logs.create(logId);
    assert.equal((await engine.logs.append(logId, batch(2))).firstOffset, 0);
    await engine.close();
    const again = await open();
    assert.equal((await again.logs.append(logId, batch(1))).firstOffset, 2);
    await again.close();
  });
});
