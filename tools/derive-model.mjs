#!/usr/bin/env node
// Derives src/kinesis/model.json from the official Kinesis service model (and the newest JS SDK's
// additions). Run by hand when the model changes; the build and tests use only the derived file.
//   node tools/derive-model.mjs ../shared/spec
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const specDir = process.argv[2] ?? '../shared/spec';
const model = JSON.parse(readFileSync(join(specDir, 'botocore-kinesis-2013-12-02.service-2.json'), 'utf8'));
const extra = JSON.parse(readFileSync(join(specDir, 'js-v3-3.1143.0-kinesis-additions.json'), 'utf8'));

const KEEP = [
  'type',
  'required',
  'min',
  'max',
  'pattern',
  'enum',
  'error',
  'exception',
  'eventstream',
  'event',
];
const shapes = {};
for (const [name, shape] of Object.entries(model.shapes)) {
  const out = {};
  for (const k of KEEP) if (shape[k] !== undefined) out[k] = shape[k];
  if (shape.members) {
    out.members = {};
    for (const [m, ref] of Object.entries(shape.members)) out.members[m] = ref.shape;
  }
  if (shape.member) out.member = shape.member.shape;
  if (shape.key) out.key = shape.key.shape;
  if (shape.value) out.value = shape.value.shape;
  shapes[name] = out;
}

// Newest-SDK additions carry structure but no constraints.
const scalar = { string: 'String', number: 'Integer', boolean: 'BooleanObject', timestamp: 'Timestamp' };
shapes.RecordDistributionStrategy = { type: 'string', enum: extra.enums.RecordDistributionStrategy };
function refOf(owner, member, t) {
  if (member === 'RecordDistributionStrategy') return 'RecordDistributionStrategy';
  if (typeof t === 'string') {
    if (!shapes[scalar[t]]) shapes[scalar[t]] = { type: t === 'number' ? 'integer' : t };
    return scalar[t];
  }
  if (t.ref) return t.ref;
  const name = `${owner}${member}`;
  if (t.type === 'list') shapes[name] = { type: 'list', member: refOf(name, 'Member', t.member) };
  else if (t.type === 'map')
    shapes[name] = { type: 'map', key: 'String', value: refOf(name, 'Value', t.value) };
  return name;
}
for (const [name, s] of Object.entries(extra.newStructures)) {
  const members = {};
  const names = Object.keys(s.members);
  for (const m of names) members[m] = refOf(name, m, s.members[m]);
  shapes[name] = { type: 'structure', required: names.slice(0, s.requiredCount), members };
}
for (const name of Object.keys(extra.newErrors)) {
  shapes[name] = {
    type: 'structure',
    members: { message: 'ErrorMessage' },
    error: { httpStatusCode: 400 },
    exception: true,
  };
}
for (const [shapeName, members] of Object.entries(extra.addedMembersOnExistingShapes)) {
  for (const [m, t] of Object.entries(members)) shapes[shapeName].members[m] = refOf(shapeName, m, t);
}

const operations = {};
for (const [name, op] of Object.entries(model.operations)) {
  operations[name] = {
    input: op.input?.shape ?? null,
    output: op.output?.shape ?? null,
    errors: (op.errors ?? []).map((e) => e.shape),
    type: op.staticContextParams?.OperationType?.value ?? 'control',
  };
}
for (const [name, op] of Object.entries(extra.newOperations)) {
  operations[name] = {
    input: op.input,
    output: op.output === 'unit' ? null : op.output,
    errors: extra.newOperationErrors[name] ?? [],
    type: 'control',
  };
}

const out = {
  apiVersion: model.metadata.apiVersion,
  targetPrefix: model.metadata.targetPrefix,
  operations,
  shapes,
};
writeFileSync(new URL('../src/kinesis/model.json', import.meta.url), `${JSON.stringify(out, null, 1)}\n`);
console.log(`${Object.keys(operations).length} operations, ${Object.keys(shapes).length} shapes`);
