#!/usr/bin/env node
// Entry point. Errors end in one line on stderr and exit code 1; SHARDLINE_DEBUG=1 shows the stack.
// Reads must not queue behind fsyncs of many shards in libuv's default pool of 4 threads.
process.env.UV_THREADPOOL_SIZE ??= '16';
import('../dist/src/cli/main.js')
  .then((m) => m.main(process.argv))
  .catch((err) => {
    if (process.env.SHARDLINE_DEBUG) console.error(err);
    else if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('/dist/'))
      console.error('shardline: not built yet: run `npm run build` (or `npm ci`)');
    else console.error(`shardline: ${String(err instanceof Error ? err.message : err).split('\n')[0]}`);
    process.exit(1);
  });
