// Schema-level constraint checks with the AWS front end's exact ValidationException wording:
// "N validation error(s) detected: Value <v> at '<path>' failed to satisfy constraint: <rule>; ..."
import { ValidationException } from '../errors.js';
import { type ServiceModel, type Shape, shapeIn } from './shapes.js';

/** AWS lists at most this many constraint failures in one message. */
const VALIDATION_ERRORS_MAX = 10;

const patternCache = new Map<string, RegExp>();
function patternOf(source: string): RegExp {
  let re = patternCache.get(source);
  if (!re) {
    re = new RegExp(`^(?:${source})$`, 'u');
    patternCache.set(source, re);
  }
  return re;
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * The front end's member order, where AWS's answers pin it (kinesalite's tests, recorded against
 * AWS, assert these orders verbatim). Members not listed follow in model order.
 */
const MEMBER_ORDER: Readonly<Record<string, readonly string[]>> = {
  ListTagsForStreamInput: ['Limit', 'ExclusiveStartTagKey', 'StreamName'],
  SplitShardInput: ['NewStartingHashKey', 'StreamName', 'ShardToSplit'],
  UpdateShardCountInput: ['ScalingType', 'StreamName', 'TargetShardCount'],
  ListShardsInput: ['MaxResults', 'ExclusiveStartShardId', 'StreamName', 'NextToken'],
  PutRecordInput: ['SequenceNumberForOrdering', 'PartitionKey', 'ExplicitHashKey', 'Data', 'StreamName'],
  PutRecordsRequestEntry: ['PartitionKey', 'ExplicitHashKey', 'Data'],
  GetRecordsInput: ['Limit', 'ShardIterator'],
};

/** Elsewhere the front end reports members in model order except StreamName, which comes last. */
function memberOrder(shapeName: string, shape: Shape): string[] {
  const names = Object.keys(shape.members ?? {});
  const pinned = MEMBER_ORDER[shapeName];
  if (pinned)
    return [...pinned.filter((n) => names.includes(n)), ...names.filter((n) => !pinned.includes(n))];
  const i = names.indexOf('StreamName');
  if (i >= 0) names.push(...names.splice(i, 1));
  return names;
}

function render(m: ServiceModel, value: unknown, shape: Shape): string {
  if (value === undefined || value === null) return 'null';
  let text: string;
  if (value instanceof Uint8Array)
    text = `java.nio.HeapByteBuffer[pos=0 lim=${value.length} cap=${value.length}]`;
  else if (Array.isArray(value)) {
    const memberName = shape.member ?? 'String';
    const structure = shapeIn(m, memberName).type === 'structure';
    text = `[${value.map((v) => (structure && isRecord(v) ? javaObjectString(m, v, memberName) : renderPlain(v))).join(', ')}]`;
  } else if (shape.type === 'map')
    text = `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}=${renderPlain(v)}`)
      .join(', ')}}`;
  else if (shape.type === 'timestamp') text = new Date(value as number).toString();
  else text = renderPlain(value);
  return `'${text}'`;
}

function renderPlain(value: unknown): string {
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array))
    return JSON.stringify(value);
  return String(value);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);

/**
 * A structure inside a list prints as the service's generated Java class does: Object#toString,
 * `<package>.<Shape>@<hex hashCode>`, e.g. `com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310`
 * (kinesalite's test/putRecords.js, recorded against AWS, for an entry with an empty PartitionKey and
 * Data). The hash is Arrays.hashCode over [hash of the class name, members in name order], which
 * reproduces that recorded value; see docs/protocol.md.
 */
function javaObjectString(m: ServiceModel, value: Record<string, unknown>, shapeName: string): string {
  const className = `${javaPackage(m)}.${shapeName}`;
  return `${className}@${(javaStructureHash(m, value, shapeName, className) >>> 0).toString(16)}`;
}

function javaPackage(m: ServiceModel): string {
  const service = (m.targetPrefix.split('_')[0] ?? m.targetPrefix).toLowerCase();
  return `com.amazonaws.${service}.v${m.apiVersion.replaceAll('-', '')}`;
}

/** java.lang.String#hashCode (UTF-16 code units). */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** java.util.Arrays#hashCode(Object[]) over already-hashed elements. */
function javaArrayHash(hashes: readonly number[]): number {
  let h = 1;
  for (const x of hashes) h = (Math.imul(h, 31) + x) | 0;
  return h;
}

function javaStructureHash(
  m: ServiceModel,
  value: Record<string, unknown>,
  shapeName: string,
  className = `${javaPackage(m)}.${shapeName}`,
): number {
  const members = shapeIn(m, shapeName).members ?? {};
  const names = Object.keys(members).sort();
  return javaArrayHash([
    javaArrayHash([javaStringHash(className)]),
    ...names.map((n) => javaHash(m, value[n], members[n] as string)),
  ]);
}

function javaHash(m: ServiceModel, value: unknown, shapeName: string): number {
  if (value === undefined || value === null) return 0;
  const shape = shapeIn(m, shapeName);
  if (value instanceof Uint8Array) {
    // java.nio.ByteBuffer#hashCode: signed bytes, from the last to the first.
    let h = 1;
    for (let i = value.length - 1; i >= 0; i--)
      h = (Math.imul(h, 31) + (((value[i] as number) << 24) >> 24)) | 0;
    return h;
  }
  if (typeof value === 'string') return javaStringHash(value);
  if (typeof value === 'boolean') return value ? 1231 : 1237;
  if (typeof value === 'number') {
    if (shape.type === 'integer') return value | 0;
    // Long#hashCode (and Date#hashCode for timestamps in ms): (int)(v ^ (v >>> 32)).
    const big = BigInt.asUintN(64, BigInt(Math.trunc(value)));
    return Number(BigInt.asIntN(32, big ^ (big >> 32n)));
  }
  if (Array.isArray(value)) return javaArrayHash(value.map((v) => javaHash(m, v, shape.member ?? 'String')));
  if (isRecord(value)) {
    if (shape.type === 'structure') return javaStructureHash(m, value, shapeName);
    let h = 0;
    for (const [k, v] of Object.entries(value))
      h = (h + (javaStringHash(k) ^ javaHash(m, v, shape.value ?? 'String'))) | 0;
    return h;
  }
  return 0;
}

function lengthOf(value: unknown): number {
  if (typeof value === 'string') return codePointLength(value);
  if (value instanceof Uint8Array || Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') return Object.keys(value).length;
  return 0;
}

function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

class Collector {
  readonly errors: string[] = [];
  constructor(private readonly model: ServiceModel) {}
  add(value: unknown, shape: Shape, path: string, rule: string): void {
    if (this.errors.length >= VALIDATION_ERRORS_MAX) return;
    this.errors.push(
      `Value ${render(this.model, value, shape)} at '${path}' failed to satisfy constraint: ${rule}`,
    );
  }
}

function checkValue(
  m: ServiceModel,
  value: unknown,
  shapeName: string,
  path: string,
  required: boolean,
  out: Collector,
): void {
  const shape = shapeIn(m, shapeName);
  if (value === undefined || value === null) {
    if (required) out.add(value, shape, path, 'Member must not be null');
    return;
  }
  switch (shape.type) {
    case 'integer':
    case 'long':
      if (shape.min !== undefined && (value as number) < shape.min)
        out.add(value, shape, path, `Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && (value as number) > shape.max)
        out.add(value, shape, path, `Member must have value less than or equal to ${shape.max}`);
      return;
    case 'string':
      if (shape.enum && !shape.enum.includes(value as string)) {
        out.add(value, shape, path, `Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
        return;
      }
      if (shape.pattern && !patternOf(shape.pattern).test(value as string))
        out.add(value, shape, path, `Member must satisfy regular expression pattern: ${shape.pattern}`);
      checkLength(value, shape, path, out);
      return;
    case 'blob':
      checkLength(value, shape, path, out);
      return;
    case 'list': {
      checkLength(value, shape, path, out);
      const items = value as unknown[];
      const memberName = shape.member ?? 'String';
      if (isScalar(m, memberName)) {
        // Scalar members are judged together: one error on the list naming all member rules.
        if (items.some((item) => item !== null && !satisfies(m, item, memberName)))
          out.add(value, shape, path, `Member must satisfy constraint: [${rulesOf(m, memberName)}]`);
        return;
      }
      items.forEach((item, i) => {
        checkValue(m, item, memberName, `${path}.${i + 1}.member`, false, out);
      });
      return;
    }
    case 'map': {
      checkLength(value, shape, path, out);
      const entries = Object.entries(value as Record<string, unknown>);
      const keyName = shape.key ?? 'String';
      const valueName = shape.value ?? 'String';
      if (entries.some(([k]) => !satisfies(m, k, keyName)))
        out.add(value, shape, path, `Map keys must satisfy constraint: [${rulesOf(m, keyName)}]`);
      if (entries.some(([, v]) => v !== null && !satisfies(m, v, valueName)))
        out.add(value, shape, path, `Map value must satisfy constraint: [${rulesOf(m, valueName)}]`);
      return;
    }
    case 'structure':
      checkStructure(m, value as Record<string, unknown>, shapeName, `${path}.`, out);
      return;
    default:
      return;
  }
}

const SCALAR_TYPES = new Set([
  'string',
  'integer',
  'long',
  'boolean',
  'blob',
  'timestamp',
  'double',
  'float',
]);
const isScalar = (m: ServiceModel, shapeName: string): boolean =>
  SCALAR_TYPES.has(shapeIn(m, shapeName).type);

/** Whether a scalar meets every constraint of its shape. */
function satisfies(m: ServiceModel, value: unknown, shapeName: string): boolean {
  const probe = new Collector(m);
  checkValue(m, value, shapeName, '', false, probe);
  return probe.errors.length === 0;
}

/** A scalar shape's rules as the front end lists them inside "must satisfy constraint: [...]". */
function rulesOf(m: ServiceModel, shapeName: string): string {
  const shape = shapeIn(m, shapeName);
  const rules: string[] = [];
  const numeric = shape.type === 'integer' || shape.type === 'long';
  const kind = numeric ? 'value' : 'length';
  if (shape.max !== undefined) rules.push(`Member must have ${kind} less than or equal to ${shape.max}`);
  if (shape.min !== undefined) rules.push(`Member must have ${kind} greater than or equal to ${shape.min}`);
  if (shape.pattern) rules.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
  if (shape.enum) rules.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
  return rules.join(', ');
}

function checkLength(value: unknown, shape: Shape, path: string, out: Collector): void {
  const length = lengthOf(value);
  if (shape.min !== undefined && length < shape.min)
    out.add(value, shape, path, `Member must have length greater than or equal to ${shape.min}`);
  if (shape.max !== undefined && length > shape.max)
    out.add(value, shape, path, `Member must have length less than or equal to ${shape.max}`);
}

interface MemberPlan {
  readonly name: string;
  readonly shapeName: string;
  readonly path: string;
  readonly required: boolean;
}

/** Per structure, its members in report order with their wire paths (computed once, hot path). */
const plans = new WeakMap<Shape, readonly MemberPlan[]>();
function planOf(m: ServiceModel, shapeName: string): readonly MemberPlan[] {
  const shape = shapeIn(m, shapeName);
  let plan = plans.get(shape);
  if (!plan) {
    const required = new Set(shape.required ?? []);
    plan = memberOrder(shapeName, shape).flatMap((name) => {
      const memberShape = shape.members?.[name];
      return memberShape
        ? [{ name, shapeName: memberShape, path: lowerFirst(name), required: required.has(name) }]
        : [];
    });
    plans.set(shape, plan);
  }
  return plan;
}

function checkStructure(
  m: ServiceModel,
  input: Record<string, unknown>,
  shapeName: string,
  prefix: string,
  out: Collector,
): void {
  for (const p of planOf(m, shapeName)) {
    const value = input[p.name];
    if ((value === undefined || value === null) && !p.required) continue;
    checkValue(m, value, p.shapeName, prefix + p.path, p.required, out);
  }
}

/** Returns the list of constraint failures (at most ten), in the front end's order. */
export function constraintErrors(
  m: ServiceModel,
  input: Record<string, unknown>,
  shapeName: string,
): string[] {
  const out = new Collector(m);
  checkStructure(m, input, shapeName, '', out);
  return out.errors;
}

export function validationMessage(errors: readonly string[]): string {
  const n = errors.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${errors.join('; ')}`;
}

export function assertValid(m: ServiceModel, input: Record<string, unknown>, shapeName: string): void {
  const errors = constraintErrors(m, input, shapeName);
  if (errors.length > 0) throw new ValidationException(validationMessage(errors));
}

/**
 * Whether a string meets every constraint of its shape (enum, pattern, length in code points),
 * i.e. checkValue would report nothing. Allocation-free, for the JSON fast path.
 */
export function stringSatisfies(value: string, shape: Shape): boolean {
  if (shape.enum && !shape.enum.includes(value)) return false;
  if (shape.pattern && !patternOf(shape.pattern).test(value)) return false;
  return lengthWithin(codePointLength(value), shape);
}

/** Whether a length (code points, bytes or items) is within the shape's min/max. */
export function lengthWithin(length: number, shape: Shape): boolean {
  return (shape.min === undefined || length >= shape.min) && (shape.max === undefined || length <= shape.max);
}
