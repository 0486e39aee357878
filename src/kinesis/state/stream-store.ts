// Streams in the metadata store: lookup by name or ARN, lazy status transitions (so a restart in
// the middle of CREATING/DELETING still completes), and compare-and-set updates.

import { RevisionConflictError, type StorageEngine } from '../../storage/engine.js';
import { storageLimits } from '../../storage/limits.js';
import { metaEntries } from '../../storage/meta-pages.js';
import { openShardCount } from '../domain/limits-math.js';
import { commitPlan, type ReshardPlan } from '../domain/resharding.js';
import {
  isOpen,
  logIdOf,
  parseStreamArn,
  type StreamMeta,
  StreamStatus,
  streamArn,
} from '../domain/stream-model.js';
import {
  InvalidArgumentException,
  ResourceInUseException,
  streamNotFound,
  ValidationException,
} from '../errors.js';
import type { OpContext, StreamRef } from './services.js';
import { ShardRuntimes } from './shard-runtime.js';

const CAS_ATTEMPTS_MAX = 16;

interface Cached {
  readonly meta: StreamMeta;
  readonly revision: number;
}

export const streamKey = (account: string, region: string, name: string): string =>
  `stream/${account}/${region}/${name}`;

export class StreamStore {
  readonly #engine: StorageEngine;
  /** Write gates and throughput buckets of this process's shards. */
  readonly runtimes = new ShardRuntimes();
  /** Reshard completions in progress in this process, by stream key (one at a time per stream). */
  readonly #completing = new Map<string, Promise<unknown>>();

  constructor(engine: StorageEngine) {
    this.#engine = engine;
  }

  async #load(key: string, nowMs: number): Promise<Cached | undefined> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS_MAX; attempt++) {
      const entry = await this.#engine.meta.get(key);
      if (!entry) return undefined;
      const meta = JSON.parse(entry.value) as StreamMeta;
      if (meta.status === StreamStatus.ACTIVE || nowMs < meta.statusUntilMs)
        return { meta, revision: entry.revision };
      if (meta.status === StreamStatus.UPDATING && (meta as PendingMeta).reshard !== undefined) {
        const done = await this.#completeReshard(key, entry.revision, meta as PendingMeta, nowMs);
        if (done !== undefined) return done;
        continue;
      }
      try {
        if (meta.status === StreamStatus.DELETING) {
          await this.#engine.meta.delete(key, entry.revision);
          await this.#dropLogs(meta);
          return undefined;
        }
        const next = settle(meta);
        const revision = await this.#engine.meta.put(key, JSON.stringify(next), entry.revision);
        return { meta: next, revision };
      } catch (err) {
        if (!(err instanceof RevisionConflictError)) throw err;
      }
    }
    throw new Error(`stream ${key} kept changing`);
  }

  /**
   * Commits a pending resharding once the stream's UPDATING period is over: the parents' gates
   * close and drain, the parents' logs are sealed and their final end offsets become
   * closedEndOffset, the children's logs are created, and the stream entry is written with
   * compare-and-set (see shard-runtime.ts). Resolves to undefined when the entry changed meanwhile
   * (the caller re-reads and commits again: sealing is idempotent, so the offsets stay the same).
   */
  async #completeReshard(
    key: string,
    revision: number,
    meta: PendingMeta,
    nowMs: number,
  ): Promise<Cached | undefined> {
    const running = this.#completing.get(key);
    if (running !== undefined) {
      await running.catch(() => undefined);
      return undefined;
    }
    const plan = meta.reshard as ReshardPlan;
    const logs = this.#engine.logs;
    const work = this.runtimes.closeWhile(
      plan.closes.map((i) => logIdOf(meta, i)),
      async (): Promise<{ committed: boolean; value: Cached | undefined }> => {
        // The seal decides the race with appends from any process: none commits past this end.
        // A pending plan is never withdrawn (only the stream's deletion ends it), so sealing before
        // the metadata commit is safe: a retry seals again and gets the same offsets.
        const ends = new Map<number, number>();
        const endTimes = new Map<number, number>();
        for (const i of plan.closes) {
          const logId = logIdOf(meta, i);
          const end = await logs.seal(logId);
          ends.set(i, end);
          // The last record's arrival time: the closed shard's EndingSequenceNumber carries it.
          if (end > 0) {
            const { lastTimestampMs } = await logs.read(logId, end, { maxRecords: 1, maxBytes: 1 });
            if (lastTimestampMs !== undefined) endTimes.set(i, lastTimestampMs);
          }
        }
        for (const s of plan.created) {
          await logs.create(logIdOf(meta, s.index));
          // Intermediate shards of an UpdateShardCount are created closed: their logs never take a record.
          if (!isOpen(s)) await logs.seal(logIdOf(meta, s.index));
        }
        const { reshard: _done, ...rest } = meta;
        const next = settle({
          ...rest,
          shards: commitPlan(meta.shards, plan, ends, nowMs, endTimes),
          nextShardIndex: plan.nextShardIndex,
        });
        try {
          const rev = await this.#engine.meta.put(key, JSON.stringify(next), revision);
          return { committed: true, value: { meta: next, revision: rev } };
        } catch (err) {
          if (!(err instanceof RevisionConflictError)) throw err;
          // Another process may have committed the same close, or changed the entry otherwise (the
          // caller re-reads and commits again). Either way the parents' logs are sealed, so their
          // gates stay SEALED: this process's writers re-read the stream and re-route instead of
          // meeting LogSealedError.
          return { committed: true, value: undefined };
        }
      },
    );
    this.#completing.set(key, work);
    try {
      return await work;
    } finally {
      this.#completing.delete(key);
    }
  }

  /**
   * Records a resharding plan: the stream goes UPDATING for `delayMs` and the plan commits when
   * that ends (at once when `delayMs` is 0). `makePlan` sees the ACTIVE stream and may throw.
   */
  async reshard(
    input: StreamRef,
    ctx: OpContext,
    makePlan: (meta: StreamMeta) => ReshardPlan,
    delayMs: number,
    extra: (meta: StreamMeta) => Partial<StreamMeta> = () => ({}),
  ): Promise<void> {
    const address = this.address(input, ctx);
    await this.update(address, ctx.nowMs, (meta) => {
      // Argument errors come before the state error, as Kinesis answers them.
      const reshard = makePlan(meta);
      assertActive(meta);
      const next: PendingMeta = {
        ...meta,
        ...extra(meta),
        status: StreamStatus.UPDATING,
        statusUntilMs: ctx.nowMs + Math.max(0, delayMs),
        reshard,
      };
      return next;
    });
    if (delayMs <= 0) await this.#load(streamKey(address.account, address.region, address.name), ctx.nowMs);
  }

  async #dropLogs(meta: StreamMeta): Promise<void> {
    this.runtimes.forget(meta.shards.map((s) => logIdOf(meta, s.index)));
    for (const shard of meta.shards) await this.#engine.logs.drop(logIdOf(meta, shard.index));
    // Side records keyed by the stream's uid (resource policy) go with the stream.
    await this.#engine.meta.delete(policyKeyOfStream(meta.uid)).catch(() => undefined);
  }

  /** Resolves StreamName / StreamARN to an address, applying the "both or either" rules. */
  address(input: StreamRef, ctx: OpContext): { account: string; region: string; name: string } {
    const name = input.StreamName;
    const arn = input.StreamARN;
    if (arn !== undefined) {
      const parsed = parseStreamArn(arn);
      if (!parsed) throw new InvalidArgumentException(`Invalid StreamARN ${arn}.`);
      if (name !== undefined && name !== parsed.name)
        throw new InvalidArgumentException(
          `StreamARN ${arn} and StreamName ${name} refer to different streams.`,
        );
      return parsed;
    }
    if (name === undefined) throw new ValidationException('Either StreamName or StreamARN must be provided.');
    return { account: ctx.account, region: ctx.region, name };
  }

  async find(input: StreamRef, ctx: OpContext): Promise<StreamMeta | undefined> {
    const a = this.address(input, ctx);
    return (await this.#load(streamKey(a.account, a.region, a.name), ctx.nowMs))?.meta;
  }

  /** The stream, or ResourceNotFoundException with AWS's wording. */
  async get(input: StreamRef, ctx: OpContext): Promise<StreamMeta> {
    const a = this.address(input, ctx);
    const found = await this.#load(streamKey(a.account, a.region, a.name), ctx.nowMs);
    if (!found) throw streamNotFound(a.name, a.account);
    return found.meta;
  }

  /** The stream, which must be ACTIVE (for mutating control operations). */
  async getActive(input: StreamRef, ctx: OpContext): Promise<StreamMeta> {
    const meta = await this.get(input, ctx);
    assertActive(meta);
    return meta;
  }

  async create(meta: StreamMeta): Promise<void> {
    const key = streamKey(meta.account, meta.region, meta.name);
    try {
      await this.#engine.meta.put(key, JSON.stringify(meta), null);
    } catch (err) {
      if (err instanceof RevisionConflictError)
        throw new ResourceInUseException(`Stream ${meta.name} under account ${meta.account} already exists.`);
      throw err;
    }
  }

  /**
   * Applies `mutate` with compare-and-set, retrying on conflict. `mutate` sees the current
   * stream (after lazy transitions) and may throw a KinesisError to refuse the change.
   */
  async update(
    address: { account: string; region: string; name: string },
    nowMs: number,
    mutate: (meta: StreamMeta) => StreamMeta,
  ): Promise<StreamMeta> {
    const key = streamKey(address.account, address.region, address.name);
    for (let attempt = 0; attempt < CAS_ATTEMPTS_MAX; attempt++) {
      const current = await this.#load(key, nowMs);
      if (!current) throw streamNotFound(address.name, address.account);
      const next = mutate(current.meta);
      try {
        await this.#engine.meta.put(key, JSON.stringify(next), current.revision);
        return next;
      } catch (err) {
        if (!(err instanceof RevisionConflictError)) throw err;
      }
    }
    throw new ResourceInUseException(
      `Stream ${address.name} under account ${address.account} is being modified.`,
    );
  }

  /**
   * The control-plane mutation pattern: the stream must be ACTIVE; `mutate` returns the new
   * metadata; with `updatingMs` > 0 the stream goes UPDATING for that long (changes listed in
   * `pending` are applied when it returns to ACTIVE).
   */
  async updateActive(
    input: StreamRef,
    ctx: OpContext,
    mutate: (meta: StreamMeta) => StreamMeta,
    updatingMs = 0,
  ): Promise<StreamMeta> {
    const address = this.address(input, ctx);
    return this.update(address, ctx.nowMs, (meta) => {
      assertActive(meta);
      const next = mutate(meta);
      if (updatingMs <= 0) return settle(next);
      return { ...next, status: StreamStatus.UPDATING, statusUntilMs: ctx.nowMs + updatingMs };
    });
  }

  /**
   * One page of an account's streams in a region, in name order (lazy transitions applied): names
   * strictly after `after`, at most `limit` (at most metaListPageEntriesMax - 1), and whether more
   * follow. Reads a page of metadata at a time, never every stream.
   */
  async page(
    account: string,
    region: string,
    nowMs: number,
    after: string | undefined,
    limit: number,
  ): Promise<{ streams: StreamMeta[]; more: boolean }> {
    const prefix = streamPrefix(account, region);
    const streams: StreamMeta[] = [];
    // One stream more than asked tells whether more follow; entries whose deletion completes on
    // the way do not count, so the page may take more than one read.
    const pageSize = Math.min(limit + 1, storageLimits.metaListPageEntriesMax);
    const from = after === undefined ? undefined : prefix + after;
    for await (const meta of this.#each(prefix, nowMs, from, pageSize)) {
      if (streams.length === limit) return { streams, more: true };
      streams.push(meta);
    }
    return { streams, more: false };
  }

  /** Every stream of an account in a region, in name order, read one page of metadata at a time. */
  each(account: string, region: string, nowMs: number): AsyncGenerator<StreamMeta, void, undefined> {
    return this.#each(streamPrefix(account, region), nowMs);
  }

  /** Every stream in every account and region, read one page of metadata at a time (background sweeps). */
  everyStream(nowMs: number): AsyncGenerator<StreamMeta, void, undefined> {
    return this.#each('stream/', nowMs);
  }

  async *#each(
    prefix: string,
    nowMs: number,
    after?: string,
    pageSize?: number,
  ): AsyncGenerator<StreamMeta, void, undefined> {
    const options = {
      ...(after === undefined ? {} : { after }),
      ...(pageSize === undefined ? {} : { limit: pageSize }),
    };
    for await (const e of metaEntries(this.#engine.meta, prefix, options)) {
      const loaded = await this.#load(e.key, nowMs);
      if (loaded) yield loaded.meta;
    }
  }

  /**
   * What the account limits count, over an account's streams in a region: open shards, on-demand
   * streams and streams in CREATING. Reads a page of metadata at a time (docs/storage.md).
   */
  async accountCounts(account: string, region: string, nowMs: number): Promise<AccountCounts> {
    let openShards = 0;
    let onDemandStreams = 0;
    let creatingStreams = 0;
    for await (const meta of this.each(account, region, nowMs)) {
      openShards += openShardCount([meta]);
      if (meta.mode === 'ON_DEMAND') onDemandStreams++;
      if (meta.status === StreamStatus.CREATING) creatingStreams++;
    }
    return { openShards, onDemandStreams, creatingStreams };
  }

  /** Every stream in every account and region, in one array: for tests and tools, not the server. */
  async all(nowMs: number): Promise<StreamMeta[]> {
    const out: StreamMeta[] = [];
    for await (const meta of this.everyStream(nowMs)) out.push(meta);
    return out;
  }
}

export interface AccountCounts {
  readonly openShards: number;
  readonly onDemandStreams: number;
  readonly creatingStreams: number;
}

const streamPrefix = (account: string, region: string): string => `stream/${account}/${region}/`;

/** Stream metadata plus changes that take effect when a transitional status ends. */
export type PendingMeta = StreamMeta & {
  readonly pending?: Partial<StreamMeta>;
  /** Set on a stream deleted while CREATING: its shards never become visible. */
  readonly shardsHidden?: boolean;
  /** A resharding that commits when UPDATING ends (StreamStore.#completeReshard). */
  readonly reshard?: ReshardPlan;
};

/** The stream as it is once its transitional status is over. */
function settle(meta: PendingMeta): StreamMeta {
  const { pending, ...rest } = meta;
  return { ...rest, ...(pending ?? {}), status: StreamStatus.ACTIVE };
}

export function assertActive(meta: StreamMeta): void {
  if (meta.status !== StreamStatus.ACTIVE)
    throw new ResourceInUseException(
      `Stream ${meta.name} under account ${meta.account} not ACTIVE, instead in state ${meta.status}`,
    );
}

/** Resource policies live beside the stream, keyed by its uid so a re-created stream starts clean. */
export const policyKeyOfStream = (uid: string): string => `policy/stream/${uid}`;

export const arnOf = (meta: StreamMeta): string => streamArn(meta.region, meta.account, meta.name);
