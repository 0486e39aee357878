import { decodeNextToken, encodeNextToken } from '../domain/next-token.js';
import { ExpiredNextTokenException, InvalidArgumentException } from '../errors.js';
import { limits } from '../limits.js';
import { streamSummary } from '../state/describe.js';
import type { Handler } from '../state/services.js';

export const listStreams: Handler<'ListStreams'> = async ({ streams }, input, ctx) => {
  const limit = Math.min(input.Limit ?? limits.listStreamsDefault, limits.listStreamsMax);
  let after: string | undefined = input.ExclusiveStartStreamName;
  if (input.NextToken !== undefined) {
    if (after !== undefined)
      throw new InvalidArgumentException(
        'NextToken and ExclusiveStartStreamName cannot be provided together.',
      );
    const token = decodeNextToken(input.NextToken, ctx.nowMs);
    if (token === 'expired') throw new ExpiredNextTokenException('The NextToken has expired.');
    if (token === undefined) throw new InvalidArgumentException('Invalid NextToken.');
    after = token.after;
  }
  // One page of metadata: the names after `after` (stream names are ASCII, so key order is name order).
  const { streams: page, more } = await streams.page(ctx.account, ctx.region, ctx.nowMs, after, limit);
  const last = page[page.length - 1];
  return {
    StreamNames: page.map((s) => s.name),
    HasMoreStreams: more,
    ...(more && last ? { NextToken: encodeNextToken({ after: last.name }, ctx.nowMs) } : {}),
    StreamSummaries: page.map(streamSummary),
  };
};
