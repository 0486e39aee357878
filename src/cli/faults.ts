// `shardline faults list|set FILE|clear`: reads and replaces the fault rules of a running server
// through its admin endpoint (/_shardline/faults, docs/faults.md). FILE is YAML or JSON: a `faults`
// section ({ seed, rules }) or a whole bootstrap file, whose `faults:` is taken.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { Command, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { FaultsState } from '../aws/faults.js';
import { FAULTS_PATH } from '../aws/faults-http.js';

/** Shown alone on stderr by bin/shardline.js (no stack). */
class FaultsToolError extends Error {
  override readonly name = 'CliError';
}

const DEFAULT_ENDPOINT = 'http://127.0.0.1:4567';
const TIMEOUT_MS = 30_000;

interface Opts {
  endpoint: string;
  json?: boolean;
}

function withEndpoint(cmd: Command): Command {
  return cmd.addOption(
    new Option('--endpoint <url>', 'Shardline endpoint').env('SHARDLINE_ENDPOINT').default(DEFAULT_ENDPOINT),
  );
}

/** One request to the admin endpoint; the parsed answer, or a one-line error. */
function admin(endpoint: string, method: string, body?: string): Promise<FaultsState> {
  if (!/^https?:\/\/[^/]+/.test(endpoint))
    throw new FaultsToolError(`--endpoint must be an http(s) URL, got ${endpoint}`);
  const url = new URL(FAULTS_PATH, endpoint.replace(/\/+$/, '/'));
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method,
        timeout: TIMEOUT_MS,
        headers:
          body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          const status = res.statusCode ?? 0;
          if (status === 200 && parsed !== undefined) return resolve(parsed as FaultsState);
          const message = (parsed as { message?: unknown } | undefined)?.message;
          reject(
            new FaultsToolError(
              typeof message === 'string'
                ? message
                : `HTTP ${status} from ${url.href}: ${text.slice(0, 200)}`,
            ),
          );
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new FaultsToolError(`no answer from ${endpoint} within ${TIMEOUT_MS} ms`)),
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err instanceof FaultsToolError
          ? err
          : new FaultsToolError(
              err.code === 'ECONNREFUSED'
                ? `cannot reach Shardline at ${endpoint}: connection refused`
                : `cannot reach ${endpoint}: ${err.message}`,
            ),
      ),
    );
    req.end(body);
  });
}

/** One line per rule: what it matches, what it does, and its counters. */
export function formatRule(r: FaultsState['rules'][number], i: number): string {
  const what =
    r.action === 'error'
      ? `error ${r.error}${r.status ? ` (${r.status})` : ''}`
      : r.action === 'latency'
        ? `latency ${r.latencyMs} ms${r.jitterMs ? ` +0..${r.jitterMs} ms` : ''}`
        : r.action;
  const where = [
    r.service,
    r.operations.join(','),
    r.streams ? `streams=${r.streams.join(',')}` : undefined,
    r.account ? `account=${r.account}` : undefined,
    r.region ? `region=${r.region}` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  const limit = r.count === undefined ? '' : ` count=${r.count}`;
  return `#${i} ${where}: ${what} rate=${r.rate}${limit} matched=${r.matched} fired=${r.fired}`;
}

function print(state: FaultsState, json: boolean | undefined): void {
  if (json) process.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
  else if (state.rules.length === 0) process.stdout.write('no fault rules\n');
  else {
    process.stdout.write(`seed ${state.seed}\n`);
    state.rules.forEach((r, i) => {
      process.stdout.write(`${formatRule(r, i)}\n`);
    });
  }
}

/** The faults section of a YAML or JSON file (a whole bootstrap file gives its `faults:`). */
export async function readFaultsFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new FaultsToolError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let doc: unknown;
  try {
    doc = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new FaultsToolError(
      `${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${String((err as Error).message).split('\n')[0]}`,
    );
  }
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc) && 'faults' in doc)
    return (doc as { faults: unknown }).faults;
  return doc;
}

export function faultsCommand(): Command {
  const cmd = new Command('faults').description(
    'list, set and clear the fault injection rules of a running server',
  );
  cmd.addCommand(
    withEndpoint(new Command('list').description('show the rules in force and their counters'))
      .option('--json', 'print the rules as JSON')
      .action(async (o: Opts) => print(await admin(o.endpoint, 'GET'), o.json)),
  );
  cmd.addCommand(
    withEndpoint(
      new Command('set')
        .description('replace the rules with those of a YAML or JSON file')
        .argument('<file>', 'a faults section, or a bootstrap file with a faults: key'),
    )
      .option('--json', 'print the rules as JSON')
      .action(async (file: string, o: Opts) => {
        const doc = await readFaultsFile(file);
        print(await admin(o.endpoint, 'PUT', JSON.stringify(doc ?? null)), o.json);
      }),
  );
  cmd.addCommand(
    withEndpoint(new Command('clear').description('remove every rule')).action(async (o: Opts) => {
      await admin(o.endpoint, 'DELETE');
      process.stdout.write('fault rules cleared\n');
    }),
  );
  return cmd;
}
