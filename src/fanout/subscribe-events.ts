// The messages of a SubscribeToShard response body. Payloads follow the request's wire format:
// JSON 1.1 requests get JSON events (what the JS SDK, boto3 and the CLI read); CBOR 1.1 requests
// (Java SDKs with CBOR on) get CBOR events, because those SDKs unmarshal event payloads with the
// same protocol as the rest of the call. The CBOR choice is unverified against AWS (docs/fanout.md).
import type { KinesisError } from '../errors.js';
import { encodeGetRecordsJson, type GetRecordsTail } from '../operations/records-json.js';
import { CBOR_CONTENT_TYPE, encodeBody, JSON_CONTENT_TYPE, type WireFormat } from '../protocol/codec.js';
import { encodeMessage, eventHeaders, exceptionMessage } from '../protocol/event-stream.js';
import type { StoredRecord } from '../storage/engine.js';

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

/** A modeled error mid-stream; the stream ends after it. */
export function exceptionEvent(wire: WireFormat, err: KinesisError): Buffer {
  return exceptionMessage(err.name, contentTypeOf(wire), encodeBody({ message: err.message }, wire));
}
