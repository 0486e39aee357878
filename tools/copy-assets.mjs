#!/usr/bin/env node
// Build step after tsc (`npm run build`): copies the web console's static files (src/console/assets,
// plain JS/CSS/HTML served as-is) beside the compiled routes, to dist/src/console/assets/, which the
// server serves and `npm pack` ships. It also drops compiled files under dist/src/ whose source is
// gone (tsc never deletes outputs), so a removed module is neither served nor packed.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const from = join(root, 'src/console/assets');
const to = join(root, 'dist/src/console/assets');
const FILES_MAX = 10_000;

rmSync(to, { recursive: true, force: true });
mkdirSync(to, { recursive: true });
let copied = 0;
for (const entry of readdirSync(from, { withFileTypes: true })) {
  if (!entry.isFile()) continue;
  copyFileSync(join(from, entry.name), join(to, entry.name));
  copied++;
}

function walk(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (out.length >= FILES_MAX) break;
    const path = join(dir, entry.name);
    if (path === to) continue;
    if (entry.isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

let pruned = 0;
const built = join(root, 'dist/src');
if (existsSync(built)) {
  for (const file of walk(built, [])) {
    const source = join(root, relative(join(root, 'dist'), file)).replace(/\.js(\.map)?$/, '.ts');
    if (/\.js(\.map)?$/.test(file) && !existsSync(source)) {
      rmSync(file);
      pruned++;
    }
  }
}
console.log(
  `copy-assets: ${copied} console files to dist/src/console/assets; ${pruned} stale outputs removed`,
);
