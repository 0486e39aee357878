// A fast path for the hot JSON inputs (PutRecords, PutRecord): reads the body bytes directly into
// typed, validated input — no whole-body string, no JSON.parse tree, no generic model walk — and
// decodes each base64 Data straight from the bytes.
//
// It accepts only a plain subset of JSON: objects of known members, strings without escapes or
// control characters, base64 blobs, true/false, and lists of such objects. On anything else
// (escapes, null, numbers, unknown or repeated keys, invalid UTF-8, any constraint failure) it
// returns undefined and the caller takes the generic path (decodeBody → readStructure →
// assertValid), which then produces the exact AWS error. When it does return an input, that input
// equals what the generic path produces for the same body (fast-json-input.test.ts checks both
// paths against each other on generated valid and invalid bodies).
import { isUtf8 } from 'node:buffer';
import { base64TextOk } from '../../aws/model/deserialize.js';
import { lengthWithin, stringSatisfies } from '../../aws/model/validate.js';
import { type Shape, shapeOf } from '../model.js';

type Kind = 'string' | 'blob' | 'boolean' | 'list';

interface MemberPlan {
  readonly name: string;
  /** The name as the wire key's bytes. */
  readonly key: Buffer;
  readonly bit: number;
  readonly kind: Kind;
  readonly shape: Shape;
  /** For lists: the plan of their structure items. */
  readonly item: StructPlan | undefined;
}

interface StructPlan {
  /** In model order, which is the generic reader's output order. */
  readonly members: readonly MemberPlan[];
  readonly requiredMask: number;
}

/** Structures with more members than this never take the fast path (one bit per member). */
const MEMBERS_MAX = 30;
const plans = new Map<string, StructPlan | null>();

/** The plan of a structure whose members the fast path can read; null when it cannot. */
function planOf(shapeName: string, depth: number): StructPlan | null {
  const cached = plans.get(shapeName);
  if (cached !== undefined) return cached;
  const plan = buildPlan(shapeName, depth);
  plans.set(shapeName, plan);
  return plan;
}

function buildPlan(shapeName: string, depth: number): StructPlan | null {
  const shape = shapeOf(shapeName);
  const entries = Object.entries(shape.members ?? {});
  if (shape.type !== 'structure' || entries.length > MEMBERS_MAX) return null;
  const members: MemberPlan[] = [];
  for (const [name, memberShapeName] of entries) {
    const m = memberPlan(name, members.length, memberShapeName, depth);
    if (m === null) return null;
    members.push(m);
  }
  const required = new Set(shape.required ?? []);
  let requiredMask = 0;
  for (const m of members) if (required.has(m.name)) requiredMask |= 1 << m.bit;
  return { members, requiredMask };
}

function memberPlan(name: string, bit: number, shapeName: string, depth: number): MemberPlan | null {
  const shape = shapeOf(shapeName);
  switch (shape.type) {
    case 'string':
    case 'blob':
    case 'boolean':
      return { name, key: Buffer.from(name, 'latin1'), bit, kind: shape.type, shape, item: undefined };
    case 'list': {
      // Lists of structures, one level deep (PutRecords' entries).
      if (depth > 0 || shape.member === undefined || shapeOf(shape.member).type !== 'structure') return null;
      const item = planOf(shape.member, depth + 1);
      return item === null
        ? null
        : { name, key: Buffer.from(name, 'latin1'), bit, kind: 'list', shape, item };
    }
    default:
      // Numbers, timestamps, maps: the fast path gives up (they are not in the hot inputs).
      return null;
  }
}

/** Thrown inside the scanner to abandon the fast path; never escapes this module. */
const GIVE_UP: unique symbol = Symbol('give up');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const EQUALS = 0x3d;
const TRUE = Buffer.from('true', 'latin1');

// Buffer's own slicers skip toString()'s argument handling (two calls per record); Node has had
// them forever, but they are undocumented, so fall back to toString() if one ever goes.
type Slicer = (this: Buffer, start: number, end: number) => string;
const proto = Buffer.prototype as unknown as Record<string, unknown>;
const latin1Slice: Slicer =
  typeof proto.latin1Slice === 'function'
    ? (proto.latin1Slice as Slicer)
    : function (this: Buffer, start, end) {
        return this.toString('latin1', start, end);
      };
type Base64Writer = (this: Buffer, text: string, offset: number, length: number) => number;
const base64Write: Base64Writer =
  typeof proto.base64Write === 'function'
    ? (proto.base64Write as Base64Writer)
    : function (this: Buffer, text, offset, length) {
        return this.write(text, offset, length, 'base64');
      };
const FALSE = Buffer.from('false', 'latin1');

class Scanner {
  pos = 0;
  readonly buf: Buffer;
  /**
   * Where blobs are decoded: one buffer for the whole body (a fresh buffer per record costs more
   * than the copy), handed out as views. Sized for the worst case: every byte of the body base64.
   */
  #blobs: Buffer | undefined;
  #blobsUsed = 0;

  constructor(buf: Buffer) {
    this.buf = buf;
  }

  /** Skips JSON whitespace (space, tab, LF, CR) and returns the next byte (-1 at the end). */
  peek(): number {
    const buf = this.buf;
    let p = this.pos;
    for (; p < buf.length; p++) {
      const c = buf[p]!;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
        this.pos = p;
        return c;
      }
    }
    this.pos = p;
    return -1;
  }

  expect(byte: number): void {
    if (this.peek() !== byte) throw GIVE_UP;
    this.pos++;
  }

  /** The raw bytes of a string with no escape, as [start, end); pos moves past the closing quote. */
  rawString(): number {
    this.expect(QUOTE);
    const end = this.buf.indexOf(QUOTE, this.pos);
    if (end < 0) throw GIVE_UP;
    return end;
  }

  /**
   * A string value: no escapes, no control characters, valid UTF-8. Found by a byte loop rather
   * than indexOf: these strings are short, and the loop checks each byte on the way.
   */
  string(): string {
    this.expect(QUOTE);
    const buf = this.buf;
    const start = this.pos;
    let ascii = true;
    let end = start;
    for (; ; end++) {
      const c = buf[end];
      if (c === QUOTE) break;
      if (c === undefined || c < 0x20 || c === BACKSLASH) throw GIVE_UP;
      if (c >= 0x80) ascii = false;
    }
    this.pos = end + 1;
    if (ascii) return latin1Slice.call(buf, start, end);
    if (!isUtf8(buf.subarray(start, end))) throw GIVE_UP;
    return buf.toString('utf8', start, end);
  }

  /**
   * A base64 blob, decoded into a buffer of exactly the expected size (Node's decoder stops early
   * or skips on anything outside the alphabet, so a short count means "not base64"). Any byte
   * outside the alphabet (escape, control character, non-ASCII) makes base64TextOk refuse the
   * text, so an accepted text is exactly what JSON.parse would have read.
   */
  blob(): Buffer {
    const end = this.rawString();
    const buf = this.buf;
    const start = this.pos;
    const n = end - start;
    if (n % 4 !== 0) throw GIVE_UP;
    const text = latin1Slice.call(buf, start, end);
    this.pos = end + 1;
    const pad = n > 0 && buf[end - 1] === EQUALS ? (buf[end - 2] === EQUALS ? 2 : 1) : 0;
    const expected = (n / 4) * 3 - pad;
    this.#blobs ??= Buffer.allocUnsafe(Math.floor((buf.length / 4) * 3));
    const at = this.#blobsUsed;
    const written = expected === 0 ? 0 : base64Write.call(this.#blobs, text, at, expected);
    if (!base64TextOk(text, written)) throw GIVE_UP;
    this.#blobsUsed = at + expected;
    return this.#blobs.subarray(at, at + expected);
  }

  boolean(): boolean {
    const c = this.peek();
    const word = c === 0x74 ? TRUE : c === 0x66 ? FALSE : undefined;
    if (word === undefined || this.buf.compare(word, 0, word.length, this.pos, this.pos + word.length) !== 0)
      throw GIVE_UP;
    this.pos += word.length;
    return word === TRUE;
  }

  structure(plan: StructPlan): Record<string, unknown> {
    this.expect(OPEN_BRACE);
    const values: unknown[] = new Array(plan.members.length);
    let seen = 0;
    if (this.peek() === CLOSE_BRACE) this.pos++;
    else
      for (;;) {
        const m = this.key(plan);
        // Unknown (or escaped) keys and repeated keys are the generic path's business.
        if (m === undefined || (seen & (1 << m.bit)) !== 0) throw GIVE_UP;
        seen |= 1 << m.bit;
        this.expect(COLON);
        values[m.bit] = this.value(m);
        const c = this.peek();
        this.pos++;
        if (c === CLOSE_BRACE) break;
        if (c !== COMMA) throw GIVE_UP;
      }
    if ((seen & plan.requiredMask) !== plan.requiredMask) throw GIVE_UP;
    // Built in model order, as readStructure builds it.
    const out: Record<string, unknown> = {};
    for (const m of plan.members) if ((seen & (1 << m.bit)) !== 0) out[m.name] = values[m.bit];
    return out;
  }

  /** The member named by the next key (its bytes compared with the plan's); unknown or escaped keys give up. */
  key(plan: StructPlan): MemberPlan {
    this.expect(QUOTE);
    const buf = this.buf;
    const start = this.pos;
    let end = start;
    while (end < buf.length && buf[end] !== QUOTE) end++;
    const length = end - start;
    const members = plan.members;
    for (let i = 0; i < members.length; i++) {
      const key = members[i]!.key;
      if (key.length !== length) continue;
      let k = 0;
      while (k < length && buf[start + k] === key[k]) k++;
      if (k === length) {
        this.pos = end + 1;
        return members[i]!;
      }
    }
    throw GIVE_UP;
  }

  value(m: MemberPlan): unknown {
    switch (m.kind) {
      case 'string': {
        const s = this.string();
        if (!stringSatisfies(s, m.shape)) throw GIVE_UP;
        return s;
      }
      case 'blob': {
        const b = this.blob();
        if (!lengthWithin(b.length, m.shape)) throw GIVE_UP;
        return b;
      }
      case 'boolean':
        return this.boolean();
      case 'list':
        return this.list(m);
    }
  }

  list(m: MemberPlan): unknown[] {
    const item = m.item as StructPlan;
    const max = m.shape.max ?? Number.MAX_SAFE_INTEGER;
    this.expect(OPEN_BRACKET);
    const out: unknown[] = [];
    if (this.peek() === CLOSE_BRACKET) this.pos++;
    else
      for (;;) {
        if (out.length >= max) throw GIVE_UP;
        out.push(this.structure(item));
        const c = this.peek();
        this.pos++;
        if (c === CLOSE_BRACKET) break;
        if (c !== COMMA) throw GIVE_UP;
      }
    if (!lengthWithin(out.length, m.shape)) throw GIVE_UP;
    return out;
  }
}

/**
 * The typed, validated input of `shapeName` read straight from a JSON body, or undefined when the
 * body is not in the plain form this path handles (then use the generic path, which also makes
 * every error).
 */
export function readJsonInputFast(body: Buffer, shapeName: string): Record<string, unknown> | undefined {
  const plan = planOf(shapeName, 0);
  if (plan === null) return undefined;
  const scanner = new Scanner(body);
  try {
    const input = scanner.structure(plan);
    return scanner.peek() === -1 ? input : undefined;
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    throw err;
  }
}
