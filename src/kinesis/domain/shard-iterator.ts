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

/**
 * AWS's iterators are base64 of `0000000000000001` (8 bytes) followed by an opaque part, 152 + 16·k
 * bytes in all (kinesalite's test/helpers.js assertShardIterator, recorded against AWS). Ours keep
 * that shape: the header, then iv | AES-256-GCM ciphertext | tag, the plaintext zero-padded so the
 * total is 152 + 16·k.
 */
export const ITERATOR_HEADER = Buffer.from('0000000000000001', 'hex');
export const ITERATOR_BYTES_MIN = 152;
export const ITERATOR_BYTES_STEP = 16;
/** The largest 152 + 16·k whose base64 fits in 512 characters: 376 bytes, 504 characters. */
export const ITERATOR_BYTES_MAX =
  ITERATOR_BYTES_MIN +
  Math.floor(((ITERATOR_CHARS_MAX / 4) * 3 - ITERATOR_BYTES_MIN) / ITERATOR_BYTES_STEP) * ITERATOR_BYTES_STEP;

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** header + iv + tag, around the ciphertext. */
const OVERHEAD_BYTES = ITERATOR_HEADER.length + IV_BYTES + TAG_BYTES;
/** issuedAtMs(6) + shardIndex(4) + offset(8). */
const FIXED_BYTES = 6 + 4 + 8;
const STRING_COUNT = 4;
const STRING_BYTES_MAX = 255;
const UINT32_SPAN = 2 ** 32;

/** Before the AWS-shaped layout: version byte 1 as associated data, no header, no padding. */
const LEGACY_VERSION = 1;
const LEGACY_HEADER = Buffer.from([LEGACY_VERSION]);

export function encodeIterator(key: Buffer, pos: IteratorPosition): string {
  const strings = [pos.streamUid, pos.account, pos.region, pos.streamName].map((s) => Buffer.from(s, 'utf8'));
  let size = FIXED_BYTES;
  for (const s of strings) {
    if (s.length > STRING_BYTES_MAX) throw new RangeError('iterator field too long');
    size += 1 + s.length;
  }
  const total = paddedTotal(OVERHEAD_BYTES + size);
  if (total > ITERATOR_BYTES_MAX) throw new RangeError('iterator too long');
  // Zero-filled: the bytes after the last string are the padding.
  const plain = Buffer.alloc(total - OVERHEAD_BYTES);
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
  cipher.setAAD(ITERATOR_HEADER);
  const sealed = Buffer.concat([
    ITERATOR_HEADER,
    iv,
    cipher.update(plain),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return sealed.toString('base64');
}

/** The smallest 152 + 16·k at or above `bytes`. */
function paddedTotal(bytes: number): number {
  if (bytes <= ITERATOR_BYTES_MIN) return ITERATOR_BYTES_MIN;
  return (
    ITERATOR_BYTES_MIN + Math.ceil((bytes - ITERATOR_BYTES_MIN) / ITERATOR_BYTES_STEP) * ITERATOR_BYTES_STEP
  );
}

/**
 * GetRecords strips one pair of surrounding double quotes, as AWS does (LocalStack's AWS-validated
 * test_get_records_shard_iterator_with_surrounding_quotes).
 */
export function unquoteIterator(token: string): string {
  return token.length >= 2 && token.startsWith('"') && token.endsWith('"') ? token.slice(1, -1) : token;
}

/**
 * Undefined for anything that is not an intact iterator sealed under `key`. Iterators of the
 * earlier layout (version byte 1, issued before an upgrade, valid for 5 minutes) are still read.
 */
export function decodeIterator(key: Buffer, token: string): IteratorPosition | undefined {
  if (token.length > ITERATOR_CHARS_MAX) return undefined;
  const sealed = Buffer.from(token, 'base64');
  if (sealed.toString('base64') !== token) return undefined;
  if (
    sealed.length >= ITERATOR_HEADER.length &&
    sealed.subarray(0, ITERATOR_HEADER.length).equals(ITERATOR_HEADER)
  ) {
    if (
      sealed.length < ITERATOR_BYTES_MIN ||
      (sealed.length - ITERATOR_BYTES_MIN) % ITERATOR_BYTES_STEP !== 0
    )
      return undefined;
    const plain = open(key, sealed, ITERATOR_HEADER);
    return plain && parsePlain(plain, true);
  }
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES + FIXED_BYTES + STRING_COUNT || sealed[0] !== LEGACY_VERSION)
    return undefined;
  const plain = open(key, sealed, LEGACY_HEADER);
  return plain && parsePlain(plain, false);
}

/** Authenticates and decrypts `header | iv | ciphertext | tag`. */
function open(key: Buffer, sealed: Buffer, header: Buffer): Buffer | undefined {
  const ivAt = header.length;
  const iv = sealed.subarray(ivAt, ivAt + IV_BYTES);
  const body = sealed.subarray(ivAt + IV_BYTES, sealed.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(header);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return undefined;
  }
}

function parsePlain(plain: Buffer, padded: boolean): IteratorPosition | undefined {
  if (plain.length < FIXED_BYTES + STRING_COUNT) return undefined;
  const issuedAtMs = plain.readUIntBE(0, 6);
  const shardIndex = plain.readUInt32BE(6);
  const offset = plain.readUInt32BE(10) * UINT32_SPAN + plain.readUInt32BE(14);
  const strings: string[] = [];
  let at = FIXED_BYTES;
  for (let i = 0; i < STRING_COUNT; i++) {
    const len = plain[at];
    if (len === undefined || at + 1 + len > plain.length) return undefined;
    strings.push(plain.toString('utf8', at + 1, at + 1 + len));
    at += 1 + len;
  }
  if (padded) {
    for (let i = at; i < plain.length; i++) if (plain[i] !== 0) return undefined;
  } else if (at !== plain.length) return undefined;
  if (!Number.isSafeInteger(offset)) return undefined;
  const [streamUid, account, region, streamName] = strings as [string, string, string, string];
  return { account, region, streamName, streamUid, shardIndex, offset, issuedAtMs };
}

/** Java's Date#toString in UTC, as AWS prints it in ExpiredIteratorException: `Thu Jan 22 01:22:02 UTC 2015`. */
export function amzUtcString(ms: number): string {
  const m = /^(\w{3}), (\d{2}) (\w{3}) (\d{4}) (\d{2}:\d{2}:\d{2}) GMT$/.exec(new Date(ms).toUTCString());
  if (!m) return new Date(ms).toISOString();
  return `${m[1]} ${m[3]} ${m[2]} ${m[5]} UTC ${m[4]}`;
}
