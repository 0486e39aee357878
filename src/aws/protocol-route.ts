// The route of the REST-JSON (Lambda) and Query (STS, IAM) services: the protocol module decodes
// the request to an operation and its raw input, the front end checks authentication (shape),
// authorizes (hook) and applies fault rules, the service dispatches, and the same module encodes
// the output or the error. Input validation against these models comes with the first service
// that speaks them (the JSON-RPC validator reads the JSON-RPC model format).
import { AwsError, frontEndErrors } from './errors.js';
import { faultError, INTERNAL_FAILURE } from './faults.js';
import type { JsonRpcHooks } from './json-rpc-route.js';
import type { CallContext, Req, Res } from './operation.js';
import {
  type BindingModel,
  isDecoded,
  type Protocol,
  type WireError,
  type WireResponse,
} from './protocols/protocol.js';
import { query as queryProtocol } from './protocols/query.js';
import { restJson } from './protocols/rest-json.js';
import type { QueryService, RestJsonService } from './service.js';
import { authError, authenticate } from './sigv4.js';

function write(res: Res, answer: WireResponse): void {
  if (res.headersSent || res.writableEnded) return;
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.setHeader('Content-Length', answer.body.length);
  res.end(answer.body);
}

const protocolOf = (service: RestJsonService | QueryService): Protocol<BindingModel> =>
  service.protocol === 'rest-json' ? restJson : queryProtocol;

const internalFailure = (): AwsError =>
  new AwsError(INTERNAL_FAILURE, undefined, frontEndErrors.InternalFailure);

export async function serveBound(
  service: RestJsonService | QueryService,
  hooks: JsonRpcHooks,
  req: Req,
  res: Res,
  body: Buffer,
  requestId: string,
  path: string,
  query: URLSearchParams,
): Promise<void> {
  const protocol = protocolOf(service);
  const fail = (err: WireError) => write(res, protocol.encodeError(err, requestId, service.model));
  const decoded = protocol.decode(
    { method: req.method ?? 'GET', path, query, headers: req.headers, body },
    service.model,
  );
  if (!isDecoded(decoded)) return fail(decoded);

  const auth = authenticate(req.headers, query);
  if (auth.kind !== 'ok') return fail(authError(auth));

  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const call: CallContext = {
    requestId,
    region: auth.auth.region,
    accessKeyId: auth.auth.accessKeyId,
    wire: 'json',
    signal: abort.signal,
  };
  try {
    const faults = hooks.faults?.active;
    if (faults !== undefined) {
      const fault = await faults.beforeCall(service.name, decoded.operation, decoded.input, call.region, req);
      if (fault === 'dropped') return;
      if (fault?.error === INTERNAL_FAILURE) return fail(internalFailure());
      if (fault) return fail(faultError(fault));
    }
    const output = await service.dispatch(decoded.operation, decoded.input, call);
    write(res, protocol.encodeOutput(decoded.operation, output, service.model, requestId));
  } catch (err) {
    if (err instanceof AwsError) return fail(err);
    hooks.onError?.(err, decoded.operation);
    fail(internalFailure());
  }
}
