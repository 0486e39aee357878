// Background retention: deletes whole log segments whose records are all past the stream's
// retention period. Reads already hide expired records at once (GetRecords passes the cutoff as
// minTimestampMs); this only reclaims disk, so it can run rarely and in bounded steps.

import { slotKey } from '../../core/slots.js';
import { LogNotFoundError } from '../../storage/engine.js';
import { isExpiredShard, logIdOf, type StreamMeta } from '../domain/stream-model.js';
import { KinesisError } from '../errors.js';
import { limits } from '../limits.js';
import type { Services } from '../state/services.js';
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

/** Where the running sweeper is kept in services.slots (tests reach it there). */
export const RETENTION_SWEEPER = slotKey<RetentionSweeper>('record-path/retention-sweeper');

/**
 * Marks the closed shards whose data all passed retention as expired (compare-and-set on the
 * stream), before their logs are dropped: from then on they stay gone, even if the retention
 * period is raised. Returns the stream as written, or undefined when it went away meanwhile.
 */
async function markExpired(
  services: Services,
  meta: StreamMeta,
  nowMs: number,
  cutoffMs: number,
): Promise<StreamMeta | undefined> {
  const address = { account: meta.account, region: meta.region, name: meta.name };
  try {
    const written = await services.streams.update(address, nowMs, (current) =>
      current.uid !== meta.uid
        ? current
        : {
            ...current,
            shards: current.shards.map((s) =>
              s.expired !== true && isExpiredShard(s, cutoffMs) ? { ...s, expired: true as const } : s,
            ),
          },
    );
    return written.uid === meta.uid ? written : undefined;
  } catch (err) {
    if (err instanceof KinesisError) return undefined;
    throw err;
  }
}

export function startRetentionSweeper(services: Services, opts: SweeperOptions = {}): RetentionSweeper {
  const intervalMs = opts.intervalMs ?? limits.retentionSweepIntervalMs;
  const perRun = opts.logsPerRunMax ?? limits.retentionSweepLogsPerRunMax;
  let cursor = 0;
  /**
   * Logs of expired shards this process has dropped: not visited again. (After a restart each is
   * dropped once more, a no-op, which also finishes a drop a crash interrupted after the mark.)
   */
  const droppedLogs = new Set<string>();
  let running: Promise<number> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const sweep = async (): Promise<number> => {
    const now = Date.now();
    const logs: { logId: string; cutoffMs: number }[] = [];
    const drops: string[] = [];
    const expiredLogs = new Set<string>();
    for await (let meta of services.streams.everyStream(now)) {
      const cutoffMs = retentionCutoffMs(services, meta, now);
      if (meta.shards.some((s) => s.expired !== true && isExpiredShard(s, cutoffMs)))
        meta = (await markExpired(services, meta, now, cutoffMs)) ?? meta;
      for (const shard of meta.shards) {
        const logId = logIdOf(meta, shard.index);
        if (shard.expired !== true) logs.push({ logId, cutoffMs });
        else {
          expiredLogs.add(logId);
          if (!droppedLogs.has(logId)) drops.push(logId);
        }
      }
    }
    // Forget the streams deleted since.
    for (const logId of droppedLogs) if (!expiredLogs.has(logId)) droppedLogs.delete(logId);
    for (const logId of drops.slice(0, perRun)) {
      if (stopped) break;
      try {
        await services.engine.logs.drop(logId);
        droppedLogs.add(logId);
      } catch (err) {
        opts.onError?.(err);
      }
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
  services.slots.set(RETENTION_SWEEPER, sweeper);
  return sweeper;
}
