import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FaultConfigError,
  type FaultEngine,
  FaultInjector,
  type FaultService,
  mulberry32,
  parseFaults,
  statusOfError,
} from './faults.js';

/** A made-up service: rules are generic, services only say what their inputs name. */
const svc: FaultService = {
  operations: ['Get', 'Put', 'PutMany', 'List'],
  recordOperations: ['PutMany'],
  resourceOf: (input) =>
    typeof input.Name === 'string'
      ? { name: input.Name }
      : typeof input.Arn === 'string'
        ? { name: input.Arn.split('/')[1], account: input.Arn.split(':')[4], region: input.Arn.split(':')[3] }
        : undefined,
  errorMessage: (error, call) => (error === 'SlowDown' ? `slow down on ${call.resource}` : undefined),
};
const services = { demo: svc };
const defaults = { account: '111111111111', region: 'eu-west-1' };

function engineOf(doc: unknown): FaultEngine {
  const injector = new FaultInjector(services, defaults);
  injector.set(injector.parse(doc));
  assert.ok(injector.active);
  return injector.active;
}

const call = (engine: FaultEngine, operation: string, input: Record<string, unknown> = {}, region?: string) =>
  engine.decide(engine.callOf('demo', operation, input, region));

/** The error type a call is answered with, if any. */
const errorOf = (d: ReturnType<FaultEngine['decide']>): string | undefined =>
  typeof d?.end === 'object' ? d.end.error : undefined;

function parseError(doc: unknown): string {
  try {
    parseFaults(doc, services);
  } catch (err) {
    assert.ok(err instanceof FaultConfigError, String(err));
    assert.ok(!err.message.includes('\n'), 'one line');
    return err.message;
  }
  assert.fail('expected a FaultConfigError');
}

describe('fault rules: parsing', () => {
  it('reads a section with defaults (service, operations *, rate 1, seed 0)', () => {
    const config = parseFaults({ rules: [{ service: 'demo', action: 'drop' }] }, services);
    assert.deepEqual(config, {
      seed: 0,
      rules: [{ service: 'demo', operations: ['*'], action: 'drop', rate: 1 }],
    });
    assert.deepEqual(parseFaults(null, services), { seed: 0, rules: [] });
    // A bare list is a list of rules; a single name stands for a list of one.
    const bare = parseFaults(
      [{ service: 'demo', operations: 'Get', streams: 'a', action: 'latency', latencyMs: 5 }],
      services,
    );
    assert.deepEqual(bare.rules[0]?.operations, ['Get']);
    assert.deepEqual(bare.rules[0]?.streams, ['a']);
    const numeric = parseFaults({ rules: [{ service: 'demo', streams: [123], action: 'drop' }] }, services);
    assert.deepEqual(numeric.rules[0]?.streams, ['123']);
  });

  it('defaults the service to kinesis', () => {
    assert.match(parseError({ rules: [{ action: 'drop' }] }), /unknown service "kinesis"/);
  });

  it('rejects bad rules with one line naming the rule and the key', () => {
    const cases: [unknown, RegExp][] = [
      ['x', /faults: expected a mapping/],
      [{ seed: -1 }, /"seed" must be an integer/],
      [{ rules: {} }, /"rules" must be a list/],
      [{ extra: 1 }, /unknown key "extra"/],
      [{ rules: [{ service: 'demo', action: 'explode' }] }, /rules\[0\]: "action" must be one of/],
      [{ rules: [{ service: 'demo', action: 'drop', rate: 2 }] }, /"rate" must be a number from 0 to 1/],
      [{ rules: [{ service: 'demo', action: 'drop', count: 0 }] }, /"count" must be a positive integer/],
      [{ rules: [{ service: 'demo', action: 'drop', operations: ['Nope'] }] }, /unknown operation "Nope"/],
      [{ rules: [{ service: 'demo', action: 'drop', operations: [] }] }, /"operations" must be a name/],
      [{ rules: [{ service: 'demo', action: 'drop', bogus: 1 }] }, /unknown key "bogus"/],
      [{ rules: [{ service: 'demo', action: 'error' }] }, /action error needs "error"/],
      [{ rules: [{ service: 'demo', action: 'error', error: 'X', status: 200 }] }, /"status" must be/],
      [{ rules: [{ service: 'demo', action: 'latency' }] }, /action latency needs "latencyMs"/],
      [
        { rules: [{ service: 'demo', action: 'error', error: 'InternalFailure', status: 503 }] },
        /InternalFailure is answered like AWS's: 500 with no message/,
      ],
      [
        { rules: [{ service: 'demo', action: 'drop', latencyMs: 5 }] },
        /"latencyMs" applies only to action latency/,
      ],
      [
        { rules: [{ service: 'demo', action: 'throttle-records' }] },
        /throttle-records applies only to PutMany/,
      ],
      [
        { rules: [{ service: 'demo', action: 'throttle-records', operations: ['Get'] }] },
        /throttle-records applies only to PutMany of demo, not "Get"/,
      ],
      [{ rules: [{}, { service: 'demo', action: 'drop', streams: [1] }] }, /rules\[0\]: unknown service/],
    ];
    for (const [doc, re] of cases) assert.match(parseError(doc), re);
  });

  it('gives errors their default status', () => {
    assert.equal(statusOfError('InternalFailure'), 500);
    assert.equal(statusOfError('ServiceUnavailableException'), 503);
    assert.equal(statusOfError('ProvisionedThroughputExceededException'), 400);
  });
});

describe('fault rules: matching', () => {
  it('matches service, operations, resource names and globs, account and region', () => {
    const e = engineOf({
      rules: [
        { service: 'demo', operations: ['Get'], streams: ['orders', 'logs-*'], action: 'error', error: 'A' },
        { service: 'demo', operations: ['List'], account: '222222222222', action: 'error', error: 'B' },
        { service: 'demo', operations: ['Put'], region: 'us-west-2', action: 'error', error: 'C' },
      ],
    });
    assert.equal(errorOf(call(e, 'Get', { Name: 'orders' })), 'A');
    assert.equal(errorOf(call(e, 'Get', { Name: 'logs-eu' })), 'A');
    assert.equal(call(e, 'Get', { Name: 'other' }), undefined);
    assert.equal(call(e, 'Get', {}), undefined, 'a rule with streams needs a named resource');
    assert.equal(call(e, 'Put', { Name: 'orders' }), undefined);
    // Account and region: from the ARN, else the request's region, else the defaults.
    assert.equal(call(e, 'List', {}), undefined);
    assert.equal(errorOf(call(e, 'List', { Arn: 'arn:aws:demo:eu-west-1:222222222222:thing/x' })), 'B');
    assert.equal(call(e, 'Put', {}), undefined);
    assert.equal(errorOf(call(e, 'Put', {}, 'us-west-2')), 'C');
  });

  it('adds the delays of latency rules, and the first error or drop rule that hits ends the call', () => {
    const e = engineOf({
      rules: [
        { service: 'demo', action: 'latency', latencyMs: 10 },
        { service: 'demo', action: 'latency', latencyMs: 20, jitterMs: 5 },
        { service: 'demo', operations: ['Get'], action: 'drop', count: 1 },
        { service: 'demo', operations: ['Get'], action: 'error', error: 'SlowDown' },
        { service: 'demo', operations: ['Get'], action: 'error', error: 'Never' },
      ],
    });
    const first = call(e, 'Get', { Name: 'x' });
    assert.equal(first?.end, 'drop');
    assert.ok(first.delayMs >= 30 && first.delayMs < 35, String(first.delayMs));
    assert.deepEqual(call(e, 'Get', { Name: 'x' })?.end, {
      error: 'SlowDown',
      message: 'slow down on x',
      status: 400,
    });
    assert.equal(call(e, 'List')?.end, undefined);
    const state = e.state();
    assert.deepEqual(
      state.rules.map((r) => [r.matched, r.fired]),
      [
        [3, 3],
        [3, 3],
        [1, 1], // spent after one hit: skipped since
        [1, 1],
        [0, 0], // never consulted: the error before it ended the call
      ],
    );
  });

  it('answers InternalFailure bare and other errors with a message', () => {
    const e = engineOf({
      rules: [
        { service: 'demo', operations: ['Get'], action: 'error', error: 'InternalFailure' },
        { service: 'demo', operations: ['Put'], action: 'error', error: 'Other', message: 'm', status: 418 },
        { service: 'demo', operations: ['List'], action: 'error', error: 'Other' },
      ],
    });
    assert.deepEqual(call(e, 'Get')?.end, { error: 'InternalFailure', message: undefined, status: 500 });
    assert.deepEqual(call(e, 'Put')?.end, { error: 'Other', message: 'm', status: 418 });
    const end = call(e, 'List')?.end;
    assert.match(typeof end === 'object' ? String(end.message) : '', /Injected by a Shardline fault rule/);
  });
});

describe('fault rules: seeded decisions', () => {
  const doc = (seed: number) => ({
    seed,
    rules: [
      { service: 'demo', operations: ['Get'], action: 'error', error: 'E', rate: 0.5 },
      { service: 'demo', operations: ['PutMany'], action: 'throttle-records', rate: 0.3 },
    ],
  });
  const run = (seed: number) => {
    const e = engineOf(doc(seed));
    const calls = Array.from({ length: 64 }, () => (call(e, 'Get') === undefined ? 0 : 1));
    const records = [e.recordFaults('demo', 'PutMany', {}, undefined, 200)];
    return { calls, records: records.map((r) => Array.from(r ?? [])) };
  };

  it('the same seed and calls give the same decisions; another seed others', () => {
    assert.deepEqual(run(42), run(42));
    assert.notDeepEqual(run(42), run(43));
  });

  it('hits about `rate` of the matches', () => {
    const { calls, records } = run(7);
    const hits = calls.reduce<number>((a, b) => a + b, 0);
    assert.ok(hits > 16 && hits < 48, String(hits));
    const throttled = records[0]!.reduce<number>((a, b) => a + b, 0);
    assert.ok(throttled > 30 && throttled < 90, String(throttled));
  });

  it('rules draw independently: a rule added for other calls does not move another rule’s decisions', () => {
    const alone = engineOf({
      seed: 1,
      rules: [{ service: 'demo', operations: ['Get'], action: 'drop', rate: 0.5 }],
    });
    const withOther = engineOf({
      seed: 1,
      rules: [
        { service: 'demo', operations: ['Get'], action: 'drop', rate: 0.5 },
        { service: 'demo', operations: ['List'], action: 'drop', rate: 0.5 },
      ],
    });
    const seq = (e: FaultEngine) =>
      Array.from({ length: 40 }, (_, i) => {
        if (i % 3 === 0) call(e, 'List');
        return call(e, 'Get')?.end ?? '-';
      });
    assert.deepEqual(seq(alone), seq(withOther));
  });

  it('rate 0 never hits, rate 1 always; count limits the hits (records too)', () => {
    const e = engineOf({
      rules: [
        { service: 'demo', operations: ['Get'], action: 'drop', rate: 0 },
        { service: 'demo', operations: ['List'], action: 'drop', count: 2 },
        { service: 'demo', operations: ['PutMany'], action: 'throttle-records', count: 3 },
      ],
    });
    for (let i = 0; i < 20; i++) assert.equal(call(e, 'Get'), undefined);
    assert.deepEqual(
      [call(e, 'List')?.end, call(e, 'List')?.end, call(e, 'List')],
      ['drop', 'drop', undefined],
    );
    assert.deepEqual(Array.from(e.recordFaults('demo', 'PutMany', {}, undefined, 5) ?? []), [1, 1, 1, 0, 0]);
    assert.equal(e.recordFaults('demo', 'PutMany', {}, undefined, 5), undefined);
  });

  it('mulberry32 is a pure function of its seed, in [0, 1)', () => {
    const a = mulberry32(5);
    const b = mulberry32(5);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      assert.equal(x, b());
      assert.ok(x >= 0 && x < 1);
    }
  });

  it('an injector with no rules has no active engine; set replaces and restarts counters', () => {
    const injector = new FaultInjector(services, defaults);
    assert.equal(injector.active, undefined);
    injector.set(injector.parse({ rules: [{ service: 'demo', action: 'drop' }] }));
    const engine = injector.active as FaultEngine | undefined;
    engine?.decide(engine.callOf('demo', 'Get', {}));
    assert.equal(injector.state().rules[0]?.fired, 1);
    injector.set(injector.parse({ rules: [{ service: 'demo', action: 'drop' }] }));
    assert.equal(injector.state().rules[0]?.fired, 0);
    injector.set(injector.parse({ rules: [] }));
    assert.equal(injector.active, undefined);
    injector.set(injector.parse({ rules: [{ service: 'demo', action: 'drop' }] }));
    injector.clear();
    assert.deepEqual(injector.state(), { seed: 0, rules: [] });
  });
});
