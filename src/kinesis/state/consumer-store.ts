// Enhanced fan-out consumers in the metadata store, one entry per consumer under
// `consumer/<streamUid>/<consumerName>` (the prefix consumer-hooks.ts already uses, so DeleteStream
// and DescribeStreamSummary see them). Status transitions are lazy like streams': an entry whose
// CREATING/DELETING time has passed is settled (or removed) by whoever reads it next.

import { RevisionConflictError, type StorageEngine } from '../../storage/engine.js';
import { metaEntries } from '../../storage/meta-pages.js';
import { partitionOf, type StreamMeta, StreamStatus } from '../domain/stream-model.js';
import {
  InvalidArgumentException,
  type KinesisError,
  ResourceInUseException,
  ResourceNotFoundException,
} from '../errors.js';
import type { Consumer } from '../model-types.js';
import type { OpContext, Services } from './services.js';
import { arnOf } from './stream-store.js';

const CAS_ATTEMPTS_MAX = 16;

export const ConsumerStatus = { CREATING: 'CREATING', ACTIVE: 'ACTIVE', DELETING: 'DELETING' } as const;
export type ConsumerStatus = (typeof ConsumerStatus)[keyof typeof ConsumerStatus];

export interface ConsumerMeta {
  readonly name: string;
  readonly streamUid: string;
  readonly streamName: string;
  readonly account: string;
  readonly region: string;
  readonly createdAtMs: number;
  readonly status: ConsumerStatus;
  /** When CREATING or DELETING ends. */
  readonly statusUntilMs: number;
  /** Insertion-ordered tags (TagResource / RegisterStreamConsumer Tags). */
  readonly tags: Readonly<Record<string, string>>;
  /** Resource policy document (PutResourcePolicy on the consumer ARN); it goes with the consumer. */
  readonly policy?: string;
}

export interface ConsumerArnParts {
  readonly region: string;
  readonly account: string;
  readonly streamName: string;
  readonly consumerName: string;
  readonly creationSeconds: number;
}

const CONSUMER_ARN_RE =
  /^arn:aws[a-z-]*:kinesis:([a-z0-9-]+):(\d{12}):stream\/([a-zA-Z0-9_.-]+)\/consumer\/([a-zA-Z0-9_.-]+):(\d{1,15})$/;

export function parseConsumerArn(arn: string): ConsumerArnParts | undefined {
  const m = CONSUMER_ARN_RE.exec(arn);
  if (!m) return undefined;
  return {
    region: m[1] as string,
    account: m[2] as string,
    streamName: m[3] as string,
    consumerName: m[4] as string,
    creationSeconds: Number(m[5]),
  };
}

export const creationSecondsOf = (c: ConsumerMeta): number => Math.floor(c.createdAtMs / 1000);

/** `arn:aws:kinesis:<region>:<account>:stream/<stream>/consumer/<name>:<creationEpochSeconds>`. */
export function consumerArnOf(c: ConsumerMeta): string {
  return (
    `arn:${partitionOf(c.region)}:kinesis:${c.region}:${c.account}:stream/${c.streamName}` +
    `/consumer/${c.name}:${creationSecondsOf(c)}`
  );
}

export const consumerKeyOf = (streamUid: string, name: string): string => `consumer/${streamUid}/${name}`;

/** The `Consumer` shape (RegisterStreamConsumer, ListStreamConsumers). */
export function consumerOutput(c: ConsumerMeta): Consumer {
  return {
    ConsumerName: c.name,
    ConsumerARN: consumerArnOf(c),
    ConsumerStatus: c.status,
    ConsumerCreationTimestamp: new Date(c.createdAtMs),
  };
}

/** AWS's wording for a consumer that exists but cannot be used yet (or any more). */
export function consumerNotActive(c: ConsumerMeta): KinesisError {
  return new ResourceInUseException(
    `Consumer ${c.name} with creation timestamp ${creationSecondsOf(c)} under stream ${c.streamName} ` +
      `and account ${c.account} is not in ACTIVE status.`,
  );
}

export const consumerArnNotFound = (arn: string, account: string): KinesisError =>
  new ResourceNotFoundException(`Consumer ${arn} under account ${account} not found.`);

export const consumerNameNotFound = (name: string, stream: StreamMeta): KinesisError =>
  new ResourceNotFoundException(
    `Consumer ${name} under stream ${stream.name} and account ${stream.account} not found.`,
  );

interface Loaded {
  readonly meta: ConsumerMeta;
  readonly revision: number;
}

/** Settles an expired transitional status: CREATING → ACTIVE, DELETING → gone. */
async function load(engine: StorageEngine, key: string, nowMs: number): Promise<Loaded | undefined> {
  for (let attempt = 0; attempt < CAS_ATTEMPTS_MAX; attempt++) {
    const entry = await engine.meta.get(key);
    if (!entry) return undefined;
    const meta = JSON.parse(entry.value) as ConsumerMeta;
    if (meta.status === ConsumerStatus.ACTIVE || nowMs < meta.statusUntilMs)
      return { meta, revision: entry.revision };
    try {
      if (meta.status === ConsumerStatus.DELETING) {
        await engine.meta.delete(key, entry.revision);
        return undefined;
      }
      const next: ConsumerMeta = { ...meta, status: ConsumerStatus.ACTIVE };
      return { meta: next, revision: await engine.meta.put(key, JSON.stringify(next), entry.revision) };
    } catch (err) {
      if (!(err instanceof RevisionConflictError)) throw err;
    }
  }
  throw new Error(`consumer ${key} kept changing`);
}

/** Every live consumer of a stream, in name order (expired DELETING entries are removed on the way). */
export async function listConsumers(
  engine: StorageEngine,
  stream: StreamMeta,
  nowMs: number,
): Promise<ConsumerMeta[]> {
  const out: ConsumerMeta[] = [];
  // Bounded: a stream has at most consumersPerStreamAdvantageMax consumers.
  for await (const entry of metaEntries(engine.meta, `consumer/${stream.uid}/`)) {
    const loaded = await load(engine, entry.key, nowMs);
    if (loaded) out.push(loaded.meta);
  }
  return out;
}

export async function findConsumer(
  engine: StorageEngine,
  stream: StreamMeta,
  name: string,
  nowMs: number,
): Promise<ConsumerMeta | undefined> {
  return (await load(engine, consumerKeyOf(stream.uid, name), nowMs))?.meta;
}

export interface ConsumerRef {
  readonly stream: StreamMeta;
  readonly consumer: ConsumerMeta;
}

/** The consumer a ConsumerARN names; a re-registered consumer (other creation time) does not match. */
export async function consumerByArn(services: Services, arn: string, ctx: OpContext): Promise<ConsumerRef> {
  const parts = parseConsumerArn(arn);
  if (!parts) throw new InvalidArgumentException(`Invalid ConsumerARN ${arn}.`);
  const stream = await services.streams.find(
    {
      StreamARN: `arn:${partitionOf(parts.region)}:kinesis:${parts.region}:${parts.account}:stream/${parts.streamName}`,
    },
    ctx,
  );
  const consumer = stream && (await findConsumer(services.engine, stream, parts.consumerName, ctx.nowMs));
  if (!stream || !consumer || creationSecondsOf(consumer) !== parts.creationSeconds)
    throw consumerArnNotFound(arn, parts.account);
  return { stream, consumer };
}

/**
 * DescribeStreamConsumer / DeregisterStreamConsumer addressing: ConsumerARN, or StreamARN plus
 * ConsumerName. When all three are given they must agree.
 */
export async function consumerByInput(
  services: Services,
  input: { ConsumerARN?: string; StreamARN?: string; ConsumerName?: string },
  ctx: OpContext,
): Promise<ConsumerRef> {
  if (input.ConsumerARN !== undefined) {
    const ref = await consumerByArn(services, input.ConsumerARN, ctx);
    if (
      (input.StreamARN !== undefined && input.StreamARN !== arnOf(ref.stream)) ||
      (input.ConsumerName !== undefined && input.ConsumerName !== ref.consumer.name)
    )
      throw new InvalidArgumentException(
        `ConsumerARN ${input.ConsumerARN} does not match the given StreamARN and ConsumerName.`,
      );
    return ref;
  }
  if (input.StreamARN === undefined || input.ConsumerName === undefined)
    throw new InvalidArgumentException(
      'ConsumerARN or both ConsumerName and StreamARN are required for this request.',
    );
  const stream = await services.streams.get({ StreamARN: input.StreamARN }, ctx);
  const consumer = await findConsumer(services.engine, stream, input.ConsumerName, ctx.nowMs);
  if (!consumer) throw consumerNameNotFound(input.ConsumerName, stream);
  return { stream, consumer };
}

/** Creates the entry; ResourceInUseException when the name is taken (in any status). */
export async function createConsumer(engine: StorageEngine, meta: ConsumerMeta): Promise<void> {
  try {
    await engine.meta.put(consumerKeyOf(meta.streamUid, meta.name), JSON.stringify(meta), null);
  } catch (err) {
    if (err instanceof RevisionConflictError)
      throw new ResourceInUseException(
        `Consumer ${meta.name} under stream ${meta.streamName} and account ${meta.account} already exists.`,
      );
    throw err;
  }
}

/**
 * Compare-and-set update of one consumer (the one `ref` names: same creation time). `mutate` may
 * throw a KinesisError to refuse.
 */
export async function updateConsumer(
  engine: StorageEngine,
  ref: ConsumerRef,
  nowMs: number,
  mutate: (c: ConsumerMeta) => ConsumerMeta,
): Promise<ConsumerMeta> {
  const key = consumerKeyOf(ref.stream.uid, ref.consumer.name);
  for (let attempt = 0; attempt < CAS_ATTEMPTS_MAX; attempt++) {
    const current = await load(engine, key, nowMs);
    if (!current || current.meta.createdAtMs !== ref.consumer.createdAtMs)
      throw consumerArnNotFound(consumerArnOf(ref.consumer), ref.consumer.account);
    const next = mutate(current.meta);
    try {
      await engine.meta.put(key, JSON.stringify(next), current.revision);
      return next;
    } catch (err) {
      if (!(err instanceof RevisionConflictError)) throw err;
    }
  }
  throw new ResourceInUseException(`Consumer ${consumerArnOf(ref.consumer)} is being modified.`);
}

/** Register needs the stream ACTIVE or UPDATING (AWS refuses while it is being created or deleted). */
export function assertStreamAcceptsConsumers(stream: StreamMeta): void {
  if (stream.status === StreamStatus.CREATING || stream.status === StreamStatus.DELETING)
    throw new ResourceInUseException(
      `Stream ${stream.name} under account ${stream.account} not ACTIVE, instead in state ${stream.status}`,
    );
}
