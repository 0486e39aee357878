// Shard iterators: opaque tokens that carry everything GetRecords needs (stream, shard, position,
// issue time), sealed with AES-256-GCM under a server key so clients can neither read nor forge
// them. Nothing is stored server-side. Layout: see docs/iterators.md.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface IteratorPosition {
  readonly account: string;
  readonly region: string;
  readonly streamName: string;
  /** Distinguishes a stream from an earlier one with the same name. */
  readonly streamUid: string;
  readonly shardIndex: number;
  /** Log offset of the next record to read. */
  readonly offset: number;
  /** When the iterator was issued, epoch ms (iterators expire 5 minutes later). */
  readonly issuedAtMs: number;
}

export const ITERATOR_KEY_BYTES = 32;
/** The model caps ShardIterator at 512 characters. */
export const ITERATOR_CHARS_MAX = 512;

const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER = Buffer.from([FORMAT_VERSION]);
/** version(1) + iv + tag, around the ciphertext. */
const OVERHEAD_BYTES = 1 + IV_BYTES + TAG_BYTES;
/** issuedAtMs(6) + shardIndex(4) + offset(8). */
const FIXED_BYTES = 6 + 4 + 8;
const STRING_BYTES_MAX = 255;
const UINT32_SPAN = 2 ** 32;

export function encodeIterator(key: Buffer, pos: IteratorPosition): string {
  const strings = [pos.streamUid, pos.account, pos.region, pos.streamName].map((s) => Buffer.from(s, 'utf8'));
  let size = FIXED_BYTES;
  for (const s of strings) {
    if (s.length > STRING_BYTES_MAX) throw new RangeError('iterator field too long');
    size += 1 + s.length;
  }
  const plain = Buffer.allocUnsafe(size);
  plain.writeUIntBE(pos.issuedAtMs, 0, 6);
  plain.writeUInt32BE(pos.shardIndex, 6);
  plain.writeUInt32BE(Math.floor(pos.offset / UINT32_SPAN), 10);
  plain.writeUInt32BE(pos.offset % UINT32_SPAN, 14);
  let at = FIXED_BYTES;
  for (const s of strings) {
    plain[at++] = s.length;
    at += s.copy(plain, at);
  }
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(HEADER);
  const sealed = Buffer.concat([HEADER, iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  const token = sealed.toString('base64');
  if (token.length > ITERATOR_CHARS_MAX) throw new RangeError('iterator too long');
  return token;
}

/** Undefined for anything that is not an intact iterator sealed under `key`. */
export function decodeIterator(key: Buffer, token: string): IteratorPosition | undefined {
  if (token.length > ITERATOR_CHARS_MAX) return undefined;
  const sealed = Buffer.from(token, 'base64');
  if (sealed.length < OVERHEAD_BYTES + FIXED_BYTES + 4 || sealed[0] !== FORMAT_VERSION) return undefined;
  if (sealed.toString('base64') !== token) return undefined;
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const body = sealed.subarray(1 + IV_BYTES, sealed.length - TAG_BYTES);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(HEADER);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    plain = Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return undefined;
  }
  return parsePlain(plain);
}

function parsePlain(plain: Buffer): IteratorPosition | undefined {
  const issuedAtMs = plain.readUIntBE(0, 6);
  const shardIndex = plain.readUInt32BE(6);
  const offset = plain.readUInt32BE(10) * UINT32_SPAN + plain.readUInt32BE(14);
  const strings: string[] = [];
  let at = FIXED_BYTES;
  for (let i = 0; i < 4; i++) {
    const len = plain[at];
    if (len === undefined || at + 1 + len > plain.length) return undefined;
    strings.push(plain.toString('utf8', at + 1, at + 1 + len));
    at += 1 + len;
  }
  if (at !== plain.length || !Number.isSafeInteger(offset)) return undefined;
  const [streamUid, account, region, streamName] = strings as [string, string, string, string];
  return { account, region, streamName, streamUid, shardIndex, offset, issuedAtMs };
}

/** Java's Date#toString in UTC, as AWS prints it in ExpiredIteratorException: `Thu Jan 22 01:22:02 UTC 2015`. */
export function amzUtcString(ms: number): string {
  const m = /^(\w{3}), (\d{2}) (\w{3}) (\d{4}) (\d{2}:\d{2}:\d{2}) GMT$/.exec(new Date(ms).toUTCString());
  if (!m) return new Date(ms).toISOString();
  return `${m[1]} ${m[3]} ${m[2]} ${m[5]} UTC ${m[4]}`;
}
