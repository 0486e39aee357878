#!/usr/bin/env node
// Build step after tsc: copies the web console's static files (src/console/assets, plain JS/CSS/HTML
// served as-is) beside the compiled routes, to dist/src/console/assets/, which the server serves
// and `npm pack` ships. Files gone from the source are removed from the copy.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const from = join(root, 'src/console/assets');
const to = join(root, 'dist/src/console/assets');

rmSync(to, { recursive: true, force: true });
mkdirSync(to, { recursive: true });
let n = 0;
for (const entry of readdirSync(from, { withFileTypes: true })) {
  if (!entry.isFile()) continue;
  copyFileSync(join(from, entry.name), join(to, entry.name));
  n++;
}
console.log(`copy-assets: ${n} files to ${to}`);
