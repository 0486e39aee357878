// The real `shardline` binary: flags and SHARDLINE_* env, one-line errors, graceful shutdown,
// and start-up time (spawn → first successful request).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/shardline.js', import.meta.url));

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shardline-cli-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: string[], env: Record<string, string> = {}, timeoutMs = 15_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${args.join(' ')}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function post(port: number, target: string, body = '{}'): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `Kinesis_20131202.${target}`,
          'x-amz-date': '20260101T000000Z',
          authorization:
            'AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=x',
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', () => resolve({ status: 0, text: '' }));
    req.end(body);
  });
}

interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  readonly readyMs: number;
  readonly lines: () => Record<string, unknown>[];
  readonly exited: Promise<number | null>;
}

/** Spawns `shardline start`, reads the endpoint from its log, and times spawn → first 200. */
async function start(args: string[], env: Record<string, string> = {}): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'start', '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const deadline = Date.now() + 15_000;
  let port = 0;
  while (Date.now() < deadline) {
    const ready = lines().find((l) => typeof l.endpoint === 'string');
    if (ready) {
      port = Number(new URL(String(ready.endpoint)).port);
      if ((await post(port, 'ListStreams')).status === 200) break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.ok(port > 0, `server did not start: ${out}`);
  return { child, port, readyMs: performance.now() - t0, lines, exited };
}

describe('shardline start', () => {
  it('starts quickly and stops gracefully on SIGTERM and SIGINT', async (t) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const s = await start(['--data-dir', join(dir, `sig-${signal}`), '--log-level', 'info']);
      t.diagnostic(`${signal} run: spawn → first successful request ${Math.round(s.readyMs)} ms`);
      assert.ok(s.readyMs < 5000, `start-up took ${s.readyMs} ms`);
      // A request in flight when the signal arrives still gets its answer: the headers go out
      // first, the signal lands while the server waits for the body, then the body follows.
      const socket = net.connect(s.port, '127.0.0.1');
      let reply = '';
      socket.on('data', (d: Buffer) => {
        reply += d;
      });
      socket.on('error', () => undefined);
      const body = JSON.stringify({ StreamName: 'graceful', ShardCount: 1 });
      socket.write(
        'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n' +
          'X-Amz-Target: Kinesis_20131202.CreateStream\r\nX-Amz-Date: 20260101T000000Z\r\n' +
          'Authorization: AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=x\r\n' +
          `Content-Length: ${body.length}\r\n\r\n`,
      );
      await new Promise((r) => setTimeout(r, 200));
      s.child.kill(signal);
      await new Promise((r) => setTimeout(r, 200));
      socket.write(body);
      await new Promise((r) => socket.on('close', r));
      assert.match(reply, /^HTTP\/1\.1 200 /);
      assert.equal((await post(s.port, 'ListStreams')).status, 0, 'no new connections after the signal');
      assert.equal(await s.exited, 0);
      assert.ok(s.lines().some((l) => l.msg === 'shutting down' && l.signal === signal));
    }
  });

  it('takes every setting from SHARDLINE_* environment variables', async () => {
    const s = await start([], {
      SHARDLINE_STORAGE: 'memory',
      SHARDLINE_ACCOUNT_ID: '123456789012',
      SHARDLINE_STATE_DELAY_MS: '0',
      SHARDLINE_LOG_LEVEL: 'info',
    });
    try {
      const ready = s.lines().find((l) => l.endpoint);
      assert.equal(ready?.storage, 'memory');
      assert.equal((await post(s.port, 'CreateStream', '{"StreamName":"env","ShardCount":1}')).status, 200);
      const desc = await post(s.port, 'DescribeStreamSummary', '{"StreamName":"env"}');
      assert.match(desc.text, /arn:aws:kinesis:us-east-1:123456789012:stream\/env/);
      assert.match(desc.text, /"StreamStatus":"ACTIVE"/);
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  });

  it('lets flags win over the environment', async () => {
    const s = await start(['--account-id', '111122223333', '--storage', 'memory'], {
      SHARDLINE_ACCOUNT_ID: '123456789012',
    });
    try {
      await post(s.port, 'CreateStream', '{"StreamName":"flag","ShardCount":1}');
      assert.match(
        (await post(s.port, 'DescribeStreamSummary', '{"StreamName":"flag"}')).text,
        /:111122223333:/,
      );
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  });

  it('applies a bootstrap file', async () => {
    const file = join(dir, 'boot.yaml');
    await writeFile(file, 'streams:\n  - name: boot\n    shards: 3\n');
    const s = await start(['--storage', 'memory', '--config', file]);
    try {
      assert.match(
        (await post(s.port, 'DescribeStreamSummary', '{"StreamName":"boot"}')).text,
        /"OpenShardCount":3/,
      );
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  });

  const failures: Record<string, [string[], Record<string, string>, RegExp]> = {
    'an out-of-range port': [['--port', '70000'], {}, /port number/],
    'a negative port': [['--port', '-1'], {}, /non-negative integer/],
    'an unknown flag': [['--bogus'], {}, /unknown option '--bogus'/],
    'an unknown durability': [['--durability', 'maybe'], {}, /Allowed choices are fsync, batch, none/],
    'a bad env value': [[], { SHARDLINE_PORT: 'abc' }, /SHARDLINE_PORT.*must be a non-negative integer/],
    'a negative commit wait': [
      ['--get-records-commit-wait-ms', '-5'],
      {},
      /get-records-commit-wait-ms.*must be a non-negative integer/,
    ],
    'a malformed account id': [['--account-id', '12'], {}, /must be 12 digits/],
    'a missing bootstrap file': [
      ['--config', '/nonexistent/streams.yaml', '--storage', 'memory'],
      {},
      /cannot read/,
    ],
    'an unknown host': [
      ['--host', 'nosuchhost.invalid', '--storage', 'memory'],
      {},
      /cannot listen on nosuchhost\.invalid/,
    ],
  };
  for (const [what, [args, env, message]] of Object.entries(failures))
    it(`fails with one line and exit code 1 on ${what}`, async () => {
      // Memory storage: a run that wrongly starts must not leave ./data behind.
      const r = await run(['start', '--storage', 'memory', ...args], env, 5000);
      assert.equal(r.code, 1);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0] ?? '', message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });

  it('fails with one line when the port is taken', async () => {
    const s = await start(['--storage', 'memory']);
    try {
      const r = await run(['start', '--port', String(s.port), '--storage', 'memory']);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr.trim(),
        `shardline: cannot listen on 127.0.0.1:${s.port}: the address is already in use`,
      );
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  });
});
