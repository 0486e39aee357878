// SigV4 parsing for the AWS front-end checks (presence and shape). Signature verification comes
// with access control; this module already extracts what it needs: access key, date, region.

import {
  type AwsError,
  IncompleteSignatureException,
  InvalidSignatureException,
  MissingAuthenticationTokenException,
} from './errors.js';

export interface AuthInfo {
  readonly accessKeyId: string;
  readonly region: string | undefined;
  readonly service: string | undefined;
}

export type AuthOutcome =
  | { readonly kind: 'ok'; readonly auth: AuthInfo }
  | { readonly kind: 'missing' }
  | { readonly kind: 'both' }
  | { readonly kind: 'incomplete'; readonly message: string };

const HEADER_PARAMS = ['Credential', 'Signature', 'SignedHeaders'] as const;
const QUERY_PARAMS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Signature',
  'X-Amz-SignedHeaders',
  'X-Amz-Date',
] as const;

function parseCredential(credential: string | undefined): AuthInfo {
  // <access key>/<yyyymmdd>/<region>/<service>/aws4_request
  const parts = (credential ?? '').split('/');
  return { accessKeyId: parts[0] ?? '', region: parts[2] || undefined, service: parts[3] || undefined };
}

export function checkAuth(
  authorization: string | undefined,
  query: URLSearchParams,
  hasDateHeader: boolean,
): AuthOutcome {
  const queryAuth = query.has('X-Amz-Algorithm');
  if (authorization !== undefined && queryAuth) return { kind: 'both' };
  if (authorization === undefined && !queryAuth) return { kind: 'missing' };
  if (authorization !== undefined) {
    const params = new Map<string, string>();
    for (const piece of authorization.split(/,| /).slice(1)) {
      const eq = piece.indexOf('=');
      if (eq > 0) params.set(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim());
    }
    let message = '';
    for (const p of HEADER_PARAMS)
      if (!params.get(p)) message += `Authorization header requires '${p}' parameter. `;
    if (!hasDateHeader)
      message += `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. `;
    if (message) return { kind: 'incomplete', message: `${message}Authorization=${authorization}` };
    return { kind: 'ok', auth: parseCredential(params.get('Credential')) };
  }
  let message = '';
  for (const p of QUERY_PARAMS)
    if (!query.get(p)) message += `AWS query-string parameters must include '${p}'. `;
  if (message) return { kind: 'incomplete', message: `${message}Re-examine the query-string parameters.` };
  return { kind: 'ok', auth: parseCredential(query.get('X-Amz-Credential') ?? undefined) };
}

const CREDENTIAL_RE = /Credential=([^,\s]+)/;

/** The service named in a request's credential scope (header or presigned form), for routing. */
export function signingServiceOf(
  authorization: string | undefined,
  query: URLSearchParams,
): string | undefined {
  if (authorization !== undefined) return parseCredential(CREDENTIAL_RE.exec(authorization)?.[1]).service;
  const credential = query.get('X-Amz-Credential');
  return credential === null ? undefined : parseCredential(credential).service;
}

const BOTH_AUTH_MESSAGE =
  "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.";

/** The shape check of a request's signature (header or presigned query), as every route applies it. */
export function authenticate(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  query: URLSearchParams,
): AuthOutcome {
  const authorization = headers.authorization;
  return checkAuth(
    typeof authorization === 'string' ? authorization : undefined,
    query,
    Boolean(headers['x-amz-date'] || headers.date),
  );
}

/** The error AWS answers for a failed shape check. */
export function authError(outcome: Exclude<AuthOutcome, { kind: 'ok' }>): AwsError {
  if (outcome.kind === 'missing')
    return new MissingAuthenticationTokenException('Missing Authentication Token');
  if (outcome.kind === 'both') return new InvalidSignatureException(BOTH_AUTH_MESSAGE);
  return new IncompleteSignatureException(outcome.message);
}
