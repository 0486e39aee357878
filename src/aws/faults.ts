// Fault injection for users' own tests: rules (from the bootstrap file's `faults:` section, the
// admin endpoint or `shardline faults set`) that make chosen operations on chosen resources answer
// an error, wait, lose their connection, or (for operations that ask per record, e.g. Kinesis's
// PutRecords) fail single records. Decisions come from one seeded PRNG per rule, so the same seed
// and the same sequence of calls give the same decisions. Nothing here knows a service: each one
// registers the operations rules may name and how to find the resource an input names
// (FaultService). The front end applies whole-call actions right before an operation runs;
// services apply per-record actions themselves. See docs/faults.md.
import http2 from 'node:http2';
import { AwsError, INTERNAL_FAILURE_TYPE } from './errors.js';
import type { Req } from './operation.js';

export const FAULT_ACTIONS = ['throttle-records', 'error', 'latency', 'drop'] as const;
export type FaultAction = (typeof FAULT_ACTIONS)[number];

export interface FaultRule {
  readonly service: string;
  /** Operation names, or `*` for every operation. */
  readonly operations: readonly string[];
  /** Resource (stream) names or `*` globs; absent: any resource, and calls that name none. */
  readonly streams?: readonly string[];
  readonly account?: string;
  readonly region?: string;
  readonly action: FaultAction;
  /** Chance (0..1) that a matching call (or record, for throttle-records) is hit. */
  readonly rate: number;
  /** At most this many hits, then the rule is spent. */
  readonly count?: number;
  /** `error`: the wire error type, its message and HTTP status. */
  readonly error?: string;
  readonly message?: string;
  readonly status?: number;
  /** `latency`: added delay, plus a uniform draw in [0, jitterMs). */
  readonly latencyMs?: number;
  readonly jitterMs?: number;
  /** Overrides the PRNG seed derived from the section's seed and the rule's position. */
  readonly seed?: number;
}

export interface FaultsConfig {
  readonly seed: number;
  readonly rules: readonly FaultRule[];
}

/** What an input names: the resource a rule's `streams` is matched against, and where it lives. */
export interface FaultResource {
  readonly name?: string;
  readonly account?: string;
  readonly region?: string;
}

/** One call as rules see it. */
export interface FaultCall {
  readonly service: string;
  readonly operation: string;
  readonly resource: string | undefined;
  readonly account: string;
  readonly region: string;
}

/** A service's part: what rules may name, and how to read an input. */
export interface FaultService {
  readonly operations: readonly string[];
  /** Operations whose handlers ask for per-record decisions (the only ones throttle-records may name). */
  readonly recordOperations: readonly string[];
  resourceOf(input: Readonly<Record<string, unknown>>): FaultResource | undefined;
  /** Runs before rules naming the service take effect (e.g. loads a key resourceOf needs). */
  prepare?(): Promise<void>;
  /** The message of an injected error whose rule gives none (undefined: the generic one). */
  errorMessage?(error: string, call: FaultCall): string | undefined;
}

/** An injected error answer. `InternalFailure` is answered like any unexpected failure. */
export interface InjectedError {
  readonly error: string;
  readonly message: string | undefined;
  readonly status: number;
}

/** What the rules decided for one call. */
export interface CallDecision {
  readonly delayMs: number;
  readonly end?: InjectedError | 'drop';
}

/** Rejected fault rules: one line, naming the rule and the key. */
export class FaultConfigError extends Error {
  override readonly name = 'FaultConfigError';
}

export const INTERNAL_FAILURE = INTERNAL_FAILURE_TYPE;

/** The wire error an injected whole-call error answers (InternalFailure: 500, no message). */
export function faultError(fault: InjectedError): AwsError {
  return new AwsError(fault.error, fault.message, {
    fault: fault.status >= 500 ? 'server' : 'client',
    status: fault.status,
    messageKey: 'message',
  });
}
const GENERIC_MESSAGE = 'Injected by a Shardline fault rule.';
export const FAULT_RULES_MAX = 1000;
const LATENCY_MS_MAX = 600_000;
const RULE_KEYS = new Set([
  'service',
  'operations',
  'streams',
  'account',
  'region',
  'action',
  'rate',
  'count',
  'error',
  'message',
  'status',
  'latencyMs',
  'jitterMs',
  'seed',
]);
const ERROR_NAME_RE = /^[A-Za-z][A-Za-z0-9_.#]{0,127}$/;

// ---- parsing ----

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const isUint32 = (v: unknown): v is number =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;

function stringList(v: unknown, where: string, key: string): string[] {
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0 || list.some((s) => typeof s !== 'string' || s === ''))
    throw new FaultConfigError(`${where}: "${key}" must be a name or a non-empty list of names`);
  return list as string[];
}

/**
 * Reads a `faults` section ({ seed?, rules: [...] }; a bare list of rules is accepted too) and
 * checks every rule against the registered services. Throws FaultConfigError.
 */
export function parseFaults(
  doc: unknown,
  services: Readonly<Record<string, FaultService>>,
  where = 'faults',
): FaultsConfig {
  if (doc === null || doc === undefined) return { seed: 0, rules: [] };
  const section = Array.isArray(doc) ? { rules: doc } : doc;
  if (!isRecord(section)) throw new FaultConfigError(`${where}: expected a mapping with a "rules" list`);
  for (const key of Object.keys(section))
    if (key !== 'seed' && key !== 'rules')
      throw new FaultConfigError(`${where}: unknown key "${key}" (expected "seed" or "rules")`);
  const seed = section.seed ?? 0;
  if (!isUint32(seed)) throw new FaultConfigError(`${where}: "seed" must be an integer from 0 to 4294967295`);
  const list = section.rules ?? [];
  if (!Array.isArray(list)) throw new FaultConfigError(`${where}: "rules" must be a list`);
  if (list.length > FAULT_RULES_MAX)
    throw new FaultConfigError(`${where}: more than ${FAULT_RULES_MAX} rules`);
  return { seed, rules: list.map((item, i) => parseRule(item, services, `${where}: rules[${i}]`)) };
}

function parseRule(
  item: unknown,
  services: Readonly<Record<string, FaultService>>,
  where: string,
): FaultRule {
  if (!isRecord(item)) throw new FaultConfigError(`${where}: expected a mapping`);
  for (const key of Object.keys(item))
    if (!RULE_KEYS.has(key))
      throw new FaultConfigError(
        `${where}: unknown key "${key}" (expected one of ${[...RULE_KEYS].join(', ')})`,
      );
  const service = item.service ?? 'kinesis';
  if (typeof service !== 'string' || !Object.hasOwn(services, service))
    throw new FaultConfigError(
      `${where}: unknown service "${String(service)}" (expected ${Object.keys(services).join(', ')})`,
    );
  const svc = services[service] as FaultService;
  const action = item.action;
  if (typeof action !== 'string' || !(FAULT_ACTIONS as readonly string[]).includes(action))
    throw new FaultConfigError(`${where}: "action" must be one of ${FAULT_ACTIONS.join(', ')}`);
  const operations = item.operations === undefined ? ['*'] : stringList(item.operations, where, 'operations');
  for (const op of operations)
    if (op !== '*' && !svc.operations.includes(op))
      throw new FaultConfigError(`${where}: unknown operation "${op}" for service ${service}`);
  if (action === 'throttle-records') {
    const bad = operations.find((op) => op === '*' || !svc.recordOperations.includes(op));
    if (bad !== undefined || item.operations === undefined)
      throw new FaultConfigError(
        `${where}: throttle-records applies only to ${svc.recordOperations.join(', ') || 'no operation'} of ${service}, not "${bad ?? '*'}"`,
      );
  }
  const rule: {
    -readonly [K in keyof FaultRule]: FaultRule[K];
  } = { service, operations, action: action as FaultAction, rate: 1 };
  if (item.streams !== undefined) {
    // YAML reads a stream named 123 as a number.
    const names = Array.isArray(item.streams) ? item.streams : [item.streams];
    rule.streams = stringList(
      names.map((n) => (typeof n === 'number' && Number.isFinite(n) ? String(n) : n)),
      where,
      'streams',
    );
  }
  for (const key of ['account', 'region'] as const) {
    const v = item[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v === '')
      throw new FaultConfigError(`${where}: "${key}" must be a non-empty string`);
    rule[key] = v;
  }
  if (item.rate !== undefined) {
    const rate = item.rate;
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))
      throw new FaultConfigError(`${where}: "rate" must be a number from 0 to 1`);
    rule.rate = rate;
  }
  if (item.count !== undefined) {
    if (!Number.isInteger(item.count) || (item.count as number) < 1)
      throw new FaultConfigError(`${where}: "count" must be a positive integer`);
    rule.count = item.count as number;
  }
  if (item.seed !== undefined) {
    if (!isUint32(item.seed))
      throw new FaultConfigError(`${where}: "seed" must be an integer from 0 to 4294967295`);
    rule.seed = item.seed;
  }
  const onlyFor = (key: string, ...actions: FaultAction[]): void => {
    if (item[key] !== undefined && !actions.includes(action as FaultAction))
      throw new FaultConfigError(`${where}: "${key}" applies only to action ${actions.join(' or ')}`);
  };
  onlyFor('error', 'error');
  onlyFor('status', 'error');
  onlyFor('message', 'error');
  onlyFor('latencyMs', 'latency');
  onlyFor('jitterMs', 'latency');
  if (action === 'error') {
    if (typeof item.error !== 'string' || !ERROR_NAME_RE.test(item.error))
      throw new FaultConfigError(
        `${where}: action error needs "error", the error type to answer (e.g. ProvisionedThroughputExceededException)`,
      );
    rule.error = item.error;
    if (item.error === INTERNAL_FAILURE && (item.status !== undefined || item.message !== undefined))
      throw new FaultConfigError(
        `${where}: InternalFailure is answered like AWS's: 500 with no message ("status" and "message" do not apply)`,
      );
    if (item.status !== undefined) {
      if (!Number.isInteger(item.status) || (item.status as number) < 400 || (item.status as number) > 599)
        throw new FaultConfigError(`${where}: "status" must be an HTTP error status (400-599)`);
      rule.status = item.status as number;
    }
  }
  if (item.message !== undefined) {
    if (typeof item.message !== 'string') throw new FaultConfigError(`${where}: "message" must be a string`);
    rule.message = item.message;
  }
  if (action === 'latency') {
    const ms = item.latencyMs;
    if (!Number.isInteger(ms) || (ms as number) < 0 || (ms as number) > LATENCY_MS_MAX)
      throw new FaultConfigError(
        `${where}: action latency needs "latencyMs", an integer from 0 to ${LATENCY_MS_MAX}`,
      );
    rule.latencyMs = ms as number;
    if (item.jitterMs !== undefined) {
      const j = item.jitterMs;
      if (!Number.isInteger(j) || (j as number) < 0 || (j as number) > LATENCY_MS_MAX)
        throw new FaultConfigError(`${where}: "jitterMs" must be an integer from 0 to ${LATENCY_MS_MAX}`);
      rule.jitterMs = j as number;
    }
  }
  return rule;
}

/** The default HTTP status of an injected error type. */
export function statusOfError(error: string): number {
  if (error === INTERNAL_FAILURE || error.startsWith('InternalFailure')) return 500;
  if (error.startsWith('ServiceUnavailable')) return 503;
  return 400;
}

// ---- decisions ----

/** mulberry32: a 32-bit state, uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A rule's own seed: the section's seed mixed with the rule's position (so rules draw independently). */
export const ruleSeed = (seed: number, index: number): number =>
  (Math.imul(seed ^ 0x85ebca6b, 0x9e3779b1) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0;

function globOf(pattern: string): (name: string) => boolean {
  if (!pattern.includes('*')) return (name) => name === pattern;
  const re = new RegExp(`^${pattern.split('*').map(escapeRe).join('.*')}$`);
  return (name) => re.test(name);
}

const escapeRe = (s: string): string => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

class LiveRule {
  matched = 0;
  fired = 0;
  private readonly random: () => number;
  private readonly allOperations: boolean;
  private readonly streamMatchers: ((name: string) => boolean)[] | undefined;

  constructor(
    readonly rule: FaultRule,
    seed: number,
  ) {
    this.random = mulberry32(seed);
    this.allOperations = rule.operations.includes('*');
    this.streamMatchers = rule.streams?.map(globOf);
  }

  get spent(): boolean {
    return this.rule.count !== undefined && this.fired >= this.rule.count;
  }

  matches(call: FaultCall): boolean {
    const r = this.rule;
    if (r.service !== call.service) return false;
    if (!this.allOperations && !r.operations.includes(call.operation)) return false;
    if (r.account !== undefined && r.account !== call.account) return false;
    if (r.region !== undefined && r.region !== call.region) return false;
    if (this.streamMatchers === undefined) return true;
    const name = call.resource;
    return name !== undefined && this.streamMatchers.some((m) => m(name));
  }

  /** One draw: whether this match is hit (counts the match and the hit). */
  draw(): boolean {
    this.matched++;
    if (this.random() >= this.rule.rate) return false;
    this.fired++;
    return true;
  }

  /** The latency of one hit, jitter included. */
  delayMs(): number {
    const jitter = this.rule.jitterMs ?? 0;
    return (this.rule.latencyMs ?? 0) + (jitter > 0 ? Math.floor(this.random() * jitter) : 0);
  }
}

export interface FaultRuleState extends FaultRule {
  readonly matched: number;
  readonly fired: number;
}

export interface FaultsState {
  readonly seed: number;
  readonly rules: readonly FaultRuleState[];
}

/** The rules in force and their PRNGs and counters. Made by FaultInjector.set. */
export class FaultEngine {
  private readonly live: LiveRule[];

  constructor(
    readonly config: FaultsConfig,
    private readonly services: Readonly<Record<string, FaultService>>,
    private readonly defaults: { readonly account: string; readonly region: string },
  ) {
    this.live = config.rules.map((r, i) => new LiveRule(r, r.seed ?? ruleSeed(config.seed, i)));
  }

  /** The call as rules see it: resource, account and region from the input, else the defaults. */
  callOf(service: string, operation: string, input: object, region?: string): FaultCall {
    const res = this.services[service]?.resourceOf(input as Readonly<Record<string, unknown>>); // any object reads as a record of unknowns
    return {
      service,
      operation,
      resource: res?.name,
      account: res?.account ?? this.defaults.account,
      region: res?.region ?? region ?? this.defaults.region,
    };
  }

  /**
   * The whole-call decision, rules in order: every latency rule that hits adds its delay; the first
   * error or drop rule that hits ends the call (later ones are not consulted). Records rules are
   * left to the operation (recordFaults).
   */
  decide(call: FaultCall): CallDecision | undefined {
    let delayMs = 0;
    for (const lr of this.live) {
      const action = lr.rule.action;
      if (action === 'throttle-records' || lr.spent || !lr.matches(call) || !lr.draw()) continue;
      if (action === 'latency') delayMs += lr.delayMs();
      else if (action === 'drop') return { delayMs, end: 'drop' };
      else return { delayMs, end: this.errorOf(lr.rule, call) };
    }
    return delayMs > 0 ? { delayMs } : undefined;
  }

  private errorOf(rule: FaultRule, call: FaultCall): InjectedError {
    const error = rule.error ?? INTERNAL_FAILURE;
    const message =
      rule.message ??
      (error === INTERNAL_FAILURE
        ? undefined
        : (this.services[call.service]?.errorMessage?.(error, call) ?? GENERIC_MESSAGE));
    return { error, message, status: rule.status ?? statusOfError(error) };
  }

  /**
   * Applies the whole-call decision: waits, then drops the request's stream (HTTP/2) or
   * connection (HTTP/1.1) and answers 'dropped', or answers the error the front end must send.
   */
  async beforeCall(
    service: string,
    operation: string,
    input: object,
    region: string | undefined,
    req: Req,
  ): Promise<InjectedError | 'dropped' | undefined> {
    const decision = this.decide(this.callOf(service, operation, input, region));
    if (decision === undefined) return undefined;
    if (decision.delayMs > 0) await new Promise((r) => setTimeout(r, decision.delayMs));
    if (decision.end === 'drop') {
      dropRequest(req);
      return 'dropped';
    }
    return decision.end;
  }

  /**
   * Per-record decisions for `n` records of one call: which ones fail with a throttling error
   * (1 in the array), or undefined when no throttle-records rule hits any. Each record is one draw
   * of every matching rule that is not spent, in rule order, until one hits.
   */
  recordFaults(
    service: string,
    operation: string,
    input: object,
    region: string | undefined,
    n: number,
  ): Uint8Array | undefined {
    const rules: LiveRule[] = [];
    let call: FaultCall | undefined;
    for (const lr of this.live) {
      if (lr.rule.action !== 'throttle-records' || lr.spent) continue;
      call ??= this.callOf(service, operation, input, region);
      if (lr.matches(call)) rules.push(lr);
    }
    if (rules.length === 0) return undefined;
    const hits = new Uint8Array(n);
    let any = false;
    for (let i = 0; i < n; i++)
      for (const lr of rules) {
        if (lr.spent || !lr.draw()) continue;
        hits[i] = 1;
        any = true;
        break;
      }
    return any ? hits : undefined;
  }

  state(): FaultsState {
    return {
      seed: this.config.seed,
      rules: this.live.map((lr) => ({ ...lr.rule, matched: lr.matched, fired: lr.fired })),
    };
  }
}

/**
 * The process's fault rules. `active` is undefined while there are none: the request path checks
 * only that.
 */
export class FaultInjector {
  active: FaultEngine | undefined;

  constructor(
    readonly services: Readonly<Record<string, FaultService>>,
    private readonly defaults: { readonly account: string; readonly region: string },
  ) {}

  parse(doc: unknown, where?: string): FaultsConfig {
    return parseFaults(doc, this.services, where);
  }

  /** Replaces the rules (counters and PRNGs start over), once their services are prepared. */
  async load(config: FaultsConfig): Promise<void> {
    for (const name of new Set(config.rules.map((r) => r.service))) await this.services[name]?.prepare?.();
    this.set(config);
  }

  /** Replaces the rules at once (counters and PRNGs start over); see load. */
  set(config: FaultsConfig): void {
    this.active =
      config.rules.length === 0 ? undefined : new FaultEngine(config, this.services, this.defaults);
  }

  clear(): void {
    this.active = undefined;
  }

  state(): FaultsState {
    return this.active?.state() ?? { seed: 0, rules: [] };
  }
}

/** Ends a request with no answer: RST_STREAM(REFUSED_STREAM) on HTTP/2, the socket on HTTP/1.1. */
export function dropRequest(req: Req): void {
  if ('stream' in req) req.stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
  else req.socket.destroy();
}
