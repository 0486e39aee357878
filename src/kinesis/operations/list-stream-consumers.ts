// ListStreamConsumers: consumers of one stream in name order, paged by NextToken (valid 300 s).
// Unlike ListShards, AWS requires StreamARN on every call, continuation included.

import { decodeNextToken, encodeNextToken } from '../domain/next-token.js';
import { ExpiredNextTokenException, InvalidArgumentException, streamNotFound } from '../errors.js';
import { consumerOutput, listConsumers } from '../state/consumer-store.js';
import type { Handler } from '../state/services.js';

/** AWS's default page size (MaxResults accepts 1..10000). */
const PAGE_DEFAULT = 100;

export const listStreamConsumers: Handler<'ListStreamConsumers'> = async (services, input, ctx) => {
  const stream = await services.streams.get({ StreamARN: input.StreamARN }, ctx);
  const ts = input.StreamCreationTimestamp;
  // A creation time that does not match means the named stream is a different (re-created) one.
  if (ts !== undefined && Math.floor(ts / 1000) !== Math.floor(stream.createdAtMs / 1000))
    throw streamNotFound(stream.name, stream.account);
  let after: string | undefined;
  if (input.NextToken !== undefined) {
    const token = decodeNextToken(input.NextToken, ctx.nowMs);
    if (token === 'expired') throw new ExpiredNextTokenException('The NextToken has expired.');
    if (token === undefined || token.uid !== stream.uid)
      throw new InvalidArgumentException('Invalid NextToken.');
    after = token.after;
  }
  const all = await listConsumers(services.engine, stream, ctx.nowMs);
  const rest = after === undefined ? all : all.filter((c) => c.name > after);
  const limit = input.MaxResults ?? PAGE_DEFAULT;
  const page = rest.slice(0, limit);
  const last = page.at(-1);
  return {
    Consumers: page.map(consumerOutput),
    ...(rest.length > page.length && last
      ? { NextToken: encodeNextToken({ after: last.name, uid: stream.uid }, ctx.nowMs) }
      : {}),
  };
};
