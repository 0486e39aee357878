#!/usr/bin/env node
import('../dist/src/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  console.error(`shardline: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
