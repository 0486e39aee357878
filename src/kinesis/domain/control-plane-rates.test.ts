import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kinesisOperations } from '../operations/index.js';
import { ControlPlaneRates } from './control-plane-rates.js';

describe('control-plane rates', () => {
  it('allows one second of burst, then refills at the documented rate', () => {
    const rates = new ControlPlaneRates();
    const t = 1_000_000;
    for (let i = 0; i < 5; i++) assert.ok(rates.tryCall('CreateStream', 5, 'a', 'r', t));
    assert.equal(rates.tryCall('CreateStream', 5, 'a', 'r', t), false);
    assert.equal(rates.tryCall('CreateStream', 5, 'a', 'r', t + 100), false);
    assert.ok(rates.tryCall('CreateStream', 5, 'a', 'r', t + 200));
  });

  it('keeps accounts, regions and operations apart', () => {
    const rates = new ControlPlaneRates();
    assert.ok(rates.tryCall('DescribeLimits', 1, 'a', 'r', 0));
    assert.equal(rates.tryCall('DescribeLimits', 1, 'a', 'r', 0), false);
    assert.ok(rates.tryCall('DescribeLimits', 1, 'b', 'r', 0));
    assert.ok(rates.tryCall('DescribeLimits', 1, 'a', 'r2', 0));
    assert.ok(rates.tryCall('CreateStream', 5, 'a', 'r', 0));
  });

  it("takes each rate from the operation table (AWS's documented figures)", () => {
    assert.equal(kinesisOperations.CreateStream?.rateTps, 5);
    assert.equal(kinesisOperations.DescribeLimits?.rateTps, 1);
    assert.equal(kinesisOperations.ListShards?.rateTps, 1000);
    assert.equal(
      kinesisOperations.PutRecords?.rateTps,
      undefined,
      'the data plane has no control-plane rate',
    );
  });
});
