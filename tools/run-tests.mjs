#!/usr/bin/env node
// Runs every compiled test file under dist/ with Node's test runner. Node 20's `node --test` does
// not expand globs, and given a directory it also runs helper modules under any test/ folder, so
// the list is built here: dist/**/*.test.js whose TypeScript source still exists (a deleted test
// leaves a stale build behind). Arguments filter by substring: `npm test -- hostile cbor`.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const FILES_MAX = 10_000;

function findTests(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (out.length >= FILES_MAX) break;
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) findTests(path, out);
    else if (entry.name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

if (!existsSync(dist)) {
  console.error('run-tests: dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const filters = process.argv.slice(2);
const files = findTests(dist, [])
  .filter((file) => existsSync(join(root, relative(dist, file)).replace(/\.js$/, '.ts')))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
const args = ['--test', '--test-concurrency=2', '--test-timeout=180000', ...files];
const child = spawn(process.execPath, args, { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
