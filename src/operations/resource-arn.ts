// ResourceARN (TagResource, resource policies, ...): a stream ARN or a consumer ARN.
import { parseStreamArn, type StreamMeta } from '../domain/stream-model.js';
import { InvalidArgumentException, ResourceNotFoundException } from '../errors.js';
import type { Input, OpContext, Services } from './context.js';

const CONSUMER_SUFFIX_RE = /^(arn:[^/]+\/[^/]+)\/consumer\/[^/]+:\d+$/;

/**
 * The stream a ResourceARN names. Consumer ARNs answer ResourceNotFoundException until
 * consumers exist (they belong to a later issue).
 */
export async function streamOfResource(
  services: Services,
  input: Input,
  ctx: OpContext,
): Promise<StreamMeta> {
  const arn = input.ResourceARN as string;
  const consumer = CONSUMER_SUFFIX_RE.exec(arn);
  if (consumer) {
    const stream = parseStreamArn(consumer[1] as string);
    if (!stream) throw new InvalidArgumentException(`Invalid ResourceARN ${arn}.`);
    throw new ResourceNotFoundException(`Consumer ${arn} under account ${stream.account} not found.`);
  }
  if (!parseStreamArn(arn)) throw new InvalidArgumentException(`Invalid ResourceARN ${arn}.`);
  return services.streams.get({ StreamARN: arn }, ctx);
}
