import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { newestProfile } from './run.js';

describe('newestProfile', () => {
  it("picks the newest main-thread profile, not a worker thread's", () => {
    const dir = mkdtempSync(join(tmpdir(), 'shardline-prof-'));
    try {
      for (const f of [
        'CPU.20261126.083420.9015.0.001.cpuprofile',
        'CPU.20261126.083420.9015.1.002.cpuprofile',
        'CPU.20261126.090000.9100.0.001.cpuprofile',
        'CPU.20261126.090000.9100.2.002.cpuprofile',
        'notes.txt',
      ])
        writeFileSync(join(dir, f), '{}');
      assert.equal(newestProfile(dir), join(dir, 'CPU.20261126.090000.9100.0.001.cpuprofile'));
      assert.equal(newestProfile(join(dir, 'missing')), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
