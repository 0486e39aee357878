// ResourceARN (TagResource, resource policies, ...): a stream ARN or a consumer ARN.
import { parseStreamArn, type StreamMeta } from '../domain/stream-model.js';
import { InvalidArgumentException } from '../errors.js';
import type { OpContext, Services } from './services.js';

/** Inputs that name a stream or consumer by ARN. */
export interface ResourceRef {
  readonly ResourceARN: string;
}

import { type ConsumerMeta, consumerByArn, parseConsumerArn } from './consumer-store.js';

export type Resource =
  | { readonly kind: 'stream'; readonly stream: StreamMeta }
  | { readonly kind: 'consumer'; readonly stream: StreamMeta; readonly consumer: ConsumerMeta };

const CONSUMER_SUFFIX_RE = /^(arn:[^/]+\/[^/]+)\/consumer\/[^/]+:\d+$/;

/** The stream or consumer a ResourceARN names (ResourceNotFoundException with AWS's wording). */
export async function resourceOf(services: Services, input: ResourceRef, ctx: OpContext): Promise<Resource> {
  const arn = input.ResourceARN;
  const consumer = CONSUMER_SUFFIX_RE.exec(arn);
  if (consumer) {
    if (!parseStreamArn(consumer[1] as string) || !parseConsumerArn(arn))
      throw new InvalidArgumentException(`Invalid ResourceARN ${arn}.`);
    return { kind: 'consumer', ...(await consumerByArn(services, arn, ctx)) };
  }
  if (!parseStreamArn(arn)) throw new InvalidArgumentException(`Invalid ResourceARN ${arn}.`);
  return { kind: 'stream', stream: await services.streams.get({ StreamARN: arn }, ctx) };
}

/** The stream a ResourceARN names; for a consumer ARN, the consumer's stream. */
export async function streamOfResource(
  services: Services,
  input: ResourceRef,
  ctx: OpContext,
): Promise<StreamMeta> {
  return (await resourceOf(services, input, ctx)).stream;
}
