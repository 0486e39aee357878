#!/usr/bin/env node
// Writes docs/operations.md from the built operation table (run `npm run build` first).
import { writeFileSync } from 'node:fs';

const { renderOperationsDoc } = await import('../dist/src/kinesis/operations-doc.js');
writeFileSync(new URL('../docs/operations.md', import.meta.url), renderOperationsDoc());
