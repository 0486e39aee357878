// The resources (ARNs) a Kinesis call touches, as IAM names them (ACCESS-CONTROL reference §2.5):
// what the authorizer evaluates policies against. Pure: from the input and the caller's account.
import { streamArn } from './stream-model.js';

export interface CallerScope {
  readonly account: string;
  readonly region: string;
}

/** The stream a StreamName/StreamARN input names (its ARN as given, or built in the caller's scope). */
export function streamResource(
  input: { readonly StreamName?: string; readonly StreamARN?: string },
  ctx: CallerScope,
): readonly string[] {
  if (input.StreamARN !== undefined) return [input.StreamARN];
  if (input.StreamName !== undefined) return [streamArn(ctx.region, ctx.account, input.StreamName)];
  return [];
}

export const consumerResource = (input: { readonly ConsumerARN?: string }): readonly string[] =>
  input.ConsumerARN === undefined ? [] : [input.ConsumerARN];

/** DescribeStreamConsumer and DeregisterStreamConsumer name a consumer by ARN or by stream + name. */
export function consumerOrStreamResource(input: {
  readonly ConsumerARN?: string;
  readonly StreamARN?: string;
  readonly ConsumerName?: string;
}): readonly string[] {
  if (input.ConsumerARN !== undefined) return [input.ConsumerARN];
  if (input.StreamARN !== undefined && input.ConsumerName !== undefined)
    return [`${input.StreamARN}/consumer/${input.ConsumerName}:*`];
  return [];
}

export const arnResource = (input: { readonly ResourceARN?: string }): readonly string[] =>
  input.ResourceARN === undefined ? [] : [input.ResourceARN];

/** Account-level actions (ListStreams, DescribeLimits, ...) name no resource: IAM evaluates `*`. */
export const noResource = (): readonly string[] => [];
