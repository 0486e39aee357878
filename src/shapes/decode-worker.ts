// Worker thread body: reads PutRecords JSON bodies with the fast path and hands the input back
// packed (fast-json-transfer.ts). A body the fast path declines goes back untouched for the
// generic path on the event-loop thread, which makes every error.
import { parentPort } from 'node:worker_threads';
import type { DecodeJob, DecodeReply } from './decode-pool.js';
import { readJsonInputFast } from './fast-json-input.js';
import { packInput } from './fast-json-transfer.js';

const port = parentPort;
if (port === null) throw new Error('decode-worker must run in a worker thread');

port.on('message', (job: DecodeJob) => {
  let reply: DecodeReply;
  const body = Buffer.from(job.body, 0, job.length);
  try {
    const input = readJsonInputFast(body, job.shapeName);
    const packed = input === undefined ? undefined : packInput(input);
    reply = packed === undefined ? { id: job.id, body: job.body } : { id: job.id, body: job.body, packed };
  } catch (error) {
    reply = { id: job.id, body: job.body, error: String(error) };
  }
  // The body always goes back: memory the event-loop thread allocated is freed by its own
  // collector, not whenever this thread's next garbage collection happens to run.
  port.postMessage(reply, reply.packed === undefined ? [job.body] : [job.body, reply.packed.blobs]);
});
