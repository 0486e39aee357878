// Child process of crash.test.ts: appends to two logs in fsync mode until killed, printing one line
// per acknowledged append (`ack <logId> <firstOffset> <count> <sha256>`) and per acknowledged
// metadata write (`meta <key> <revision>`). Every record's data ends with a digest of the rest, so
// the parent can tell a stored record from garbage without having seen its acknowledgement.
import { randomBytes, randomInt } from 'node:crypto';
import type { AppendRecord } from '../../src/storage/engine.js';
import { openLocalEngine } from '../../src/storage/local/local-engine.js';
import { crashLogIds, digestRecords, selfCheckingData } from './crash-records.js';

const writers = 8;

function makeAppend(): AppendRecord[] {
  return Array.from({ length: randomInt(1, 20) }, () => ({
    partitionKey: `pk-${randomInt(0, 1_000_000)}`,
    data: selfCheckingData(randomBytes(randomInt(0, 3000))),
  }));
}

async function main(dataDir: string): Promise<void> {
  const engine = await openLocalEngine({ dataDir, durability: 'fsync', segmentBytes: 256 * 1024 });
  for (const id of crashLogIds) await engine.logs.create(id);
  process.stdout.write('ready\n');
  let appends = 0;
  const writer = async (w: number): Promise<void> => {
    const logId = crashLogIds[w % crashLogIds.length]!;
    for (;;) {
      const records = makeAppend();
      const { firstOffset } = await engine.logs.append(logId, records);
      process.stdout.write(`ack ${logId} ${firstOffset} ${records.length} ${digestRecords(records)}\n`);
      if (++appends % 25 === 0) {
        const key = `crash/meta/${process.pid}/${appends}`;
        process.stdout.write(`meta ${key} ${await engine.meta.put(key, String(appends))}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
}

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: crash-child.js <dataDir>');
await main(dataDir);
