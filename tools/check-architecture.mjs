#!/usr/bin/env node
// Checks every import in src/, bench/ and test/ against docs/architecture.json: each file belongs
// to a part, and a part imports only itself and the parts it lists under `may` ("*": any). Unit
// tests (*.test.ts) are not shipped and may import anything. The declared arrows may not form a
// cycle. Exits 1 with one line per violation.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const spec = JSON.parse(readFileSync(join(root, 'docs/architecture.json'), 'utf8'));
const FILES_MAX = 20_000;
const IMPORT_RE =
  /(?:^|[\s;])(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function walk(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (out.length >= FILES_MAX) break;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const partOf = (rel) =>
  spec.parts.find((p) => p.paths.some((prefix) => rel === prefix || rel.startsWith(prefix)));

const problems = [];
const files = ['src', 'bench', 'test'].flatMap((d) => {
  try {
    return walk(join(root, d), []);
  } catch {
    return [];
  }
});
for (const file of files) {
  const rel = relative(root, file);
  const part = partOf(rel);
  if (!part) {
    problems.push(`${rel}: belongs to no part of docs/architecture.json`);
    continue;
  }
  if (rel.endsWith('.test.ts')) continue;
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec_ = m[1] ?? m[2];
    if (!spec_) continue;
    if (spec_.startsWith('.')) {
      const target = relative(root, resolve(dirname(file), spec_)).replace(/\.js$/, '.ts');
      const to = partOf(target);
      if (!to) problems.push(`${rel}: imports ${spec_}, which belongs to no part`);
      else if (to !== part && !part.may.includes('*') && !part.may.includes(to.name))
        problems.push(`${rel} (${part.name}) may not import ${target} (${to.name})`);
    } else if (part.noIo) {
      const name = spec_.startsWith('node:') ? spec_ : `node:${spec_}`;
      if (spec.ioModules.includes(name)) problems.push(`${rel} (${part.name}, no I/O) imports ${spec_}`);
    }
  }
}
// The declared arrows must not form a cycle (parts that may import anything are composition roots).
const mayOf = new Map(spec.parts.map((p) => [p.name, p.may.includes('*') ? [] : p.may]));
const visiting = new Set();
const done = new Set();
function visit(name, path) {
  if (done.has(name)) return;
  if (visiting.has(name)) {
    problems.push(`parts form a cycle: ${[...path.slice(path.indexOf(name)), name].join(' → ')}`);
    return;
  }
  visiting.add(name);
  for (const next of mayOf.get(name) ?? []) visit(next, [...path, name]);
  visiting.delete(name);
  done.add(name);
}
for (const name of mayOf.keys()) visit(name, []);

if (problems.length > 0) {
  for (const p of problems) console.error(`architecture: ${p}`);
  console.error(`architecture: ${problems.length} problem(s); see docs/architecture.json`);
  process.exit(1);
}
console.log(`architecture: ${files.length} files, ${spec.parts.length} parts, no violations`);
