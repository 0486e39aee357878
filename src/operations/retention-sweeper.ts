// Background retention: deletes whole log segments whose records are all past the stream's
// retention period. Reads already hide expired records at once (GetRecords passes the cutoff as
// minTimestampMs); this only reclaims disk, so it can run rarely and in bounded steps.
import { logIdOf } from '../domain/stream-model.js';
import { limits } from '../limits.js';
import { LogNotFoundError } from '../storage/engine.js';
import type { Services } from './context.js';
import { retentionCutoffMs } from './record-path.js';

export interface SweeperOptions {
  readonly intervalMs?: number;
  readonly logsPerRunMax?: number;
  readonly onError?: (err: unknown) => void;
}

export interface RetentionSweeper {
  /** Runs one bounded sweep now; resolves to the number of records dropped. */
  sweepOnce(): Promise<number>;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/** Where the running sweeper is kept in services.state (tests reach it there). */
export const STATE_RETENTION_SWEEPER = 'record-path/retention-sweeper';

export function startRetentionSweeper(services: Services, opts: SweeperOptions = {}): RetentionSweeper {
  const intervalMs = opts.intervalMs ?? limits.retentionSweepIntervalMs;
  const perRun = opts.logsPerRunMax ?? limits.retentionSweepLogsPerRunMax;
  let cursor = 0;
  let running: Promise<number> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const sweep = async (): Promise<number> => {
    const now = Date.now();
    const logs: { logId: string; cutoffMs: number }[] = [];
    for (const meta of await services.streams.all(now)) {
      const cutoffMs = retentionCutoffMs(services, meta, now);
      for (const shard of meta.shards) logs.push({ logId: logIdOf(meta, shard.index), cutoffMs });
    }
    if (cursor >= logs.length) cursor = 0;
    const batch = logs.slice(cursor, cursor + perRun);
    cursor += batch.length;
    let dropped = 0;
    for (const { logId, cutoffMs } of batch) {
      if (stopped) break;
      try {
        dropped += await services.engine.logs.trimBefore(logId, cutoffMs);
      } catch (err) {
        // A stream deleted between listing and trimming is not an error.
        if (!(err instanceof LogNotFoundError)) opts.onError?.(err);
      }
    }
    return dropped;
  };

  const sweepOnce = (): Promise<number> => {
    running ??= sweep().finally(() => {
      running = undefined;
    });
    return running;
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      sweepOnce()
        .catch((err: unknown) => opts.onError?.(err))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();

  const sweeper: RetentionSweeper = {
    sweepOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
  services.state.set(STATE_RETENTION_SWEEPER, sweeper);
  return sweeper;
}
