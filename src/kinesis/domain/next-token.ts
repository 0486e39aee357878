// Paging tokens: base64url JSON with an issue time; they expire after 300 s like AWS's.
import { limits } from '../limits.js';

export interface TokenBody {
  readonly after: string;
  readonly [key: string]: unknown;
}

export function encodeNextToken(body: TokenBody, nowMs: number): string {
  return Buffer.from(JSON.stringify({ ...body, t: nowMs })).toString('base64url');
}

export function decodeNextToken(token: string, nowMs: number): TokenBody | 'expired' | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      after?: unknown;
      t?: unknown;
    };
    if (typeof parsed.after !== 'string' || typeof parsed.t !== 'number') return undefined;
    if (nowMs - parsed.t > limits.nextTokenLifetimeMs) return 'expired';
    return parsed as TokenBody;
  } catch {
    return undefined;
  }
}
