// Records of the crash test: self-checking data and digests shared by the child and the test.
import { createHash } from 'node:crypto';

export const crashLogIds = ['crash/0', 'crash/1'] as const;
const digestBytes = 8;

export function selfCheckingData(random: Buffer): Buffer {
  return Buffer.concat([random, createHash('sha256').update(random).digest().subarray(0, digestBytes)]);
}

export function isSelfChecking(data: Uint8Array): boolean {
  if (data.length < digestBytes) return false;
  const body = Buffer.from(data.subarray(0, data.length - digestBytes));
  return selfCheckingData(body).equals(Buffer.from(data));
}

export function digestRecords(records: readonly { partitionKey: string; data: Uint8Array }[]): string {
  const h = createHash('sha256');
  for (const r of records) h.update(`${r.partitionKey}\n${r.data.length}\n`).update(r.data);
  return h.digest('hex');
}
