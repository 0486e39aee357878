// `--config file.yaml|json`: streams (and their consumers) that must exist when the server
// starts, and the fault injection rules in force from the start (`faults:`, docs/faults.md). Each step is an ordinary API call through the service's dispatch, so the file gets exactly the
// validation and errors a client would. Idempotent: what already exists is kept as it is.
import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { FaultConfigError, type FaultsConfig, parseFaults } from './aws/faults.js';
import { invokeOperation } from './aws/json-rpc-route.js';
import type { CallContext } from './aws/operation.js';
import type { JsonRpcService } from './aws/service.js';
import type { Config } from './core/config.js';
import { KinesisError } from './kinesis/errors.js';
import { kinesisFaultService } from './kinesis/faults.js';
import { limits } from './kinesis/limits.js';

export interface BootstrapStream {
  readonly name: string;
  /** Absent with mode ON_DEMAND. */
  readonly shards?: number;
  readonly mode: 'PROVISIONED' | 'ON_DEMAND';
  readonly retentionHours?: number;
  readonly tags?: Readonly<Record<string, string>>;
  readonly consumers: readonly string[];
}

export interface BootstrapPlan {
  readonly streams: readonly BootstrapStream[];
  /** Fault rules to load before the server listens (absent: none). */
  readonly faults?: FaultsConfig;
}

export interface BootstrapReport {
  readonly created: string[];
  readonly kept: string[];
  readonly consumersRegistered: string[];
}

/** A problem with the bootstrap file or with applying it: one line, meant for the user. */
export class BootstrapError extends Error {
  override readonly name = 'BootstrapError';
}

const STREAM_KEYS = new Set(['name', 'shards', 'mode', 'retentionHours', 'tags', 'consumers']);

export async function loadBootstrapFile(file: string): Promise<BootstrapPlan> {
  let text: string;
  try {
    const info = await stat(file);
    if (info.size > limits.bootstrapFileBytesMax)
      throw new BootstrapError(`${file}: larger than ${limits.bootstrapFileBytesMax} bytes`);
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof BootstrapError) throw err;
    throw new BootstrapError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let doc: unknown;
  try {
    doc = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new BootstrapError(
      `${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${firstLine(err)}`,
    );
  }
  return parsePlan(doc, file);
}

const firstLine = (err: unknown): string =>
  String(err instanceof Error ? err.message : err).split('\n')[0] ?? '';

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function parsePlan(doc: unknown, where = 'bootstrap'): BootstrapPlan {
  if (doc === null || doc === undefined) return { streams: [] };
  if (!isRecord(doc)) throw new BootstrapError(`${where}: expected a mapping with a "streams" list`);
  for (const key of Object.keys(doc))
    if (key !== 'streams' && key !== 'faults')
      throw new BootstrapError(`${where}: unknown key "${key}" (expected "streams" or "faults")`);
  const list = doc.streams ?? [];
  if (!Array.isArray(list)) throw new BootstrapError(`${where}: "streams" must be a list`);
  if (list.length > limits.bootstrapStreamsMax)
    throw new BootstrapError(`${where}: more than ${limits.bootstrapStreamsMax} streams`);
  const seen = new Set<string>();
  const streams = list.map((item, i) => {
    const stream = parseStream(item, `${where}: streams[${i}]`);
    if (seen.has(stream.name))
      throw new BootstrapError(`${where}: stream "${stream.name}" is declared twice`);
    seen.add(stream.name);
    return stream;
  });
  if (doc.faults === undefined || doc.faults === null) return { streams };
  try {
    return {
      streams,
      faults: parseFaults(doc.faults, { kinesis: kinesisFaultService() }, `${where}: faults`),
    };
  } catch (err) {
    if (err instanceof FaultConfigError) throw new BootstrapError(err.message);
    throw err;
  }
}

function parseStream(item: unknown, where: string): BootstrapStream {
  if (typeof item === 'string') return { name: item, mode: 'ON_DEMAND', consumers: [] };
  if (!isRecord(item)) throw new BootstrapError(`${where}: expected a stream name or a mapping`);
  for (const key of Object.keys(item))
    if (!STREAM_KEYS.has(key))
      throw new BootstrapError(
        `${where}: unknown key "${key}" (expected one of ${[...STREAM_KEYS].join(', ')})`,
      );
  const { name, shards, retentionHours, tags, consumers } = item;
  if (typeof name !== 'string' || name === '')
    throw new BootstrapError(`${where}: "name" must be a non-empty string`);
  if (shards !== undefined && !Number.isInteger(shards))
    throw new BootstrapError(`${where}: "shards" must be an integer`);
  if (retentionHours !== undefined && !Number.isInteger(retentionHours))
    throw new BootstrapError(`${where}: "retentionHours" must be an integer`);
  const mode = parseMode(item.mode, shards, where);
  if (tags !== undefined && (!isRecord(tags) || Object.values(tags).some((v) => typeof v !== 'string')))
    throw new BootstrapError(`${where}: "tags" must map names to strings`);
  if (consumers !== undefined && (!Array.isArray(consumers) || consumers.some((c) => typeof c !== 'string')))
    throw new BootstrapError(`${where}: "consumers" must be a list of names`);
  return {
    name,
    mode,
    ...(shards !== undefined ? { shards: shards as number } : {}),
    ...(retentionHours !== undefined ? { retentionHours: retentionHours as number } : {}),
    ...(tags !== undefined ? { tags: tags as Record<string, string> } : {}),
    consumers: (consumers as string[] | undefined) ?? [],
  };
}

function parseMode(mode: unknown, shards: unknown, where: string): 'PROVISIONED' | 'ON_DEMAND' {
  if (mode === undefined) return shards === undefined ? 'ON_DEMAND' : 'PROVISIONED';
  const m = String(mode).toUpperCase().replace('-', '_');
  if (m === 'ON_DEMAND' || m === 'PROVISIONED') return m;
  throw new BootstrapError(`${where}: "mode" must be provisioned or on-demand, not "${String(mode)}"`);
}

/** Applies the plan in file order. Throws BootstrapError naming the stream and the AWS error. */
export async function applyBootstrap(
  plan: BootstrapPlan,
  service: JsonRpcService,
  config: Config,
): Promise<BootstrapReport> {
  const report: BootstrapReport = { created: [], kept: [], consumersRegistered: [] };
  const call = (operation: string, input: Record<string, unknown>) =>
    invokeOperation(service, operation, input, contextFor(config));
  for (const stream of plan.streams) {
    try {
      await ensureStream(stream, call, report);
    } catch (err) {
      if (err instanceof KinesisError)
        throw new BootstrapError(
          `stream "${stream.name}": ${err.name}${err.message ? `: ${err.message}` : ''}`,
        );
      throw err;
    }
  }
  return report;
}

type Call = (operation: string, input: Record<string, unknown>) => Promise<unknown>;

interface Summary {
  StreamDescriptionSummary: { StreamStatus: string; StreamARN: string };
}

async function describe(call: Call, name: string): Promise<Summary['StreamDescriptionSummary'] | undefined> {
  try {
    return ((await call('DescribeStreamSummary', { StreamName: name })) as Summary).StreamDescriptionSummary;
  } catch (err) {
    if (err instanceof KinesisError && err.name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

async function ensureStream(stream: BootstrapStream, call: Call, report: BootstrapReport): Promise<void> {
  if (await describe(call, stream.name)) report.kept.push(stream.name);
  else {
    await call('CreateStream', {
      StreamName: stream.name,
      ...(stream.shards !== undefined ? { ShardCount: stream.shards } : {}),
      StreamModeDetails: { StreamMode: stream.mode },
      ...(stream.tags && Object.keys(stream.tags).length > 0 ? { Tags: stream.tags } : {}),
    });
    await waitActive(call, stream.name);
    if (stream.retentionHours !== undefined && stream.retentionHours > limits.retentionHoursDefault) {
      await call('IncreaseStreamRetentionPeriod', {
        StreamName: stream.name,
        RetentionPeriodHours: stream.retentionHours,
      });
      await waitActive(call, stream.name);
    }
    report.created.push(stream.name);
  }
  if (stream.consumers.length > 0) await ensureConsumers(stream, call, report);
}

async function waitActive(call: Call, name: string): Promise<string> {
  const deadline = Date.now() + limits.bootstrapActiveWaitMs;
  for (;;) {
    const summary = await describe(call, name);
    if (summary?.StreamStatus === 'ACTIVE') return summary.StreamARN;
    if (Date.now() > deadline) throw new BootstrapError(`stream "${name}" did not become ACTIVE in time`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function ensureConsumers(stream: BootstrapStream, call: Call, report: BootstrapReport): Promise<void> {
  const arn = await waitActive(call, stream.name);
  const listed = (await call('ListStreamConsumers', { StreamARN: arn })) as {
    Consumers?: { ConsumerName: string }[];
  };
  const existing = new Set((listed.Consumers ?? []).map((c) => c.ConsumerName));
  for (const consumer of stream.consumers) {
    if (existing.has(consumer)) continue;
    await call('RegisterStreamConsumer', { StreamARN: arn, ConsumerName: consumer });
    report.consumersRegistered.push(`${stream.name}/${consumer}`);
  }
}

function contextFor(config: Config): CallContext {
  return {
    requestId: randomUUID(),
    region: config.region,
    accessKeyId: 'shardline-bootstrap',
    wire: 'json',
    signal: new AbortController().signal,
  };
}
