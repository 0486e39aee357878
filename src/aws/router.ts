// Which service a request is for, decided before its body is decoded: by X-Amz-Target prefix
// for the JSON 1.0/1.1 services, by method + path for REST-JSON services, by the `Action=` form
// (told apart by the SigV4 credential scope's service, else by `Version`) for the Query services.
// A request no route claims goes to the default service, whose gateway answers (AccessDenied,
// UnknownOperation, ...) are what AWS answers such a request.
import type { AwsService, JsonRpcService, QueryService, RestJsonService } from './service.js';

export interface RouteKey {
  readonly method: string;
  /** The path without its query string. */
  readonly path: string;
  readonly target: string | undefined;
  /** Lower-case media type, without parameters. */
  contentType(): string;
  /** The service named in the SigV4 credential scope, when the request is signed. */
  signingName(): string | undefined;
  /** `Version=` of a Query request (form body or query string), read only when needed. */
  version(): string | undefined;
}

export interface Router {
  /** The JSON-RPC service an X-Amz-Target names, if any. */
  byTarget(target: string): JsonRpcService | undefined;
  route(key: RouteKey): AwsService;
}

const QUERY_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export function createRouter(services: readonly AwsService[], defaultService: AwsService): Router {
  const byPrefix = new Map<string, JsonRpcService>();
  const rest: RestJsonService[] = [];
  const query: QueryService[] = [];
  for (const s of services) {
    if (s.protocol === 'json-rpc') {
      if (byPrefix.has(s.targetPrefix)) throw new Error(`two services answer ${s.targetPrefix}`);
      byPrefix.set(s.targetPrefix, s);
    } else if (s.protocol === 'rest-json') rest.push(s);
    else query.push(s);
  }
  const queryRoute = (key: RouteKey): QueryService | undefined => {
    if (query.length === 0) return undefined;
    const form = key.method === 'POST' ? key.contentType() === QUERY_CONTENT_TYPE : key.method === 'GET';
    if (!form) return undefined;
    const bySigning = query.find((s) => s.signingName === key.signingName());
    if (bySigning) return bySigning;
    const version = key.version();
    return query.find((s) => s.model.apiVersion === version);
  };
  const byTarget = (target: string): JsonRpcService | undefined => {
    const dot = target.indexOf('.');
    return byPrefix.get(dot >= 0 ? target.slice(0, dot) : target);
  };
  return {
    byTarget,
    route(key) {
      const found = key.target === undefined ? undefined : byTarget(key.target);
      if (found) return found;
      if (rest.length > 0) {
        const restService = rest.find((s) => s.pathPrefixes.some((p) => key.path.startsWith(p)));
        if (restService) return restService;
      }
      return queryRoute(key) ?? defaultService;
    },
  };
}
