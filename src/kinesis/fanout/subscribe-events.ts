// The messages of a SubscribeToShard response body. Payloads follow the request's wire format:
// JSON 1.1 requests get JSON events (what the JS SDK, boto3 and the CLI read); CBOR 1.1 requests
// (Java SDKs with CBOR on) get CBOR events, because those SDKs unmarshal event payloads with the
// same protocol as the rest of the call. The CBOR choice is unverified against AWS (docs/fanout.md).

import {
  CBOR_CONTENT_TYPE,
  encodeBody,
  JSON_CONTENT_TYPE,
  type WireFormat,
} from '../../aws/protocols/codec.js';
import {
  encodeMessage,
  encodeMessageHead,
  eventHeaders,
  exceptionMessage,
  finishMessage,
} from '../../aws/protocols/event-stream.js';
import type { StoredRecord } from '../../storage/engine.js';
import type { KinesisError } from '../errors.js';
import { encodeGetRecordsJson, type GetRecordsTail } from '../wire/records-json.js';
import type { SharedBatch } from './shared-reads.js';

const contentTypeOf = (wire: WireFormat): string => (wire === 'json' ? JSON_CONTENT_TYPE : CBOR_CONTENT_TYPE);

const headerBlocks = {
  json: {
    initial: eventHeaders('initial-response', JSON_CONTENT_TYPE),
    event: eventHeaders('SubscribeToShardEvent', JSON_CONTENT_TYPE),
  },
  cbor: {
    initial: eventHeaders('initial-response', CBOR_CONTENT_TYPE),
    event: eventHeaders('SubscribeToShardEvent', CBOR_CONTENT_TYPE),
  },
} as const;

/** First message: the (empty) non-stream part of SubscribeToShardOutput. */
export function initialResponse(wire: WireFormat): Buffer {
  return encodeMessage(headerBlocks[wire].initial, encodeBody({}, wire));
}

export interface EventTail {
  readonly ContinuationSequenceNumber: string;
  readonly MillisBehindLatest: number;
  readonly ChildShards?: readonly unknown[];
}

export function recordsEvent(
  wire: WireFormat,
  records: readonly StoredRecord[],
  sequenceNumbers: readonly string[],
  encrypted: boolean,
  tail: EventTail,
): Buffer {
  const encryption = encrypted ? 'KMS' : undefined;
  if (wire === 'json') {
    // Same record rendering as GetRecords; the tail's keys follow Records in this order.
    const payload = encodeGetRecordsJson(
      records,
      sequenceNumbers,
      encryption,
      tail as unknown as GetRecordsTail,
    );
    return encodeMessage(headerBlocks.json.event, payload);
  }
  const payload = encodeBody(
    {
      Records: records.map((r, i) => ({
        SequenceNumber: sequenceNumbers[i],
        ApproximateArrivalTimestamp: new Date(r.timestampMs),
        Data: r.data,
        PartitionKey: r.partitionKey,
        ...(encryption ? { EncryptionType: encryption } : {}),
      })),
      ...tail,
    },
    'cbor',
  );
  return encodeMessage(headerBlocks.cbor.event, payload);
}

/**
 * A records event from a batch shared by the sessions at the same position: the JSON rendering of
 * the records, and the message head with its running CRC, are made once per batch (per encryption
 * rendering and tail length); each session adds only its tail and the final CRC. Returns the
 * message as parts to write in order, and the bytes the batch's held renderings grew by.
 */
export function sharedRecordsEvent(
  wire: WireFormat,
  batch: SharedBatch,
  encrypted: boolean,
  tail: EventTail,
): { parts: Buffer[]; grewBytes: number } {
  if (wire !== 'json')
    return {
      parts: [recordsEvent(wire, batch.records, batch.sequenceNumbers, encrypted, tail)],
      grewBytes: 0,
    };
  const rest = Buffer.from(`,${JSON.stringify(tail).slice(1)}`, 'utf8');
  const headKey = `${encrypted ? 'KMS' : 'NONE'}|${rest.length}`;
  let head = batch.heads.get(headKey);
  let grewBytes = 0;
  if (head === undefined) {
    // `{"Records":[…]` (the rendering without its tail); the session's tail keys follow.
    const whole = encodeGetRecordsJson(batch.records, batch.sequenceNumbers, encrypted ? 'KMS' : undefined, {
      MillisBehindLatest: 0,
    });
    const prefix = whole.subarray(0, whole.lastIndexOf(',"MillisBehindLatest":'));
    head = encodeMessageHead(headerBlocks.json.event, prefix, rest.length);
    batch.heads.set(headKey, head);
    grewBytes = head.head.length;
  }
  return { parts: [head.head, finishMessage(head, rest)], grewBytes };
}

/** A modeled error mid-stream; the stream ends after it. */
export function exceptionEvent(wire: WireFormat, err: KinesisError): Buffer {
  return exceptionMessage(err.name, contentTypeOf(wire), encodeBody({ message: err.message }, wire));
}
