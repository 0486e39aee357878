// What the front end and every service's operations share: the call context, the result kinds a
// handler may return besides a plain output, and the operation descriptor (`OperationSpec`) each
// service's operation table declares once per operation, typed by the service's generated model
// types; dispatch, control-plane rates, the authorizer, the docs and the coverage tests read it.
import type http from 'node:http';
import type http2 from 'node:http2';
import type { FaultEngine } from './faults.js';
import type { WireFormat } from './protocols/codec.js';

export type Req = http.IncomingMessage | http2.Http2ServerRequest;
export type Res = http.ServerResponse | http2.Http2ServerResponse;

/** What the front end learned about a call before its operation runs. */
export interface CallContext {
  readonly requestId: string;
  readonly region: string | undefined;
  readonly accessKeyId: string;
  readonly wire: WireFormat;
  /** Aborted when the client goes away (used by long-lived responses). */
  readonly signal: AbortSignal;
}

/** What every operation handler receives besides its services and input. */
export interface OpContext {
  readonly account: string;
  readonly region: string;
  readonly requestId: string;
  readonly nowMs: number;
  readonly signal: AbortSignal;
  readonly wire: WireFormat;
  /** The fault rules in force (aws/faults.ts), for per-record decisions; undefined when none. */
  readonly faults?: FaultEngine | undefined;
}

/** A handler result already rendered in the call's wire format (hot-path answers): sent as is. */
export class EncodedBody {
  constructor(readonly bytes: Buffer) {}
}

/** A handler result that writes its own response body (event streams). */
export interface StreamingResult {
  readonly streaming: true;
  run(req: Req, res: Res, ctx: CallContext): Promise<void>;
}

export function isStreaming(result: unknown): result is StreamingResult {
  return (
    typeof result === 'object' && result !== null && (result as { streaming?: unknown }).streaming === true
  );
}

export type HandlerResult<O> = O | EncodedBody | StreamingResult | undefined;

/** IAM: the action a call needs and the resources (ARNs) it touches, for the authorizer. */
export interface IamSpec<I> {
  readonly action: string;
  resources(input: I, ctx: OpContext): readonly string[];
}

export interface OperationSpec<S, I, O> {
  readonly name: string;
  readonly handler: (services: S, input: I, ctx: OpContext) => Promise<HandlerResult<O>>;
  /** AWS's control-plane call rate per account and region (calls/s), enforced when asked. */
  readonly rateTps?: number;
  /**
   * Wire fast path: the JSON body is read straight into validated input by the service's reader
   * (and, at and above its offload size, on a worker thread) instead of the generic decode.
   */
  readonly fastPath?: 'json-input' | 'json-input-offload';
  /** The answer is an event stream the handler writes itself. */
  readonly streaming?: boolean;
  readonly iam: IamSpec<I>;
}
