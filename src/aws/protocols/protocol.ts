// The interface every wire protocol of the shared front end implements (JSON-RPC, REST-JSON, Query),
// and the compact service model the REST-JSON and Query protocols bind by (made from botocore's
// service-2.json by tools/derive-service-model.mjs). Pure: no I/O.
//
// docs/architecture.json lets this part (aws-protocols) import only src/core/, so it cannot name
// src/aws/errors.ts's AwsError. `WireError` is AwsError's shape, structurally: every AwsError is a
// WireError (encodeError takes them as they are), and a ProtocolError the decoders answer is
// assignable to AwsError's type; the front end makes a real AwsError of one with
// `new AwsError(e.name, e.hasMessage ? e.message : undefined, e)`.

export interface WireRequest {
  readonly method: string;
  /** The raw path, still percent-encoded, without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-case names, as node:http gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

export interface WireResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export type Fault = 'client' | 'server';

/** What an answerable error carries: src/aws/errors.ts's AwsError has exactly these members. */
export interface WireError {
  /** The wire error code (JSON `__type`, REST `x-amzn-ErrorType`, Query `<Code>`). */
  readonly name: string;
  readonly message: string;
  readonly fault: Fault;
  readonly status: number;
  readonly messageKey: 'message' | 'Message';
  readonly hasMessage: boolean;
}

/** An error a decoder answers (unknown operation, unparsable input). Structurally an AwsError. */
export class ProtocolError extends Error implements WireError {
  readonly fault: Fault;
  readonly status: number;
  readonly messageKey: 'message' | 'Message';
  readonly hasMessage: boolean;
  constructor(
    code: string,
    message: string | undefined,
    status = 400,
    fault: Fault = status >= 500 ? 'server' : 'client',
    messageKey: 'message' | 'Message' = 'message',
  ) {
    super(message ?? '');
    this.name = code;
    this.status = status;
    this.fault = fault;
    this.messageKey = messageKey;
    this.hasMessage = message !== undefined;
  }
}

export interface Decoded {
  readonly operation: string;
  readonly input: Record<string, unknown>;
}

export interface Protocol<M> {
  readonly name: 'json-rpc' | 'rest-json' | 'query';
  /** The operation and its raw (not yet validated) input, or an error to answer. */
  decode(req: WireRequest, model: M): Decoded | WireError;
  encodeOutput(operation: string, output: unknown, model: M, requestId: string): WireResponse;
  /**
   * The answer to an error. With the model, a modeled error's body follows its shape (REST-JSON:
   * Lambda's `Type` member and `Message`/`message` spelling; Query: the namespace).
   */
  encodeError(err: WireError, requestId: string, model?: M): WireResponse;
}

export const isDecoded = (value: Decoded | WireError): value is Decoded =>
  typeof (value as Decoded).operation === 'string' && !(value instanceof Error);

// ---- The compact service model (tools/derive-service-model.mjs) -----------------------------------

export type Location = 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';

export interface MemberRef {
  readonly shape: string;
  readonly location?: Location;
  readonly locationName?: string;
  readonly queryName?: string;
  readonly jsonName?: string;
  readonly xmlNamespace?: unknown;
  readonly xmlAttribute?: boolean;
  readonly flattened?: boolean;
  readonly timestampFormat?: TimestampFormat;
  readonly idempotencyToken?: boolean;
}

export type TimestampFormat = 'iso8601' | 'rfc822' | 'unixTimestamp';

export interface ServiceShape {
  readonly type: string;
  readonly required?: readonly string[];
  readonly members?: Readonly<Record<string, MemberRef>>;
  readonly member?: MemberRef;
  readonly key?: MemberRef;
  readonly value?: MemberRef;
  readonly payload?: string;
  readonly flattened?: boolean;
  readonly timestampFormat?: TimestampFormat;
  readonly streaming?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly exception?: boolean;
  readonly error?: {
    readonly code?: string;
    readonly httpStatusCode?: number;
    readonly senderFault?: boolean;
  };
}

export interface ServiceOperation {
  readonly http: { readonly method: string; readonly requestUri: string; readonly responseCode?: number };
  readonly input: string | null;
  readonly output: string | null;
  readonly resultWrapper?: string;
  readonly errors: readonly string[];
}

/**
 * A REST-JSON or Query service model with its HTTP and Query bindings (JSON-RPC services use the
 * smaller `ServiceModel` of model/shapes.ts, which names no bindings).
 */
export interface BindingModel {
  readonly protocol: string;
  readonly apiVersion: string;
  readonly serviceId?: string;
  readonly endpointPrefix?: string;
  readonly signingName?: string;
  readonly xmlNamespace?: string;
  readonly operations: Readonly<Record<string, ServiceOperation>>;
  readonly shapes: Readonly<Record<string, ServiceShape>>;
}

export function shapeIn(model: BindingModel, name: string): ServiceShape {
  const shape = model.shapes[name];
  if (!shape) throw new Error(`unknown shape ${name}`);
  return shape;
}

/** The modeled error shape for a wire code: by shape name, or by its `error.code` (IAM's NoSuchEntity). */
export function errorShapeOf(model: BindingModel, code: string): ServiceShape | undefined {
  const direct = model.shapes[code];
  if (direct?.exception) return direct;
  for (const shape of Object.values(model.shapes))
    if (shape.exception && shape.error?.code === code) return shape;
  return undefined;
}

/** ISO 8601 UTC with milliseconds only when there are some (`2024-01-02T03:04:05Z`). */
export function iso8601(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.endsWith('.000Z') ? `${s.slice(0, -5)}Z` : s;
}

/** A timestamp value as epoch milliseconds: Dates, and numbers taken as epoch milliseconds. */
export function timestampMs(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}
