import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ControlPlaneRates } from './control-plane-rates.js';

describe('control-plane rates', () => {
  it('allows one second of burst, then refills at the documented rate', () => {
    const rates = new ControlPlaneRates();
    const t = 1_000_000;
    for (let i = 0; i < 5; i++) assert.ok(rates.tryCall('CreateStream', 'a', 'r', t));
    assert.equal(rates.tryCall('CreateStream', 'a', 'r', t), false);
    assert.equal(rates.tryCall('CreateStream', 'a', 'r', t + 100), false);
    assert.ok(rates.tryCall('CreateStream', 'a', 'r', t + 200));
  });

  it('keeps accounts, regions and operations apart', () => {
    const rates = new ControlPlaneRates();
    assert.ok(rates.tryCall('DescribeLimits', 'a', 'r', 0));
    assert.equal(rates.tryCall('DescribeLimits', 'a', 'r', 0), false);
    assert.ok(rates.tryCall('DescribeLimits', 'b', 'r', 0));
    assert.ok(rates.tryCall('DescribeLimits', 'a', 'r2', 0));
    assert.ok(rates.tryCall('CreateStream', 'a', 'r', 0));
  });

  it('never limits operations without a documented control-plane rate', () => {
    const rates = new ControlPlaneRates();
    for (let i = 0; i < 100; i++) assert.ok(rates.tryCall('PutRecords', 'a', 'r', 0));
  });
});
