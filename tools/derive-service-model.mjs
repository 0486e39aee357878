#!/usr/bin/env node
// Derives a compact service model for the REST-JSON and Query protocols (src/aws/protocols/) from an
// official botocore service-2.json. Unlike tools/derive-model.mjs (Kinesis, JSON-RPC) it keeps what
// those protocols bind by: operation `http` (method, requestUri, responseCode) and `resultWrapper`,
// member `location`/`locationName`, `payload`, `xmlNamespace`, `flattened`, `timestampFormat`,
// `jsonName`, `xmlName`, and error codes. Documentation is dropped. Run by hand when a model changes;
// the build and tests use only the derived files.
//   node tools/derive-service-model.mjs <service-2.json> <out.json> [--operations A,B,C]
// With --operations only those operations are kept, with every shape they reach (test fixtures).
import { readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opsAt = args.indexOf('--operations');
const only = opsAt >= 0 ? new Set(args.splice(opsAt, 2)[1].split(',').filter(Boolean)) : undefined;
const [inPath, outPath] = args;
if (!inPath || !outPath) {
  console.error('usage: derive-service-model.mjs <service-2.json> <out.json> [--operations A,B,C]');
  process.exit(2);
}
const model = JSON.parse(readFileSync(inPath, 'utf8'));
const meta = model.metadata;

/** Shape-level traits kept as they are. */
const SHAPE_KEEP = [
  'type',
  'required',
  'min',
  'max',
  'pattern',
  'enum',
  'payload',
  'flattened',
  'timestampFormat',
  'streaming',
  'sensitive',
  'exception',
  'fault',
  'event',
  'eventstream',
  'xmlNamespace',
];
/** Traits of a member reference (structure members, list members, map keys and values). */
const REF_KEEP = [
  'location',
  'locationName',
  'queryName',
  'jsonName',
  'xmlNamespace',
  'xmlAttribute',
  'flattened',
  'timestampFormat',
  'idempotencyToken',
  'eventpayload',
  'hostLabel',
];

function refOf(ref) {
  const out = { shape: ref.shape };
  for (const k of REF_KEEP) if (ref[k] !== undefined) out[k] = ref[k];
  return out;
}

function shapeOf(shape) {
  const out = {};
  for (const k of SHAPE_KEEP) if (shape[k] !== undefined) out[k] = shape[k];
  if (shape.error) {
    out.error = {};
    for (const k of ['code', 'httpStatusCode', 'senderFault'])
      if (shape.error[k] !== undefined) out.error[k] = shape.error[k];
  }
  if (shape.members) {
    out.members = {};
    for (const [m, ref] of Object.entries(shape.members)) out.members[m] = refOf(ref);
  }
  for (const k of ['member', 'key', 'value']) if (shape[k]) out[k] = refOf(shape[k]);
  return out;
}

function operationOf(op) {
  const http = { method: op.http.method, requestUri: op.http.requestUri };
  if (op.http.responseCode !== undefined) http.responseCode = op.http.responseCode;
  const out = { http, input: op.input?.shape ?? null, output: op.output?.shape ?? null };
  if (op.output?.resultWrapper) out.resultWrapper = op.output.resultWrapper;
  out.errors = (op.errors ?? []).map((e) => e.shape);
  if (op.endpoint?.hostPrefix) out.hostPrefix = op.endpoint.hostPrefix;
  return out;
}

const operations = {};
for (const [name, op] of Object.entries(model.operations)) {
  if (only && !only.has(name)) continue;
  operations[name] = operationOf(op);
}
if (only)
  for (const name of only) if (!operations[name]) throw new Error(`no operation ${name} in ${inPath}`);

// Every shape the kept operations reach (all of them without --operations).
const reached = new Set();
function reach(name) {
  if (reached.has(name)) return;
  const shape = model.shapes[name];
  if (!shape) throw new Error(`unknown shape ${name}`);
  reached.add(name);
  for (const ref of Object.values(shape.members ?? {})) reach(ref.shape);
  for (const k of ['member', 'key', 'value']) if (shape[k]) reach(shape[k].shape);
}
for (const op of Object.values(operations)) {
  if (op.input) reach(op.input);
  if (op.output) reach(op.output);
  for (const e of op.errors) reach(e);
}
const shapes = {};
for (const name of Object.keys(model.shapes).sort())
  if (!only || reached.has(name)) shapes[name] = shapeOf(model.shapes[name]);

const out = {
  protocol: meta.protocol,
  apiVersion: meta.apiVersion,
  serviceId: meta.serviceId,
  endpointPrefix: meta.endpointPrefix,
  signingName: meta.signingName ?? meta.endpointPrefix,
  ...(meta.xmlNamespace ? { xmlNamespace: meta.xmlNamespace } : {}),
  ...(meta.targetPrefix ? { targetPrefix: meta.targetPrefix } : {}),
  ...(meta.jsonVersion ? { jsonVersion: meta.jsonVersion } : {}),
  source: `botocore ${meta.uid ?? `${meta.endpointPrefix}-${meta.apiVersion}`}`,
  operations,
  shapes,
};
writeFileSync(outPath, `${JSON.stringify(out, null, 1)}\n`);
console.log(`${outPath}: ${Object.keys(operations).length} operations, ${Object.keys(shapes).length} shapes`);
