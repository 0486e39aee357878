// docs/operations.md is the operation table, rendered: it must not drift from the code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { renderOperationsDoc } from '../src/kinesis/operations-doc.js';

describe('docs/operations.md', () => {
  it('is what tools/gen-operations-doc.mjs renders from the operation table', () => {
    const file = fileURLToPath(new URL('../../docs/operations.md', import.meta.url));
    assert.equal(
      readFileSync(file, 'utf8'),
      renderOperationsDoc(),
      'stale: run node tools/gen-operations-doc.mjs',
    );
  });
});
