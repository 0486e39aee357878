// RegisterStreamConsumer: a new consumer starts CREATING and turns ACTIVE after the state delay.

import { mergeTags } from '../domain/tag-rules.js';
import { LimitExceededException } from '../errors.js';
import { limits } from '../limits.js';
import { readAccountSettings } from '../state/account-settings.js';
import {
  assertStreamAcceptsConsumers,
  type ConsumerMeta,
  ConsumerStatus,
  consumerOutput,
  createConsumer,
  listConsumers,
} from '../state/consumer-store.js';
import type { Handler, Services } from '../state/services.js';
import { arnOf } from '../state/stream-store.js';

export const registerStreamConsumer: Handler<'RegisterStreamConsumer'> = async (services, input, ctx) => {
  const { engine, config } = services;
  const stream = await services.streams.get({ StreamARN: input.StreamARN }, ctx);
  assertStreamAcceptsConsumers(stream);
  const name = input.ConsumerName;
  const tags = input.Tags
    ? mergeTags({}, input.Tags, { verb: 'add tags to', what: `consumer ${name} of stream ${arnOf(stream)}` })
    : {};
  const existing = await listConsumers(engine, stream, ctx.nowMs);
  // A taken name is refused by createConsumer (ResourceInUseException) before any limit applies.
  if (!existing.some((c) => c.name === name)) {
    const max = await consumerLimit(services, stream.mode, stream.account, stream.region);
    if (existing.length >= max)
      throw new LimitExceededException(
        `Consumer limit of ${max} exceeded for stream ${stream.name} under account ${stream.account}.`,
      );
    const creating = existing.filter((c) => c.status === ConsumerStatus.CREATING).length;
    if (creating >= limits.consumersCreatingMax)
      throw new LimitExceededException(
        `Rate exceeded: at most ${limits.consumersCreatingMax} consumers can be in CREATING status at once ` +
          `for stream ${stream.name} under account ${stream.account}.`,
      );
  }
  const delay = config.stateDelayMs;
  const meta: ConsumerMeta = {
    name,
    streamUid: stream.uid,
    streamName: stream.name,
    account: stream.account,
    region: stream.region,
    createdAtMs: ctx.nowMs,
    status: delay > 0 ? ConsumerStatus.CREATING : ConsumerStatus.ACTIVE,
    statusUntilMs: ctx.nowMs + delay,
    tags,
  };
  await createConsumer(engine, meta);
  // AWS answers CREATING even when the consumer will be ACTIVE a moment later.
  return { Consumer: consumerOutput({ ...meta, status: ConsumerStatus.CREATING }) };
};

/** 20 per stream; 50 for on-demand streams of accounts with the minimum throughput commitment ("On-demand Advantage"). */
async function consumerLimit(
  services: Services,
  mode: string,
  account: string,
  region: string,
): Promise<number> {
  if (mode !== 'ON_DEMAND') return limits.consumersPerStreamMax;
  const settings = await readAccountSettings(services.engine, account, region);
  return settings.commitment === 'ENABLED'
    ? limits.consumersPerStreamAdvantageMax
    : limits.consumersPerStreamMax;
}
