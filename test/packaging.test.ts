// What `npm pack` would ship (package.json "files"): the CLI entry, the built server with its
// console assets and README, and no tests, test suites, benchmarks or their source maps; "main",
// "exports" and "bin" point at packed files. Needs `npm run build` (tsc, then tools/copy-assets.mjs).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  exports: Record<string, string>;
  bin: Record<string, string>;
};

/** `npm pack --dry-run --json` (no lifecycle scripts: the build is the caller's). */
function packList(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      'npm',
      ['pack', '--dry-run', '--json', '--ignore-scripts'],
      { cwd: root, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`npm pack failed: ${err.message}\n${stderr}`));
        try {
          const out = JSON.parse(stdout) as { files: { path: string }[] }[];
          resolve((out[0]?.files ?? []).map((f) => f.path));
        } catch (e) {
          reject(new Error(`npm pack printed no JSON: ${(e as Error).message}\n${stdout.slice(0, 500)}`));
        }
      },
    );
  });
}

const norm = (p: string): string => p.replace(/^\.\//, '');

describe('npm pack', () => {
  let files: string[];
  let set: Set<string>;

  before(async () => {
    files = await packList();
    set = new Set(files);
  });

  it('ships no tests, test suites or benchmarks', () => {
    assert.ok(files.length > 0);
    const bad = files.filter(
      (f) =>
        f.startsWith('dist/test/') ||
        f.startsWith('dist/bench/') ||
        f.startsWith('test/') ||
        f.startsWith('bench/') ||
        f.startsWith('src/') ||
        /\.test\.js(\.map)?$/.test(f) ||
        f.endsWith('.ts'),
    );
    assert.deepEqual(bad, []);
    const usingNodeTest = files.filter(
      (f) => f.endsWith('.js') && /from ['"]node:test['"]/.test(readFileSync(join(root, f), 'utf8')),
    );
    assert.deepEqual(usingNodeTest, [], 'packed modules importing node:test (test suites)');
  });

  it('ships only compiled files whose source still exists (a clean build)', () => {
    const stale = files.filter(
      (f) =>
        f.startsWith('dist/src/') &&
        !f.startsWith('dist/src/console/assets/') &&
        /\.js(\.map)?$/.test(f) &&
        !existsSync(join(root, f.slice('dist/'.length).replace(/\.js(\.map)?$/, '.ts'))),
    );
    assert.deepEqual(stale, [], 'stale build outputs: `npm run build` removes them');
  });

  it('ships the targets of main, exports and bin, the console and the README', () => {
    const targets = [pkg.main, ...Object.values(pkg.exports), ...Object.values(pkg.bin)].map(norm);
    assert.ok(targets.includes('dist/src/index.js'));
    for (const t of targets) assert.ok(set.has(t), `${t} is not packed`);
    for (const f of [
      'README.md',
      'package.json',
      'dist/src/cli/main.js',
      'dist/src/console/routes.js',
      'dist/src/console/assets/index.html',
      'dist/src/console/assets/app.js',
      'dist/src/client/browser.js',
      'dist/src/kinesis/model.json',
    ])
      assert.ok(set.has(f), `${f} is not packed (built with \`npm run build\`?)`);
    // bin/shardline.js imports the CLI from dist/src/cli/main.js.
    assert.match(readFileSync(join(root, 'bin/shardline.js'), 'utf8'), /\.\.\/dist\/src\/cli\/main\.js/);
  });

  it('main exports the programmatic API', async () => {
    const api = (await import(join(root, pkg.main))) as Record<string, unknown>;
    for (const name of ['startServer', 'defaultConfig', 'openEngine', 'KinesisClient', 'createNodeClient'])
      assert.ok(api[name] !== undefined, `${name} is not exported`);
  });
});
