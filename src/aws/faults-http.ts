// The fault rules' admin endpoint, beside the AWS API under the reserved /_shardline/ prefix:
// GET answers the rules in force with their counters, PUT (or POST) replaces them with the JSON
// body (a `faults` section: { seed?, rules }), DELETE clears them. Errors answer
// { "message": "..." } (400 for rejected rules, 404 when the server has no fault injector).
import { FaultConfigError, type FaultInjector } from './faults.js';
import type { Req, Res } from './operation.js';

export const FAULTS_PATH = '/_shardline/faults';
/** Far above any sensible rule list; a larger body is refused (413). */
const BODY_BYTES_MAX = 1024 * 1024;

function json(res: Res, status: number, value: unknown, head = false): true {
  const body = `${JSON.stringify(value, null, 2)}\n`;
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  if (head) res.end();
  else res.end(body);
  return true;
}

function readBody(req: Req): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total <= BODY_BYTES_MAX) chunks.push(chunk);
    });
    req.on('end', () => resolve(total > BODY_BYTES_MAX ? undefined : Buffer.concat(chunks)));
    req.on('error', () => resolve(undefined));
  });
}

async function replace(injector: FaultInjector, req: Req, res: Res): Promise<void> {
  const body = await readBody(req);
  if (body === undefined) {
    json(res, 413, { message: `body larger than ${BODY_BYTES_MAX} bytes` });
    return;
  }
  let doc: unknown;
  try {
    doc = body.length === 0 ? null : JSON.parse(body.toString('utf8'));
  } catch (err) {
    json(res, 400, { message: `body is not JSON: ${(err as Error).message}` });
    return;
  }
  try {
    await injector.load(injector.parse(doc));
  } catch (err) {
    if (!(err instanceof FaultConfigError)) throw err;
    json(res, 400, { message: err.message });
    return;
  }
  json(res, 200, injector.state());
}

/** Handles FAULTS_PATH (any method); false for every other path. */
export function faultsRoute(injector: FaultInjector | undefined, path: string, req: Req, res: Res): boolean {
  if (path !== FAULTS_PATH) return false;
  if (injector === undefined) return json(res, 404, { message: 'fault injection is not available here' });
  switch (req.method) {
    case 'GET':
    case 'HEAD':
      return json(res, 200, injector.state(), req.method === 'HEAD');
    case 'PUT':
    case 'POST':
      replace(injector, req, res).catch((err: unknown) =>
        json(res, 500, { message: String((err as Error)?.message ?? err) }),
      );
      return true;
    case 'DELETE':
      injector.clear();
      return json(res, 200, injector.state());
    default:
      res.setHeader('Allow', 'GET, HEAD, PUT, POST, DELETE');
      return json(res, 405, { message: `method ${req.method} not allowed on ${FAULTS_PATH}` });
  }
}
