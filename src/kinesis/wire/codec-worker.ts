// Worker thread body of the codec pool (codec-pool.ts). PutRecords bodies are read with the fast
// path and the input handed back packed; a body the fast path declines goes back untouched for the
// generic path on the event-loop thread, which makes every error.
import { parentPort } from 'node:worker_threads';
import type { CodecJob, CodecReply } from './codec-pool.js';
import { readJsonInputFast } from './fast-json-input.js';
import { type PackedInput, packInput } from './fast-json-transfer.js';

const port = parentPort;
if (port === null) throw new Error('codec-worker must run in a worker thread');

port.on('message', (job: CodecJob) => decode(job));

function decode(job: CodecJob): void {
  let packed: PackedInput | undefined;
  try {
    const input = readJsonInputFast(Buffer.from(job.body, 0, job.length), job.shapeName);
    packed = input === undefined ? undefined : packInput(input);
  } catch {
    packed = undefined; // the generic path on the event-loop thread reads it and makes the error
  }
  // The body always goes back: memory the event-loop thread allocated is freed by its own
  // collector, not whenever this thread's next garbage collection happens to run.
  const reply: CodecReply =
    packed === undefined ? { id: job.id, body: job.body } : { id: job.id, body: job.body, packed };
  port!.postMessage(reply, packed === undefined ? [job.body] : [job.body, packed.blobs]);
}
