// End-to-end helpers: start a real Shardline on a random loopback port (or use
// SHARDLINE_ENDPOINT to point the same suites at another server) and build real clients.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { type RunningServer, startServer } from '../src/app.js';
import { type Config, defaultConfig } from '../src/core/config.js';
import { openEngine } from '../src/storage/open-engine.js';

export const REGION = 'us-east-1';
export const ACCOUNT = process.env.SHARDLINE_ACCOUNT ?? '000000000000';

/**
 * The server the suites target instead of an in-process one (SHARDLINE_ENDPOINT), if any. It is
 * expected to run with `--state-delay-ms 0 --limits off`; a case that needs anything else skips.
 */
export const EXTERNAL_ENDPOINT: string | undefined = process.env.SHARDLINE_ENDPOINT || undefined;

/** What an external endpoint cannot give a case; the skip reasons read the same in every suite. */
export type InProcessNeed = 'internals' | 'flags' | 'process';

const NEEDS: Record<InProcessNeed, string> = {
  internals: "needs the in-process server's internals:",
  flags: 'needs a server started with',
  process: "needs the server's process:",
};

/** The one-line reason a case skips against SHARDLINE_ENDPOINT, e.g. `needs a server started with --state-delay-ms 300`. */
const externalSkipReason = (need: InProcessNeed, detail: string): string => `${NEEDS[need]} ${detail}`;

/**
 * The `skip` option of a case or suite that cannot run against SHARDLINE_ENDPOINT:
 * `it('…', { skip: needsInProcess('flags', '--state-delay-ms 300') }, async () => …)`. In-process
 * it is `false`: the case runs as is.
 */
export function needsInProcess(need: InProcessNeed, detail: string): string | false {
  return EXTERNAL_ENDPOINT ? externalSkipReason(need, detail) : false;
}

/** Inside a case, from the point that needs the in-process server: `if (skipIfExternal(t, …)) return;`. */
export function skipIfExternal(t: TestContext, need: InProcessNeed, detail: string): boolean {
  if (!EXTERNAL_ENDPOINT) return false;
  t.skip(externalSkipReason(need, detail));
  return true;
}

export interface TestServer {
  readonly endpoint: string;
  readonly external: boolean;
  readonly server: RunningServer | undefined;
  readonly dataDir: string | undefined;
  close(): Promise<void>;
}

/** Starts Shardline in-process with local storage in a temp dir, unless SHARDLINE_ENDPOINT is set. */
export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const external = EXTERNAL_ENDPOINT;
  if (external)
    return {
      endpoint: external,
      external: true,
      server: undefined,
      dataDir: undefined,
      close: async () => {},
    };
  const dataDir = await mkdtemp(join(tmpdir(), 'shardline-e2e-'));
  const started = await startTestServerAt(dataDir, overrides);
  return {
    ...started,
    async close() {
      await started.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The official SDK with its default handler (HTTP/2 for every call). */
export function kinesis(endpoint: string, region = REGION): KinesisClient {
  return new KinesisClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
}

export const randomName = (prefix = 'test'): string => `${prefix}-${randomBytes(6).toString('hex')}`;

/** Raw JSON 1.1 request with a syntactically complete SigV4 header (signatures are not verified). */
export async function rawRequest(
  endpoint: string,
  target: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: string; json: Record<string, unknown> | undefined }> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `Kinesis_20131202.${target}`,
      'x-amz-date': '20260101T000000Z',
      authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/${REGION}/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc`,
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, body: text, json };
}

export async function waitFor<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Starts Shardline in-process on an existing data dir; close() keeps the dir, so a second call
 * with the same dir is a restart (persistence tests). The caller removes the dir.
 */
export async function startTestServerAt(
  dataDir: string,
  overrides: Partial<Config> = {},
): Promise<TestServer> {
  const config: Config = {
    ...defaultConfig,
    port: 0,
    dataDir,
    stateDelayMs: 0,
    durability: 'none',
    ...overrides,
  };
  const engine = await openEngine({
    kind: config.storage,
    dataDir: config.dataDir,
    durability: config.durability,
  });
  const server = await startServer(config, engine);
  return { endpoint: server.endpoint, external: false, server, dataDir, close: () => server.close() };
}

/** The CLI entry (bin/shardline.js), as the end-to-end suites run it. */
export const CLI_BIN = fileURLToPath(new URL('../../bin/shardline.js', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `shardline ARGS` as its own process (SHARDLINE_ENDPOINT cleared, so the CLI's own
 * `--endpoint` decides), feeding `stdin`, killed after `timeoutMs`.
 */
export function runCli(
  args: readonly string[],
  options: { readonly stdin?: string; readonly timeoutMs?: number } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, SHARDLINE_ENDPOINT: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.stdin.end(options.stdin ?? '');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${args.join(' ')}`));
    }, options.timeoutMs ?? 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
