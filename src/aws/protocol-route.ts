// The route of the REST-JSON (Lambda) and Query (STS, IAM) services: the protocol module decodes
// the request to an operation and its raw input, the front end checks authentication (shape),
// authorizes (hook) and applies fault rules, the service dispatches, and the same module encodes
// the output or the error. Input validation against these models comes with the first service
// that speaks them (the JSON-RPC validator reads the JSON-RPC model format).
import {
  AwsError,
  frontEndErrors,
  IncompleteSignatureException,
  InvalidSignatureException,
  MissingAuthenticationTokenException,
} from './errors.js';
import { INTERNAL_FAILURE } from './faults.js';
import type { JsonRpcHooks } from './json-rpc-route.js';
import type { CallContext, Req, Res } from './operation.js';
import {
  isDecoded,
  type Protocol,
  type ServiceModel,
  type WireError,
  type WireResponse,
} from './protocols/protocol.js';
import { query as queryProtocol } from './protocols/query.js';
import { restJson } from './protocols/rest-json.js';
import type { QueryService, RestJsonService } from './service.js';
import { checkAuth } from './sigv4.js';

function write(res: Res, answer: WireResponse): void {
  if (res.headersSent || res.writableEnded) return;
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.setHeader('Content-Length', answer.body.length);
  res.end(answer.body);
}

const protocolOf = (service: RestJsonService | QueryService): Protocol<ServiceModel> =>
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
): Promise<void> {
  const protocol = protocolOf(service);
  const fail = (err: WireError) => write(res, protocol.encodeError(err, requestId, service.model));
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const query = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
  const decoded = protocol.decode(
    { method: req.method ?? 'GET', path: q >= 0 ? url.slice(0, q) : url, query, headers: req.headers, body },
    service.model,
  );
  if (!isDecoded(decoded)) return fail(decoded);

  const auth = checkAuth(
    req.headers.authorization,
    query,
    Boolean(req.headers['x-amz-date'] || req.headers.date),
  );
  if (auth.kind === 'missing')
    return fail(new MissingAuthenticationTokenException('Missing Authentication Token'));
  if (auth.kind === 'both')
    return fail(
      new InvalidSignatureException(
        "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
      ),
    );
  if (auth.kind === 'incomplete') return fail(new IncompleteSignatureException(auth.message));

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
      if (fault)
        return fail(
          new AwsError(fault.error, fault.message, {
            fault: 'client',
            status: fault.status,
            messageKey: 'message',
          }),
        );
    }
    const output = await service.dispatch(decoded.operation, decoded.input, call);
    write(res, protocol.encodeOutput(decoded.operation, output, service.model, requestId));
  } catch (err) {
    if (err instanceof AwsError) return fail(err);
    hooks.onError?.(err, decoded.operation);
    fail(internalFailure());
  }
}
