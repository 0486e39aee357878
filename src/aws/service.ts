// How a service joins the shared front end: which protocol it speaks, how requests are routed to
// it, its model (validation), its operation table (the descriptors) and its dispatch.
import type { ServiceModel } from './model/shapes.js';
import type { CallContext, OpContext } from './operation.js';
import type { BindingModel } from './protocols/protocol.js';

/** What the front end reads of an operation's descriptor (aws/operation.ts `OperationSpec`). */
export interface OperationEntry {
  readonly name: string;
  readonly rateTps?: number;
  readonly fastPath?: 'json-input' | 'json-input-offload';
  readonly streaming?: boolean;
  readonly iam: { readonly action: string; resources(input: never, ctx: OpContext): readonly string[] };
}

/** A fast-path read of a JSON body: validated input, or the body back for the generic path. */
export type FastInput = { readonly input: Record<string, unknown> } | { readonly body: Buffer };

/** A JSON 1.0/1.1 (+ CBOR) service, addressed by its X-Amz-Target prefix. */
export interface JsonRpcService {
  readonly protocol: 'json-rpc';
  /** Name in logs and fault rules (e.g. `kinesis`). */
  readonly name: string;
  /** SigV4 service name in the credential scope. */
  readonly signingName: string;
  /** X-Amz-Target prefix, e.g. `Kinesis_20131202`. */
  readonly targetPrefix: string;
  readonly model: ServiceModel;
  operation(name: string): OperationEntry | undefined;
  /**
   * The fast path of an operation declaring `fastPath`: reads a JSON body straight into validated
   * input (undefined: take the generic decode). May hand large bodies to worker threads.
   */
  readFastInput?(operation: OperationEntry, body: Buffer): FastInput | Promise<FastInput> | undefined;
  dispatch(operation: string, input: Record<string, unknown>, call: CallContext): Promise<unknown>;
}

/** What REST-JSON and Query services share: a compact model (tools/derive-service-model.mjs) and a dispatch. */
interface BoundService {
  /** Name in logs and fault rules (e.g. `lambda`). */
  readonly name: string;
  /** SigV4 service name in the credential scope (also how Query services are told apart). */
  readonly signingName: string;
  readonly model: BindingModel;
  /** The operation's output (encoded by the protocol module), or throws an AwsError. */
  dispatch(operation: string, input: Record<string, unknown>, call: CallContext): Promise<unknown>;
}

/** A REST-JSON service (Lambda), addressed by method + path under its path prefixes. */
export interface RestJsonService extends BoundService {
  readonly protocol: 'rest-json';
  /** e.g. `/2015-03-31/`: a request whose path starts with one is this service's. */
  readonly pathPrefixes: readonly string[];
}

/** A Query service (STS, IAM): form bodies with `Action=`, XML answers. */
export interface QueryService extends BoundService {
  readonly protocol: 'query';
}

/** The services the front end hosts; the router tells them apart before any body is decoded. */
export type AwsService = JsonRpcService | RestJsonService | QueryService;
