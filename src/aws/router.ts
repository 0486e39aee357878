// Which service a request is for, decided before its body is decoded: by X-Amz-Target prefix
// for the JSON 1.0/1.1 services, by method + path for REST-JSON services, by the `Action=` form
// member for the Query services. A request no route claims goes to the default service, whose
// gateway answers (AccessDenied, UnknownOperation, ...) are what AWS answers such a request.
import type { AwsService } from './service.js';

export interface RouteKey {
  readonly method: string;
  readonly path: string;
  readonly target: string | undefined;
}

export interface Router {
  route(key: RouteKey): AwsService;
}

export function createRouter(services: readonly AwsService[], defaultService: AwsService): Router {
  const byPrefix = new Map<string, AwsService>();
  for (const s of services) {
    if (byPrefix.has(s.targetPrefix)) throw new Error(`two services answer ${s.targetPrefix}`);
    byPrefix.set(s.targetPrefix, s);
  }
  return {
    route(key) {
      const target = key.target;
      if (target !== undefined) {
        const dot = target.indexOf('.');
        const found = byPrefix.get(dot >= 0 ? target.slice(0, dot) : target);
        if (found) return found;
      }
      return defaultService;
    },
  };
}
