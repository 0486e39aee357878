// Shared pieces of the record path (PutRecord(s), GetShardIterator, GetRecords): the stream view
// cache, hash-key routing without per-record BigInt work, shard id parsing, the iterator key and
// the retention clock.
//
// The metadata store stays the truth: every request re-reads the stream entry (one cheap KV get)
// and reuses the parsed view only while the entry's revision is unchanged, so a deleted or
// resharded stream is seen by the very next request.

import { randomBytes } from 'node:crypto';
import { slotKey } from '../../core/slots.js';
import { RevisionConflictError } from '../../storage/engine.js';
import { md5Words } from '../domain/md5.js';
import { ITERATOR_KEY_BYTES } from '../domain/shard-iterator.js';
import {
  isOpen,
  logIdOf,
  type ShardMeta,
  type StreamMeta,
  StreamStatus,
  shardIdOf,
  streamArn,
} from '../domain/stream-model.js';
import { InvalidArgumentException, type KinesisError, ResourceNotFoundException } from '../errors.js';
import { HASH_KEY_MAX, limits } from '../limits.js';
import type { OpContext, Services, StreamRef } from '../state/services.js';
import type { ShardRuntime, ShardRuntimes } from '../state/shard-runtime.js';
import { streamKey } from '../state/stream-store.js';

const ITERATOR_KEY_META_KEY = 'server/iterator-key';
const VIEWS = slotKey<Views>('record-path/views');
const ITERATOR_KEY = slotKey<Promise<Buffer>>('record-path/iterator-key');
/** AWS accepts shard indexes up to 2^31-1 in a ShardId. */
const SHARD_INDEX_MAX = 2_147_483_647;
const HOUR_MS = 3_600_000;

export interface StreamAddress {
  readonly account: string;
  readonly region: string;
  readonly name: string;
}

/** A stream as the record path needs it, derived once per metadata revision. */
export interface StreamView {
  readonly revision: number;
  readonly meta: StreamMeta;
  readonly router: ShardRouter;
  /** Write gate and buckets of each open shard, by router slot. */
  readonly runtimes: readonly ShardRuntime[];
  readonly shardsByIndex: ReadonlyMap<number, ShardMeta>;
  readonly maxRecordBytes: number;
  readonly encrypted: boolean;
}

interface Views {
  readonly byKey: Map<string, StreamView>;
}

function viewsOf(services: Services): Views {
  return services.slots.getOrCreate(VIEWS, () => ({ byKey: new Map() }));
}

/**
 * The current view of a stream, or undefined when it does not exist (or its deletion has run
 * its course). Transitional states that have expired are settled through the StreamStore so
 * that its lazy state machine stays the only writer.
 */
export async function loadStream(
  services: Services,
  address: StreamAddress,
  ctx: OpContext,
): Promise<StreamView | undefined> {
  const key = streamKey(address.account, address.region, address.name);
  const views = viewsOf(services);
  let entry = await services.engine.meta.get(key);
  if (entry === undefined) {
    views.byKey.delete(key);
    return undefined;
  }
  let view = views.byKey.get(key);
  if (view === undefined || view.revision !== entry.revision) {
    view = buildView(services.streams.runtimes, entry.revision, JSON.parse(entry.value) as StreamMeta);
    if (views.byKey.size >= limits.streamViewCacheEntriesMax)
      views.byKey.delete(views.byKey.keys().next().value as string);
    views.byKey.set(key, view);
  }
  const meta = view.meta;
  if (meta.status === StreamStatus.ACTIVE || ctx.nowMs < meta.statusUntilMs) return view;
  // Let the StreamStore apply the transition (it writes it), then read the result.
  const arnInput = { StreamARN: streamArn(address.region, address.account, address.name) };
  const settled = await services.streams.find(arnInput, ctx);
  if (settled === undefined) return undefined;
  entry = await services.engine.meta.get(key);
  if (entry === undefined) return undefined;
  view = buildView(services.streams.runtimes, entry.revision, JSON.parse(entry.value) as StreamMeta);
  views.byKey.set(key, view);
  return view;
}

function buildView(runtimes: ShardRuntimes, revision: number, meta: StreamMeta): StreamView {
  const router = new ShardRouter(meta.shards.filter(isOpen));
  return {
    revision,
    meta,
    router,
    runtimes: router.shards.map((s) => runtimes.of(logIdOf(meta, s.index))),
    shardsByIndex: new Map(meta.shards.map((s) => [s.index, s])),
    maxRecordBytes: meta.maxRecordSizeKiB * 1024,
    encrypted: meta.encryptionType === 'KMS',
  };
}

/** The stream for a write: it must exist and be ACTIVE or UPDATING, else AWS answers "not found". */
export async function loadWritableStream(
  services: Services,
  input: StreamRef,
  ctx: OpContext,
): Promise<StreamView> {
  const address = services.streams.address(input, ctx);
  const view = await loadStream(services, address, ctx);
  const status = view?.meta.status;
  if (view === undefined || (status !== StreamStatus.ACTIVE && status !== StreamStatus.UPDATING))
    throw new ResourceNotFoundException(`Stream ${address.name} under account ${address.account} not found.`);
  return view;
}

/**
 * Routes 128-bit hash keys to open shards. Bounds are kept as 32-bit words so that routing an
 * MD5 digest is four integer comparisons per binary-search step, with no BigInt.
 */
export class ShardRouter {
  readonly shards: readonly ShardMeta[];
  readonly #starts: Uint32Array;
  readonly #ends: Uint32Array;
  #roundRobin = 0;

  constructor(openShards: readonly ShardMeta[]) {
    this.shards = [...openShards].sort((a, b) => (BigInt(a.start) < BigInt(b.start) ? -1 : 1));
    this.#starts = new Uint32Array(this.shards.length * 4);
    this.#ends = new Uint32Array(this.shards.length * 4);
    this.shards.forEach((s, i) => {
      writeWords(this.#starts, i * 4, BigInt(s.start));
      writeWords(this.#ends, i * 4, BigInt(s.end));
    });
  }

  /** Slot (index into `shards`) of the shard holding MD5(partitionKey). */
  slotForPartitionKey(partitionKey: string): number {
    if (this.shards.length === 1) return 0;
    const w = md5Words(partitionKey);
    return this.#slotForWords(w[0]!, w[1]!, w[2]!, w[3]!);
  }

  /** Slot of the shard holding a hash key given as 4 big-endian words at `words[at..at+3]`. */
  slotForDigest(words: Uint32Array, at: number): number {
    if (this.shards.length === 1) return 0;
    return this.#slotForWords(words[at]!, words[at + 1]!, words[at + 2]!, words[at + 3]!);
  }

  /** Slot for an ExplicitHashKey (a decimal string the validator already shaped); throws AWS's error when out of range. */
  slotForExplicitHashKey(decimal: string): number {
    const key = BigInt(decimal);
    if (key > HASH_KEY_MAX)
      throw new InvalidArgumentException(
        `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${decimal}`,
      );
    const w = new Uint32Array(4);
    writeWords(w, 0, key);
    return this.#slotForWords(w[0]!, w[1]!, w[2]!, w[3]!);
  }

  /** RecordDistributionStrategy AUTO: spread evenly, ignoring keys. */
  nextRoundRobinSlot(): number {
    const slot = this.#roundRobin;
    this.#roundRobin = (slot + 1) % this.shards.length;
    return slot;
  }

  #slotForWords(w0: number, w1: number, w2: number, w3: number): number {
    // Last shard whose start <= key.
    let lo = 0;
    let hi = this.shards.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (compareWords(this.#starts, mid * 4, w0, w1, w2, w3) <= 0) lo = mid;
      else hi = mid - 1;
    }
    if (this.shards.length === 0 || compareWords(this.#ends, lo * 4, w0, w1, w2, w3) < 0)
      throw new Error('hash key not covered by any open shard');
    return lo;
  }
}

function writeWords(out: Uint32Array, at: number, value: bigint): void {
  out[at] = Number((value >> 96n) & 0xffffffffn);
  out[at + 1] = Number((value >> 64n) & 0xffffffffn);
  out[at + 2] = Number((value >> 32n) & 0xffffffffn);
  out[at + 3] = Number(value & 0xffffffffn);
}

/** Sign of (bound at `at`) - (w0..w3). */
function compareWords(
  bounds: Uint32Array,
  at: number,
  w0: number,
  w1: number,
  w2: number,
  w3: number,
): number {
  const b0 = bounds[at]!;
  if (b0 !== w0) return b0 < w0 ? -1 : 1;
  const b1 = bounds[at + 1]!;
  if (b1 !== w1) return b1 < w1 ? -1 : 1;
  const b2 = bounds[at + 2]!;
  if (b2 !== w2) return b2 < w2 ? -1 : 1;
  const b3 = bounds[at + 3]!;
  if (b3 !== w3) return b3 < w3 ? -1 : 1;
  return 0;
}

/**
 * Kinesis accepts a ShardId whose part after the last '-' is a decimal index (`shardId-000000000001`,
 * `shard-1`, `1`). Returns undefined for anything else or an index above 2^31-1.
 */
export function parseShardId(shardId: string): number | undefined {
  const digits = shardId.slice(shardId.lastIndexOf('-') + 1);
  if (!/^\d{1,20}$/.test(digits)) return undefined;
  const index = Number(digits);
  return index <= SHARD_INDEX_MAX ? index : undefined;
}

export function shardNotFound(shardIndex: number, streamName: string, account: string): KinesisError {
  return new ResourceNotFoundException(
    `Shard ${shardIdOf(shardIndex)} in stream ${streamName} under account ${account} does not exist`,
  );
}

/** The AES-256 key that seals iterators: created once, kept in the metadata store, cached per process. */
export function iteratorKey(services: Services): Promise<Buffer> {
  let key = services.slots.get(ITERATOR_KEY);
  if (key === undefined) {
    key = loadOrCreateIteratorKey(services);
    services.slots.set(ITERATOR_KEY, key);
    key.catch(() => services.slots.delete(ITERATOR_KEY));
  }
  return key;
}

async function loadOrCreateIteratorKey(services: Services): Promise<Buffer> {
  const { meta } = services.engine;
  const existing = await meta.get(ITERATOR_KEY_META_KEY);
  if (existing) return Buffer.from(existing.value, 'base64');
  try {
    await meta.put(ITERATOR_KEY_META_KEY, randomBytes(ITERATOR_KEY_BYTES).toString('base64'), null);
  } catch (err) {
    if (!(err instanceof RevisionConflictError)) throw err;
  }
  // Re-read so that concurrent creators (other gateways) all end up with the winner's key.
  const stored = await meta.get(ITERATOR_KEY_META_KEY);
  if (!stored) throw new Error('iterator key vanished');
  return Buffer.from(stored.value, 'base64');
}

/** "Now" for retention decisions (shifted forward by the test hook, 0 otherwise). */
export function retentionNowMs(services: Services, nowMs: number): number {
  return nowMs + (services.hooks.retentionClockOffsetMs ?? 0);
}

/** Records that arrived before this are past retention and unreadable. */
export function retentionCutoffMs(services: Services, meta: StreamMeta, nowMs: number): number {
  return retentionNowMs(services, nowMs) - meta.retentionHours * HOUR_MS;
}
