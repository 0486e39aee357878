// Micro-benchmark of the local log (not a test):
//   node dist/bench/log-bench.js [durability=fsync] [seconds=5] [concurrency=16] [logs=1]
// Appends 500 x 1 KiB records per call from `concurrency` workers, then drains the log(s) with
// GetRecords-sized reads (10,000 records / 10 MiB) after reopening (so no in-process tail cache).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AppendRecord, Durability } from '../src/storage/engine.js';
import { openLocalEngine } from '../src/storage/local/local-engine.js';

const recordsPerAppend = 500;
const recordBytes = 1024;

async function main(): Promise<void> {
  const [durabilityArg = 'fsync', secondsArg = '5', concurrencyArg = '16', logsArg = '1'] =
    process.argv.slice(2);
  const durability = durabilityArg as Durability;
  const seconds = Number(secondsArg);
  const concurrency = Number(concurrencyArg);
  const logIds = Array.from({ length: Number(logsArg) }, (_, i) => `bench/${i}`);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardline-bench-'));
  try {
    const appended = await appendPhase(dataDir, durability, seconds, concurrency, logIds);
    await readPhase(dataDir, durability, logIds, appended);
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

function rssMiB(): number {
  return Math.round(process.memoryUsage().rss / 2 ** 20);
}

function makeRecords(seed: number): AppendRecord[] {
  return Array.from({ length: recordsPerAppend }, (_, i) => ({
    partitionKey: `pk-${seed}-${i}`,
    data: Buffer.alloc(recordBytes, (seed + i) & 0xff),
  }));
}

async function appendPhase(
  dataDir: string,
  durability: Durability,
  seconds: number,
  concurrency: number,
  logIds: string[],
): Promise<number> {
  const flushBytesMax = Number(process.env.FLUSH_MIB ?? 4) * 1024 * 1024;
  const engine = await openLocalEngine({ dataDir, durability, flushBytesMax });
  for (const id of logIds) await engine.logs.create(id);
  const payloads = Array.from({ length: concurrency }, (_, i) => makeRecords(i));
  const deadline = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  let records = 0;
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  await Promise.all(
    payloads.map(async (payload, w) => {
      const logId = logIds[w % logIds.length]!;
      while (performance.now() < deadline) {
        const t = performance.now();
        await engine.logs.append(logId, payload);
        latencies.push(performance.now() - t);
        records += payload.length;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  await engine.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number): string => (latencies[Math.floor((latencies.length - 1) * p)] ?? 0).toFixed(1);
  console.log(
    `append ${durability} c=${concurrency} logs=${logIds.length}: ${Math.round(records / elapsed)} records/s, ` +
      `${((records * recordBytes) / elapsed / 1e6).toFixed(0)} MB/s, latency p50 ${pct(0.5)} ms p99 ${pct(0.99)} ms, ` +
      `cpu ${(((cpu.user + cpu.system) / 1e6 / elapsed) * 100).toFixed(0)}%, rss ${rssMiB()} MiB`,
  );
  return records;
}

async function readPhase(
  dataDir: string,
  durability: Durability,
  logIds: string[],
  expected: number,
): Promise<void> {
  const engine = await openLocalEngine({ dataDir, durability });
  const report = engine.recoveryReport;
  console.log(
    `reopen: ${report.durationMs.toFixed(1)} ms, ${report.events.length} repairs ${JSON.stringify(report.events.slice(0, 2))}`,
  );
  let records = 0;
  let bytes = 0;
  const started = performance.now();
  for (const id of logIds) {
    let next = 0;
    for (;;) {
      const page = await engine.logs.read(id, next, { maxRecords: 10_000, maxBytes: 10 * 1024 * 1024 });
      if (page.records.length === 0) break;
      for (const r of page.records) bytes += r.data.length;
      records += page.records.length;
      next = page.nextOffset;
    }
  }
  const elapsed = (performance.now() - started) / 1000;
  await engine.close();
  if (records !== expected) throw new Error(`read ${records} records, appended ${expected}`);
  console.log(
    `read: ${Math.round(records / elapsed)} records/s, ${(bytes / elapsed / 1e6).toFixed(0)} MB/s of data ` +
      `(${records} records, ${((records * recordBytes) / 2 ** 30).toFixed(2)} GiB, page cache warm), rss ${rssMiB()} MiB`,
  );
}

await main();
