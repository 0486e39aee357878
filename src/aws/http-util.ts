// Small response helpers every protocol route shares.
import type { Res } from './operation.js';

export function send(res: Res, status: number, body: Buffer | string, contentType?: string): void {
  if (res.headersSent || res.writableEnded) return;
  res.statusCode = status;
  if (contentType) res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const escapeXml = (text: string): string => text.replace(/[&<>]/g, (c) => XML_ESCAPES[c] ?? c);

/**
 * AWS's gateway-level errors: a bare XML document without a content type,
 * `<Type>\n  <Message>…</Message>\n</Type>\n`, or `<Type/>\n` when there is no message.
 */
export function sendXmlError(res: Res, status: number, type: string, message?: string): void {
  const body =
    message === undefined
      ? `<${type}/>\n`
      : `<${type}>\n  <Message>${escapeXml(message)}</Message>\n</${type}>\n`;
  send(res, status, body);
}
