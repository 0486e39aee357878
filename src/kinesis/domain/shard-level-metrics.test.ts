import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_SHARD_LEVEL_METRICS, canonicalMetrics, expandMetrics } from './shard-level-metrics.js';

describe('shard-level metrics', () => {
  it('ALL expands to the seven metrics', () => {
    assert.equal(expandMetrics(['ALL']).length, 7);
    assert.deepEqual(expandMetrics(['IncomingBytes', 'ALL']), [...ALL_SHARD_LEVEL_METRICS]);
  });

  it('dedupes and keeps the canonical order', () => {
    assert.deepEqual(expandMetrics(['OutgoingBytes', 'OutgoingBytes']), ['OutgoingBytes']);
    assert.deepEqual(canonicalMetrics(['IteratorAgeMilliseconds', 'IncomingBytes']), [
      'IncomingBytes',
      'IteratorAgeMilliseconds',
    ]);
  });
});
