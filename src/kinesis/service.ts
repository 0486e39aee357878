// The Kinesis service on the shared front end: JSON 1.1 + CBOR under X-Amz-Target
// `Kinesis_20131202`, its model, its operation table (operations/index.ts), its dispatch
// (control-plane rates, request logs) and the PutRecord(s) wire fast path.
import type { CallContext, OpContext } from '../aws/operation.js';
import type { FastInput, JsonRpcService, OperationEntry } from '../aws/service.js';
import type { AppLogger } from '../core/log.js';
import { slotKey } from '../core/slots.js';
import { ControlPlaneRates } from './domain/control-plane-rates.js';
import { LimitExceededException } from './errors.js';
import { limits } from './limits.js';
import { model, operationNames } from './model.js';
import { type DispatchEntry, dispatchTable } from './operations/index.js';
import type { Services } from './state/services.js';
import type { CodecPool } from './wire/codec-pool.js';
import { readJsonInputFast } from './wire/fast-json-input.js';

const CONTROL_PLANE_RATES = slotKey<ControlPlaneRates>('kinesis/control-plane-rates');

/** Turns on AWS's control-plane call rates (after bootstrap: only API calls count against them). */
export function enforceControlPlaneRates(services: Services): void {
  services.slots.set(CONTROL_PLANE_RATES, new ControlPlaneRates());
}

export interface KinesisServiceOptions {
  readonly log: AppLogger;
  /** Worker threads for large PutRecords bodies; without, bodies are read inline. */
  readonly codecPool?: CodecPool;
}

export function kinesisService(services: Services, options: KinesisServiceOptions): JsonRpcService {
  const table = dispatchTable(operationNames);
  const { log, codecPool } = options;
  // Request logs (debug level) cost nothing unless enabled: the check is made once.
  const logRequests = log.debug !== undefined && log.isLevelEnabled?.('debug') === true;
  return {
    protocol: 'json-rpc',
    name: 'kinesis',
    signingName: 'kinesis',
    targetPrefix: model.targetPrefix,
    model,
    operation: (name) => table.get(name),
    readFastInput(entry: OperationEntry, body: Buffer): FastInput | Promise<FastInput> | undefined {
      const shapeName = model.operations[entry.name]?.input ?? '';
      const offloaded =
        entry.fastPath === 'json-input-offload' && body.length >= limits.decodeOffloadBytesMin
          ? codecPool?.tryDecode(body, shapeName)
          : undefined;
      if (offloaded !== undefined) return offloaded;
      const input = readJsonInputFast(body, shapeName);
      return input === undefined ? undefined : { input };
    },
    async dispatch(operation, input, call) {
      const entry = table.get(operation);
      if (!entry) throw new Error(`no handler for ${operation}`);
      if (!logRequests) return invoke(services, entry, input, call);
      const startMs = performance.now();
      try {
        const out = await invoke(services, entry, input, call);
        log.debug?.(requestLog(call, operation, input, startMs), 'request');
        return out;
      } catch (err) {
        const e = err as { name?: string };
        log.debug?.(
          { ...requestLog(call, operation, input, startMs), error: e?.name ?? 'Error' },
          'request failed',
        );
        throw err;
      }
    },
  };
}

/** One structured line per request; requestId is the x-amzn-RequestId the client saw. */
function requestLog(call: CallContext, operation: string, input: Record<string, unknown>, startMs: number) {
  return {
    requestId: call.requestId,
    operation,
    stream: input.StreamName ?? input.StreamARN ?? input.ConsumerARN,
    wire: call.wire,
    ms: Math.round((performance.now() - startMs) * 100) / 100,
  };
}

function invoke(
  services: Services,
  entry: DispatchEntry,
  input: Record<string, unknown>,
  call: CallContext,
): Promise<unknown> {
  const account = services.config.accountId;
  const region = call.region ?? services.config.region;
  const rates = services.slots.get(CONTROL_PLANE_RATES);
  if (
    rates &&
    entry.rateTps !== undefined &&
    !rates.tryCall(entry.name, entry.rateTps, account, region, Date.now())
  )
    throw new LimitExceededException(
      typeof input.StreamName === 'string'
        ? `Rate exceeded for stream ${input.StreamName} under account ${account}.`
        : `Rate exceeded for ${entry.name} under account ${account}.`,
    );
  const ctx: OpContext = {
    account,
    region,
    requestId: call.requestId,
    nowMs: Date.now(),
    // Lazy: the front end makes the AbortSignal only for operations that read it.
    get signal() {
      return call.signal;
    },
    wire: call.wire,
    faults: services.faults?.active,
  };
  return entry.handler(services, input, ctx);
}
