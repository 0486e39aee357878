// What every workload shares: its environment, its result shape, stream setup and
// teardown, the closed-loop driver, and cheap scanners for large responses.

import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type RawResponse as ClientRawResponse,
  KinesisApiError,
  type KinesisClient,
  parseErrorResponse,
} from '../src/client/kinesis.js';
import { createNodeClient } from '../src/client/node.js';
import { benchLimits } from './limits.js';
import { type CpuReport, CpuWindow } from './stats.js';

/** The repo's Kinesis client over node:http (src/client), answers as raw Buffers. */
export type BenchClient = KinesisClient<Buffer>;
export type RawResponse = ClientRawResponse<Buffer>;

/** Credentials of the load generator (the servers under test check the signature's shape only). */
const BENCH_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLEBENCH', secretAccessKey: 'shardline-bench' };

/**
 * The load generator's client: node:http keep-alive, FIFO sockets, bodies passed pre-built and
 * answers returned unparsed, so each scenario pays only for the parsing it needs (the official SDK
 * costs several times more CPU per request, which on a 2-core box would measure the client). The
 * hash of a large body is memoized: scenarios rotate a few pre-built PutRecords bodies.
 */
export function benchClient(
  endpoint: string,
  options: { maxSockets: number; timeoutMs: number },
): BenchClient {
  const url = new URL(endpoint);
  if (url.protocol !== 'http:') throw new Error(`bench client speaks plain http only (got ${endpoint})`);
  if (url.hostname !== '127.0.0.1' && url.hostname !== '[::1]') {
    throw new Error(`bench traffic must stay on loopback (got ${url.hostname})`);
  }
  return createNodeClient({
    endpoint,
    region: 'us-east-1',
    credentials: BENCH_CREDENTIALS,
    maxSockets: options.maxSockets,
    maxFreeSockets: options.maxSockets,
    scheduling: 'fifo',
    timeoutMs: options.timeoutMs,
    immutableBodies: true,
  });
}

/** The error type of a failed response: `__type` (without namespace), else the header, else HTTPnnn / Net:code. */
export function errorTypeOf(res: RawResponse): string {
  if (res.netError !== undefined) return `Net:${res.netError.code}`;
  return parseErrorResponse(res).type ?? `HTTP${res.status}`;
}

export interface ScenarioEnv {
  readonly client: BenchClient;
  /** The target's http://127.0.0.1:port, for workloads that bring their own client (HTTP/2). */
  readonly endpoint: string;
  readonly serverPid: number;
  readonly targetName: string;
  readonly runId: string;
  /** Measured seconds per scenario. */
  readonly durationS: number;
  /** Unmeasured seconds before closed-loop measurements start. */
  readonly warmupS: number;
  readonly shards: number;
  readonly recordBytes: number;
  /** MiB pre-filled into each shard before the drain. */
  readonly prefillMiB: number;
  /** put→get: records produced per second and the per-shard poll period. */
  readonly putGetRate: number;
  readonly pollMs: number;
  /** subscribe-to-shard-latency: records produced per second (the 1,000/s by default). */
  readonly fanoutRate: number;
  /** put→get: how long to wait for stragglers once producing stopped. */
  readonly graceMs: number;
  readonly signal: AbortSignal;
  log(message: string): void;
}

export type MetricValue = number | null;

export interface ScenarioResult {
  readonly scenario: string;
  readonly target: string;
  readonly startedAt: string;
  /** Headline figures keyed by MetricSpec.key (null when unmeasurable, e.g. nothing succeeded). */
  readonly metrics: Record<string, MetricValue>;
  readonly errors: Record<string, number>;
  readonly cpu: CpuReport;
  readonly details: Record<string, unknown>;
  readonly interrupted?: boolean;
}

export interface MetricSpec {
  readonly key: string;
  readonly label: string;
  readonly better: 'higher' | 'lower';
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** Sockets the client needs (concurrency plus setup calls). */
  readonly sockets: (env: { shards: number }) => number;
  readonly metrics: readonly MetricSpec[];
  /** A server feature the workload needs; targets without it are skipped (see targets.ts). */
  readonly requires?: 'fanout';
  run(env: ScenarioEnv): Promise<Omit<ScenarioResult, 'scenario' | 'target' | 'startedAt'>>;
}

export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

export const randomPartitionKey = (): string => randomBytes(12).toString('hex');

/** A PutRecords body of `count` random records, random partition keys (or one explicit hash key). */
export function putRecordsBody(
  stream: string,
  count: number,
  bytes: number,
  explicitHashKey?: string,
): Buffer {
  const records = Array.from({ length: count }, () => ({
    Data: randomBytes(bytes).toString('base64'),
    PartitionKey: randomPartitionKey(),
    ...(explicitHashKey === undefined ? {} : { ExplicitHashKey: explicitHashKey }),
  }));
  return Buffer.from(JSON.stringify({ StreamName: stream, Records: records }));
}

const FAILED_RECORD_COUNT = Buffer.from('"FailedRecordCount"');

/** FailedRecordCount read straight from the response bytes; -1 when absent. */
export function scanFailedRecordCount(body: Buffer): number {
  let i = body.indexOf(FAILED_RECORD_COUNT);
  if (i < 0) return -1;
  i += FAILED_RECORD_COUNT.length;
  // skip whitespace and the colon
  while (
    i < body.length &&
    (body[i] === 0x20 || body[i] === 0x3a || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)
  )
    i++;
  let n = 0;
  let digits = 0;
  for (; i < body.length; i++, digits++) {
    const c = body[i] ?? 0;
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
  }
  return digits > 0 ? n : -1;
}

export interface PutRecordsTally {
  okRecords: number;
  failedRecords: number;
}

/**
 * Accounts for one PutRecords response; the full JSON parse happens only when
 * something failed, to tally per-record ErrorCodes.
 */
export function tallyPutRecords(
  res: RawResponse,
  batch: number,
  requestErrors: { add(k: string): void },
  recordErrors: { add(k: string): void },
  errorTypeOf: (r: RawResponse) => string,
): number {
  if (res.status !== 200) {
    requestErrors.add(errorTypeOf(res));
    return batch;
  }
  const failed = scanFailedRecordCount(res.body);
  if (failed === 0) return 0;
  try {
    const parsed = JSON.parse(res.body.toString('utf8')) as { Records?: { ErrorCode?: string }[] };
    const records = parsed.Records ?? [];
    if (records.length !== batch) {
      requestErrors.add('BadResponse');
      return batch;
    }
    let n = 0;
    for (const r of records) {
      if (r.ErrorCode) {
        n++;
        recordErrors.add(r.ErrorCode);
      }
    }
    return n;
  } catch {
    requestErrors.add('BadResponse');
    return batch;
  }
}

/** Decoded size of a base64 run without decoding it. */
export function base64DecodedLength(body: Buffer, start: number, end: number): number {
  const n = end - start;
  if (n <= 0) return 0;
  let pad = 0;
  if (body[end - 1] === 0x3d) pad++;
  if (body[end - 2] === 0x3d) pad++;
  return (n * 3) / 4 - pad;
}

const DATA_KEY = Buffer.from('"Data":"');
const NEXT_ITERATOR_KEY = Buffer.from('"NextShardIterator":"');

export interface GetRecordsScan {
  readonly records: number;
  readonly bytes: number;
  readonly nextIterator: string | null;
}

/**
 * Counts records and payload bytes of a GetRecords response by scanning for
 * `"Data":"` (compact JSON), which costs far less than JSON.parse of a 13 MB
 * body. Returns null when the body does not look compact, so the caller parses.
 */
export function scanGetRecords(body: Buffer): GetRecordsScan | null {
  let records = 0;
  let bytes = 0;
  for (let i = body.indexOf(DATA_KEY); i >= 0; i = body.indexOf(DATA_KEY, i)) {
    const start = i + DATA_KEY.length;
    const end = body.indexOf(0x22, start);
    if (end < 0) return null;
    records++;
    bytes += base64DecodedLength(body, start, end);
    i = end + 1;
  }
  const k = body.indexOf(NEXT_ITERATOR_KEY);
  let nextIterator: string | null = null;
  if (k >= 0) {
    const start = k + NEXT_ITERATOR_KEY.length;
    const end = body.indexOf(0x22, start);
    if (end < 0) return null;
    nextIterator = body.toString('latin1', start, end);
  } else if (body.includes('"NextShardIterator"')) {
    return null; // present but not in the compact form we scan for
  }
  return { records, bytes, nextIterator };
}

/** The same figures by a full parse (the reference the scanner is checked against). */
export function parseGetRecords(body: Buffer): GetRecordsScan {
  const parsed = JSON.parse(body.toString('utf8')) as {
    Records?: { Data: string }[];
    NextShardIterator?: string;
  };
  let bytes = 0;
  const records = parsed.Records ?? [];
  for (const r of records) bytes += Buffer.byteLength(r.Data, 'base64');
  return { records: records.length, bytes, nextIterator: parsed.NextShardIterator ?? null };
}

// ---------------------------------------------------------------- streams

export interface ShardInfo {
  readonly ShardId: string;
  readonly HashKeyRange: { StartingHashKey: string; EndingHashKey: string };
  readonly SequenceNumberRange?: { EndingSequenceNumber?: string };
}

async function createStream(env: ScenarioEnv, name: string, shards: number): Promise<void> {
  const deadline = performance.now() + benchLimits.benchStreamActiveTimeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await env.client.call('CreateStream', { StreamName: name, ShardCount: shards });
      return;
    } catch (err) {
      // kinesis-local answers LimitExceededException when its create semaphore is busy.
      const retriable =
        err instanceof KinesisApiError && (err.type === 'LimitExceededException' || err.status === 0);
      if (!retriable || performance.now() > deadline || env.signal.aborted) throw err;
      await sleep(Math.min(1000, 50 * attempt));
    }
  }
}

async function waitActive(env: ScenarioEnv, name: string): Promise<void> {
  const deadline = performance.now() + benchLimits.benchStreamActiveTimeoutMs;
  for (let delay = 5; ; delay = Math.min(200, delay * 2)) {
    try {
      const out = await env.client.call<{ StreamDescriptionSummary?: { StreamStatus?: string } }>(
        'DescribeStreamSummary',
        { StreamName: name },
      );
      if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    } catch (err) {
      const transient =
        err instanceof KinesisApiError &&
        (err.type === 'ResourceNotFoundException' || err.type === 'LimitExceededException');
      if (!transient) throw err;
    }
    if (performance.now() > deadline)
      throw new Error(`stream ${name} not ACTIVE after ${benchLimits.benchStreamActiveTimeoutMs} ms`);
    if (env.signal.aborted) throw new Error('interrupted');
    await sleep(delay);
  }
}

export async function listOpenShards(env: ScenarioEnv, name: string): Promise<ShardInfo[]> {
  const shards: ShardInfo[] = [];
  let token: string | undefined;
  for (let page = 0; page < 100; page++) {
    const out = await env.client.call<{ Shards?: ShardInfo[]; NextToken?: string }>(
      'ListShards',
      token ? { NextToken: token } : { StreamName: name },
    );
    shards.push(...(out.Shards ?? []));
    token = out.NextToken;
    if (!token) break;
  }
  return shards.filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber);
}

async function deleteStream(env: ScenarioEnv, name: string): Promise<void> {
  try {
    await env.client.call('DeleteStream', { StreamName: name, EnforceConsumerDeletion: true });
  } catch (err) {
    if (!(err instanceof KinesisApiError && err.type === 'ResourceNotFoundException')) {
      env.log(`warning: DeleteStream ${name} failed: ${(err as Error).message}`);
    }
  }
}

/** Runs `fn` against a fresh ACTIVE stream of env.shards shards and deletes it afterwards. */
export async function withStream<T>(
  env: ScenarioEnv,
  tag: string,
  fn: (name: string) => Promise<T>,
): Promise<T> {
  const name = `bench-${tag}-${env.runId}`;
  await createStream(env, name, env.shards);
  try {
    await waitActive(env, name);
    return await fn(name);
  } finally {
    await deleteStream(env, name);
  }
}

// ---------------------------------------------------------------- closed loop

export interface ClosedLoopResult {
  readonly elapsedS: number;
  readonly cpu: CpuReport;
}

/**
 * `concurrency` workers each keep one request in flight until the window
 * closes. Requests started during warm-up are not counted; throughput uses the
 * time from the window start to the last counted completion.
 */
export async function closedLoop(
  env: ScenarioEnv,
  concurrency: number,
  next: () => { operation: string; body: Buffer },
  onResult: (res: RawResponse) => void,
): Promise<ClosedLoopResult> {
  const tStart = performance.now();
  const tMeasure = tStart + env.warmupS * 1000;
  const tEnd = tMeasure + env.durationS * 1000;
  let cpu: CpuWindow | undefined;
  const timer = setTimeout(() => {
    cpu = new CpuWindow(env.serverPid);
  }, env.warmupS * 1000);
  let lastDone = tMeasure;
  // A slow server may not finish a request inside a short window: every worker
  // keeps going until it has one measured request, within a hard bound.
  const hardStop = tEnd + benchLimits.benchScenarioOverrunMs;
  const worker = async (): Promise<void> => {
    let measured = 0;
    for (;;) {
      const now = performance.now();
      if (env.signal.aborted || now >= hardStop || (now >= tEnd && measured > 0)) break;
      const { operation, body } = next();
      const res = await env.client.sendRaw(operation, body);
      if (res.t0 >= tMeasure) {
        measured++;
        onResult(res);
        if (res.t1 > lastDone) lastDone = res.t1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearTimeout(timer);
  const window = cpu ?? new CpuWindow(env.serverPid);
  return { elapsedS: Math.max(1e-3, (lastDone - tMeasure) / 1000), cpu: window.end() };
}
