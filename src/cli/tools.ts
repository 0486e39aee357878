// The user tools of `shardline`: streams list|create|describe|delete, put, tail, replay. They talk
// to a running server through the repo's Kinesis client (src/client); every failure becomes one line.

import { randomUUID } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { KinesisApiError, type KinesisClient, streamRef } from '../client/kinesis.js';
import { createNodeClient } from '../client/node.js';
import { cliLimits } from './limits.js';
import { type OutRecord, PutFailedError, Putter } from './putter.js';
import { readStream, type StartAt, type WireRecord } from './stream-reader.js';

/** Shown alone on stderr by bin/shardline.js (no stack). */
export class ToolError extends Error {
  override readonly name = 'CliError';
}

interface ClientOpts {
  endpoint: string;
  region: string;
}

const DEFAULT_ENDPOINT = 'http://127.0.0.1:4567';
const CREATE_WAIT_MS = 60_000;
/** Shardline does not check signatures; requests are signed with this fixed, recognisable key. */
const CLI_CREDENTIALS = { accessKeyId: 'SHARDLINECLI', secretAccessKey: 'shardline-cli' };

function withClient(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--endpoint <url>', 'Shardline endpoint')
        .env('SHARDLINE_ENDPOINT')
        .default(DEFAULT_ENDPOINT),
    )
    .addOption(new Option('--region <region>', 'region').env('AWS_REGION').default('us-east-1'));
}

function clientOf(o: ClientOpts): KinesisClient {
  if (!/^https?:\/\/[^/]+/.test(o.endpoint))
    throw new ToolError(`--endpoint must be an http(s) URL, got ${o.endpoint}`);
  return createNodeClient({
    endpoint: o.endpoint,
    region: o.region,
    credentials: CLI_CREDENTIALS,
    timeoutMs: cliLimits.cliRequestTimeoutMs,
  });
}

/** Runs a tool action, turning API and transport errors into one line. */
function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      if (err instanceof KinesisApiError)
        throw new ToolError(err.type === 'NetworkError' ? err.message : `${err.type}: ${err.message}`);
      if (err instanceof PutFailedError) throw new ToolError(err.message);
      throw err;
    }
  };
}

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

/** `latest`, `trim-horizon`, an ISO date/time or epoch milliseconds. */
export function parseStart(v: string): StartAt {
  const s = v.toLowerCase();
  if (s === 'latest') return { type: 'LATEST' };
  if (s === 'trim-horizon' || s === 'trim_horizon' || s === 'oldest') return { type: 'TRIM_HORIZON' };
  return { type: 'AT_TIMESTAMP', timestampMs: parseTime(v) };
}

export function parseTime(v: string): number {
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms))
    throw new InvalidArgumentError(`not a time: ${v} (use ISO 8601 or epoch milliseconds)`);
  return ms;
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

// ---- streams ----

function streamsCommand(): Command {
  const cmd = new Command('streams').description('list, create, describe and delete streams');
  cmd.addCommand(
    withClient(new Command('list').description('list stream names'))
      .option('--json', 'print the stream summaries as JSON')
      .action(
        action(async (o: ClientOpts & { json?: boolean }) => {
          const client = clientOf(o);
          const summaries: Record<string, unknown>[] = [];
          const names: string[] = [];
          let token: string | undefined;
          for (let page = 0; page < 10_000; page++) {
            const res = await client.call<{
              StreamNames: string[];
              StreamSummaries?: Record<string, unknown>[];
              NextToken?: string;
              HasMoreStreams: boolean;
            }>('ListStreams', token === undefined ? { Limit: 100 } : { NextToken: token });
            names.push(...res.StreamNames);
            summaries.push(...(res.StreamSummaries ?? []));
            token = res.NextToken;
            if (!res.HasMoreStreams || token === undefined) break;
          }
          if (o.json) out(JSON.stringify(summaries, null, 2));
          else for (const n of names) out(n);
        }),
      ),
  );
  cmd.addCommand(
    withClient(new Command('create').description('create a stream').argument('<stream>', 'stream name'))
      .addOption(
        new Option('--shards <n>', 'shard count (provisioned)').argParser(positiveInt).conflicts('onDemand'),
      )
      .option('--on-demand', 'on-demand capacity mode')
      .option('--wait', 'wait until the stream is ACTIVE')
      .action(
        action(
          async (name: string, o: ClientOpts & { shards?: number; onDemand?: boolean; wait?: boolean }) => {
            const client = clientOf(o);
            const input: Record<string, unknown> = { StreamName: name };
            if (o.onDemand) input.StreamModeDetails = { StreamMode: 'ON_DEMAND' };
            else input.ShardCount = o.shards ?? 1;
            await client.call('CreateStream', input);
            if (o.wait) await waitActive(client, name);
            out(`created ${name}${o.wait ? ' (ACTIVE)' : ''}`);
          },
        ),
      ),
  );
  cmd.addCommand(
    withClient(
      new Command('describe')
        .description('show a stream and its shards as JSON')
        .argument('<stream>', 'name or ARN'),
    ).action(
      action(async (stream: string, o: ClientOpts) => {
        const client = clientOf(o);
        const summary = await client.call<{ StreamDescriptionSummary: Record<string, unknown> }>(
          'DescribeStreamSummary',
          streamRef(stream),
        );
        const { listAllShards } = await import('./stream-reader.js');
        const shards = await listAllShards(client, stream);
        out(JSON.stringify({ ...summary.StreamDescriptionSummary, Shards: shards }, null, 2));
      }),
    ),
  );
  cmd.addCommand(
    withClient(new Command('delete').description('delete a stream').argument('<stream>', 'name or ARN'))
      .option('--force', 'also delete its registered consumers')
      .action(
        action(async (stream: string, o: ClientOpts & { force?: boolean }) => {
          await clientOf(o).call('DeleteStream', {
            ...streamRef(stream),
            ...(o.force ? { EnforceConsumerDeletion: true } : {}),
          });
          out(`deleting ${stream}`);
        }),
      ),
  );
  return cmd;
}

async function waitActive(client: KinesisClient, stream: string): Promise<void> {
  const deadline = Date.now() + CREATE_WAIT_MS;
  while (Date.now() < deadline) {
    const s = await client.call<{ StreamDescriptionSummary: { StreamStatus: string } }>(
      'DescribeStreamSummary',
      streamRef(stream),
    );
    if (s.StreamDescriptionSummary.StreamStatus === 'ACTIVE') return;
    await sleep(200);
  }
  throw new ToolError(`stream ${stream} is not ACTIVE after ${CREATE_WAIT_MS / 1000} s`);
}

// ---- put ----

interface PutOpts extends ClientOpts {
  file?: string;
  format?: 'text' | 'jsonl';
  partitionKey?: string;
  keyField?: string;
  progress?: boolean;
}

/** One input line → a record. JSON lines may carry data/dataBase64/partitionKey/explicitHashKey. */
export function recordOf(
  line: string,
  format: 'text' | 'jsonl',
  o: { partitionKey?: string; keyField?: string },
  lineNo: number,
): OutRecord {
  if (format === 'text')
    return { data: Buffer.from(line, 'utf8'), partitionKey: o.partitionKey ?? randomUUID() };
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new ToolError(`line ${lineNo}: not valid JSON`);
  }
  const obj =
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  const envelope = obj !== undefined && ('data' in obj || 'dataBase64' in obj);
  let data: Buffer;
  if (envelope && typeof obj.dataBase64 === 'string') data = Buffer.from(obj.dataBase64, 'base64');
  else if (envelope)
    data = Buffer.from(typeof obj.data === 'string' ? obj.data : JSON.stringify(obj.data), 'utf8');
  else data = Buffer.from(line, 'utf8');
  const fromField = o.keyField !== undefined && obj !== undefined ? obj[o.keyField] : undefined;
  const pk =
    (envelope && typeof obj.partitionKey === 'string' ? obj.partitionKey : undefined) ??
    (fromField !== undefined ? String(fromField) : undefined) ??
    o.partitionKey ??
    randomUUID();
  const ehk = envelope && typeof obj.explicitHashKey === 'string' ? obj.explicitHashKey : undefined;
  return { data, partitionKey: pk, ...(ehk !== undefined ? { explicitHashKey: ehk } : {}) };
}

/** A one-line progress bar (for files, on a terminal). */
export function progressLine(
  doneBytes: number,
  totalBytes: number,
  records: number,
  elapsedMs: number,
  width = 30,
): string {
  const frac = totalBytes > 0 ? Math.min(1, doneBytes / totalBytes) : 1;
  const filled = Math.round(frac * width);
  const rate = elapsedMs > 0 ? Math.round((records * 1000) / elapsedMs) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(frac * 100)).padStart(3)}% ${records} records ${rate}/s`;
}

function putCommand(): Command {
  return withClient(
    new Command('put')
      .description(
        'put records: from arguments, a file (--file, JSON lines or text) or stdin, batched through PutRecords',
      )
      .argument('<stream>', 'name or ARN')
      .argument('[data...]', 'records (UTF-8 text); without them, lines of --file or stdin'),
  )
    .option('--file <path>', 'read records from a file, one per line')
    .addOption(
      new Option(
        '--format <format>',
        'line format (default: jsonl for .jsonl/.ndjson files, else text)',
      ).choices(['text', 'jsonl']),
    )
    .option('--partition-key <key>', 'partition key for every record (default: random per record)')
    .option('--key-field <field>', 'JSON lines: take the partition key from this field')
    .option('--no-progress', 'no progress bar')
    .action(
      action(async (stream: string, data: string[], o: PutOpts) => {
        const client = clientOf(o);
        const putter = new Putter(client, stream);
        const started = Date.now();
        if (data.length > 0) {
          if (o.file) throw new ToolError('give records as arguments or --file, not both');
          for (const d of data) await putter.add(recordOf(d, o.format ?? 'text', o, 0));
        } else {
          const format = o.format ?? (o.file && /\.(jsonl|ndjson)$/i.test(o.file) ? 'jsonl' : 'text');
          await putLines(putter, o, format);
        }
        await putter.flush();
        const secs = (Date.now() - started) / 1000;
        out(
          `put ${putter.put} records (${putter.bytes} bytes) to ${stream} in ${secs.toFixed(1)} s${putter.retried ? `, ${putter.retried} retried after throttling` : ''}`,
        );
      }),
    );
}

async function putLines(putter: Putter, o: PutOpts, format: 'text' | 'jsonl'): Promise<void> {
  let total = 0;
  if (o.file) {
    try {
      total = statSync(o.file).size;
    } catch {
      throw new ToolError(`cannot read ${o.file}: no such file`);
    }
  }
  const input = o.file ? createReadStream(o.file) : process.stdin;
  const readErr = new Promise<never>((_, reject) =>
    input.once('error', (e: NodeJS.ErrnoException) =>
      reject(new ToolError(`cannot read ${o.file ?? 'stdin'}: ${e.code ?? e.message}`)),
    ),
  );
  readErr.catch(() => undefined);
  const showBar = o.file !== undefined && o.progress !== false && process.stdout.isTTY === true;
  const started = Date.now();
  let done = 0;
  let lineNo = 0;
  let lastDraw = 0;
  const draw = (force: boolean) => {
    if (!showBar || (!force && Date.now() - lastDraw < 100)) return;
    lastDraw = Date.now();
    process.stderr.write(`\r${progressLine(done, total, putter.put, Date.now() - started)}`);
  };
  putter.onFlushed = () => draw(false);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const consume = async () => {
    for await (const line of lines) {
      lineNo++;
      done += Buffer.byteLength(line) + 1;
      if (line.length > cliLimits.cliInputLineBytesMax)
        throw new ToolError(`line ${lineNo}: longer than ${cliLimits.cliInputLineBytesMax} bytes`);
      if (line.trim() === '') continue;
      await putter.add(recordOf(line, format, o, lineNo));
      draw(false);
    }
  };
  await Promise.race([consume(), readErr]);
  await putter.flush();
  done = total;
  draw(true);
  if (showBar) process.stderr.write('\n');
}

// ---- tail ----

interface TailOpts extends ClientOpts {
  from: StartAt;
  format: 'text' | 'json';
  follow: boolean;
}

/** A record as one output line. */
export function formatRecord(shardId: string, r: WireRecord, format: 'text' | 'json'): string {
  const data = Buffer.from(r.Data, 'base64');
  if (format === 'text') return data.toString('utf8').replace(/\n/g, '\\n');
  const text = data.toString('utf8');
  const valid = Buffer.from(text, 'utf8').equals(data);
  return JSON.stringify({
    shardId,
    sequenceNumber: r.SequenceNumber,
    partitionKey: r.PartitionKey,
    approximateArrivalTimestamp: new Date(r.ApproximateArrivalTimestamp * 1000).toISOString(),
    data: valid ? text : null,
    dataBase64: r.Data,
  });
}

function tailCommand(): Command {
  return withClient(
    new Command('tail')
      .description('print records of every shard as they arrive, following resharding (Ctrl-C stops)')
      .argument('<stream>', 'name or ARN'),
  )
    .addOption(
      new Option('--from <position>', 'latest, trim-horizon, or a time (ISO 8601 / epoch ms)')
        .argParser(parseStart)
        .default({ type: 'LATEST' }, 'latest'),
    )
    .addOption(
      new Option('--format <format>', 'text: data as UTF-8; json: one JSON object per record')
        .choices(['text', 'json'])
        .default('text'),
    )
    .option('--no-follow', 'stop once every shard is caught up')
    .action(
      action(async (stream: string, o: TailOpts) => {
        const client = clientOf(o);
        const abort = new AbortController();
        const stop = () => abort.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        process.stdout.on('error', (e: NodeJS.ErrnoException) => {
          if (e.code === 'EPIPE') abort.abort();
        });
        try {
          await readStream({
            client,
            stream,
            start: o.from,
            follow: o.follow,
            signal: abort.signal,
            onRecords: (shardId, records) => {
              if (abort.signal.aborted) return 'stop';
              process.stdout.write(`${records.map((r) => formatRecord(shardId, r, o.format)).join('\n')}\n`);
              return undefined;
            },
          });
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      }),
    );
}

// ---- replay ----

interface ReplayOpts extends ClientOpts {
  from: number;
  to?: number;
}

function replayCommand(): Command {
  return withClient(
    new Command('replay')
      .description(
        'copy the records of a time window of one stream into another (same data and partition keys)',
      )
      .argument('<source>', 'stream to read')
      .argument('<target>', 'stream to write'),
  )
    .requiredOption('--from <time>', 'window start (ISO 8601 / epoch ms)', parseTime)
    .option('--to <time>', 'window end, exclusive (default: now)', parseTime)
    .action(
      action(async (source: string, target: string, o: ReplayOpts) => {
        const client = clientOf(o);
        const toMs = o.to ?? Date.now();
        if (toMs <= o.from) throw new ToolError('--to must be after --from');
        const putter = new Putter(client, target);
        let read = 0;
        await readStream({
          client,
          stream: source,
          start: { type: 'AT_TIMESTAMP', timestampMs: o.from },
          follow: false,
          signal: new AbortController().signal,
          onRecords: async (_shardId, records) => {
            for (const r of records) {
              if (r.ApproximateArrivalTimestamp * 1000 >= toMs) {
                return 'stop';
              }
              read++;
              await putter.add({ data: Buffer.from(r.Data, 'base64'), partitionKey: r.PartitionKey });
            }
            return undefined;
          },
        });
        await putter.flush();
        out(`replayed ${putter.put} of ${read} records from ${source} to ${target}`);
      }),
    );
}

export function toolCommands(): Command[] {
  return [streamsCommand(), putCommand(), tailCommand(), replayCommand()];
}
