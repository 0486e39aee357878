import zlib from 'node:zlib';

// CRC-32 (IEEE 802.3, the zlib/PNG polynomial). Node >= 20.15 has a native zlib.crc32 (several GB/s);
// the table version is the fallback for older runtimes and the reference the tests compare against.

type Crc32 = (data: Uint8Array, initial?: number) => number;

const table = makeTable();

function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

export function crc32Table(data: Uint8Array, initial = 0): number {
  let c = ~initial;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const native = (zlib as { crc32?: Crc32 }).crc32;

/** `crc32(b, crc32(a))` is the CRC of `a` followed by `b`. */
export const crc32: Crc32 = native ?? crc32Table;
