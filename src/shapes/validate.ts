// Schema-level constraint checks with the AWS front end's exact ValidationException wording:
// "N validation error(s) detected: Value <v> at '<path>' failed to satisfy constraint: <rule>; ..."
import { ValidationException } from '../errors.js';
import { type Shape, shapeOf } from './model.js';

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

/** The front end reports members in model order except StreamName, which comes last. */
function memberOrder(shape: Shape): string[] {
  const names = Object.keys(shape.members ?? {});
  const i = names.indexOf('StreamName');
  if (i >= 0) names.push(...names.splice(i, 1));
  return names;
}

function render(value: unknown, shape: Shape): string {
  if (value === undefined || value === null) return 'null';
  let text: string;
  if (value instanceof Uint8Array) text = `java.nio.HeapByteBuffer[pos=0 lim=${value.length} cap=${value.length}]`;
  else if (Array.isArray(value)) text = `[${value.map((v) => renderPlain(v)).join(', ')}]`;
  else if (shape.type === 'map')
    text = `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}=${renderPlain(v)}`)
      .join(', ')}}`;
  else if (shape.type === 'timestamp') text = new Date(value as number).toString();
  else text = renderPlain(value);
  return `'${text}'`;
}

function renderPlain(value: unknown): string {
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) return JSON.stringify(value);
  return String(value);
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
  add(value: unknown, shape: Shape, path: string, rule: string): void {
    if (this.errors.length >= VALIDATION_ERRORS_MAX) return;
    this.errors.push(`Value ${render(value, shape)} at '${path}' failed to satisfy constraint: ${rule}`);
  }
}

function checkValue(value: unknown, shapeName: string, path: string, required: boolean, out: Collector): void {
  const shape = shapeOf(shapeName);
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
    case 'list':
      checkLength(value, shape, path, out);
      (value as unknown[]).forEach((item, i) => {
        checkValue(item, shape.member ?? 'String', `${path}.${i + 1}.member`, false, out);
      });
      return;
    case 'map':
      checkLength(value, shape, path, out);
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        checkValue(k, shape.key ?? 'String', `${path}.${k}.key`, false, out);
        checkValue(v, shape.value ?? 'String', `${path}.${k}.member`, false, out);
      }
      return;
    case 'structure':
      checkStructure(value as Record<string, unknown>, shapeName, `${path}.`, out);
      return;
    default:
      return;
  }
}

function checkLength(value: unknown, shape: Shape, path: string, out: Collector): void {
  const length = lengthOf(value);
  if (shape.min !== undefined && length < shape.min)
    out.add(value, shape, path, `Member must have length greater than or equal to ${shape.min}`);
  if (shape.max !== undefined && length > shape.max)
    out.add(value, shape, path, `Member must have length less than or equal to ${shape.max}`);
}

function checkStructure(input: Record<string, unknown>, shapeName: string, prefix: string, out: Collector): void {
  const shape = shapeOf(shapeName);
  const required = new Set(shape.required ?? []);
  for (const name of memberOrder(shape)) {
    const memberShape = shape.members?.[name];
    if (!memberShape) continue;
    checkValue(input[name], memberShape, `${prefix}${lowerFirst(name)}`, required.has(name), out);
  }
}

/** Returns the list of constraint failures (at most ten), in the front end's order. */
export function constraintErrors(input: Record<string, unknown>, shapeName: string): string[] {
  const out = new Collector();
  checkStructure(input, shapeName, '', out);
  return out.errors;
}

export function validationMessage(errors: readonly string[]): string {
  const n = errors.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${errors.join('; ')}`;
}

export function assertValid(input: Record<string, unknown>, shapeName: string): void {
  const errors = constraintErrors(input, shapeName);
  if (errors.length > 0) throw new ValidationException(validationMessage(errors));
}
