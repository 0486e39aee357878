// AWS Signature Version 4, header form (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html).
// No node: imports: the hashing is injected (node:crypto on the server side, WebCrypto or the pure
// sha256.ts in browsers), so this module is also served to the web console as-is.

/** SHA-256 and HMAC-SHA256, sync or async. Strings are hashed as UTF-8. */
export interface SigningCrypto {
  sha256Hex(data: Uint8Array | string): string | Promise<string>;
  hmacSha256(key: Uint8Array | string, data: string): Uint8Array | Promise<Uint8Array>;
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignInput {
  readonly method: string;
  /** The URI path, already URI-encoded (`/` for the Kinesis API). */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  /** Every header to sign, names lower-case; must hold `host` and `x-amz-date`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Hex SHA-256 of the body (or `UNSIGNED-PAYLOAD`). */
  readonly payloadHash: string;
  readonly region: string;
  readonly service: string;
  readonly credentials: Credentials;
}

export interface Signature {
  readonly authorization: string;
  readonly signature: string;
  readonly signedHeaders: string;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] as number];
  return out;
}

/** `YYYYMMDDTHHMMSSZ` of an epoch-milliseconds time. */
export function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** RFC 3986 encoding, as SigV4 wants it for query names and values. */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(query: Readonly<Record<string, string>> | undefined): string {
  if (query === undefined) return '';
  return Object.entries(query)
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/**
 * Derives signing keys and signs requests. The key of the latest day/region/service is kept, so a
 * request costs one SHA-256 of its canonical form and one HMAC.
 */
export class SigV4Signer {
  readonly #crypto: SigningCrypto;
  #keyScope = '';
  #key: Uint8Array | Promise<Uint8Array> | undefined;

  constructor(crypto: SigningCrypto) {
    this.#crypto = crypto;
  }

  async sign(input: SignInput): Promise<Signature> {
    const date = input.headers['x-amz-date'];
    if (date === undefined || input.headers.host === undefined)
      throw new Error('SigV4: the headers to sign need host and x-amz-date');
    const names = Object.keys(input.headers).sort();
    let canonicalHeaders = '';
    for (const name of names) {
      canonicalHeaders += `${name}:${String(input.headers[name]).trim().replace(/\s+/g, ' ')}\n`;
    }
    const signedHeaders = names.join(';');
    const canonicalRequest = `${input.method}\n${input.path}\n${canonicalQuery(input.query)}\n${canonicalHeaders}\n${signedHeaders}\n${input.payloadHash}`;
    const day = date.slice(0, 8);
    const scope = `${day}/${input.region}/${input.service}/aws4_request`;
    const stringToSign = `AWS4-HMAC-SHA256\n${date}\n${scope}\n${await this.#crypto.sha256Hex(canonicalRequest)}`;
    const signature = toHex(await this.#crypto.hmacSha256(await this.#signingKey(input, day), stringToSign));
    return {
      authorization: `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
      signature,
      signedHeaders,
      canonicalRequest,
      stringToSign,
    };
  }

  #signingKey(input: SignInput, day: string): Uint8Array | Promise<Uint8Array> {
    const keyScope = `${input.credentials.secretAccessKey}\n${day}\n${input.region}\n${input.service}`;
    if (this.#key === undefined || keyScope !== this.#keyScope) {
      this.#keyScope = keyScope;
      this.#key = deriveSigningKey(
        this.#crypto,
        input.credentials.secretAccessKey,
        day,
        input.region,
        input.service,
      );
    }
    return this.#key;
  }
}

export async function deriveSigningKey(
  crypto: SigningCrypto,
  secretAccessKey: string,
  day: string,
  region: string,
  service: string,
): Promise<Uint8Array> {
  const kDate = await crypto.hmacSha256(`AWS4${secretAccessKey}`, day);
  const kRegion = await crypto.hmacSha256(kDate, region);
  const kService = await crypto.hmacSha256(kRegion, service);
  return crypto.hmacSha256(kService, 'aws4_request');
}
