// Data-plane operations (the record path).
import type { Handler } from './context.js';
import { getRecords } from './get-records.js';
import { getShardIterator } from './get-shard-iterator.js';
import { putRecord } from './put-record.js';
import { putRecords } from './put-records.js';
import { subscribeToShard } from './subscribe-to-shard.js';

export const dataPlaneHandlers: Readonly<Record<string, Handler>> = {
  PutRecord: putRecord,
  PutRecords: putRecords,
  GetShardIterator: getShardIterator,
  GetRecords: getRecords,
  SubscribeToShard: subscribeToShard,
};
