// Small response helpers every protocol route shares.
import type { Res } from './operation.js';

export function send(res: Res, status: number, body: Buffer | string, contentType?: string): void {
  if (res.headersSent || res.writableEnded) return;
  res.statusCode = status;
  if (contentType) res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** AWS's gateway-level 403s: a bare XML document (exposing only these two headers to browsers). */
export function sendXmlError(res: Res, type: string, message: string, cors: boolean): void {
  if (cors) res.setHeader('Access-Control-Expose-Headers', 'x-amz-request-id, x-amz-id-2');
  send(res, 403, `<${type}>\n  <Message>${message}</Message>\n</${type}>\n`);
}
