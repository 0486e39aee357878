// MD5 of a partition key, returned as the four big-endian 32-bit words of the 128-bit hash key.
//
// Why not node:crypto: each OpenSSL one-shot costs several microseconds of fixed overhead, which at
// hundreds of thousands of records per second is most of a core. Partition keys are short (at most
// 256 characters, so at most 1 KiB of UTF-8), and this plain RFC 1321 implementation over a reused
// buffer hashes one in well under a microsecond. The step constants are RFC 1321's: rotations per round,
// and K[i] = floor(abs(sin(i + 1)) * 2^32) as signed 32-bit integers. Property-tested against node:crypto.

/** Partition keys are at most 256 code points, so at most 1 KiB of UTF-8. */
const KEY_BYTES_MAX = 1024;
const block = new Uint8Array(KEY_BYTES_MAX + 72);
const blockView = new DataView(block.buffer);
const words = new Int32Array(16);
const out = new Uint32Array(4);
const encoder = new TextEncoder();

/** The hash key of `partitionKey` as big-endian words [w0, w1, w2, w3], in a reused array. */
export function md5Words(partitionKey: string): Uint32Array {
  let n = 0;
  const len = partitionKey.length;
  for (; n < len; n++) {
    const c = partitionKey.charCodeAt(n);
    if (c >= 0x80) break;
    block[n] = c;
  }
  if (n < len) {
    const r = encoder.encodeInto(partitionKey, block.subarray(0, KEY_BYTES_MAX));
    if (r.read !== len) throw new RangeError('partition key too long');
    n = r.written;
  }
  return digest(n);
}

function digest(n: number): Uint32Array {
  // Padding: 0x80, zeros to 56 mod 64, then the bit length as a 64-bit little-endian integer.
  const total = (((n + 8) >>> 6) + 1) << 6;
  block[n] = 0x80;
  block.fill(0, n + 1, total - 8);
  blockView.setUint32(total - 8, (n << 3) >>> 0, true);
  blockView.setUint32(total - 4, n >>> 29, true);
  let a0 = 0x67452301;
  let b0 = 0xefcdab89 | 0;
  let c0 = 0x98badcfe | 0;
  let d0 = 0x10325476;
  for (let off = 0; off < total; off += 64) {
    for (let i = 0; i < 16; i++) words[i] = blockView.getInt32(off + i * 4, true);
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    let t: number;
    // Unrolled: 64 steps with their constants inlined (V8 then keeps everything in registers).
    t = (a + ((b & c) | (~b & d)) + words[0]! + -680876936) | 0;
    a = (((t << 7) | (t >>> 25)) + b) | 0;
    t = (d + ((a & b) | (~a & c)) + words[1]! + -389564586) | 0;
    d = (((t << 12) | (t >>> 20)) + a) | 0;
    t = (c + ((d & a) | (~d & b)) + words[2]! + 606105819) | 0;
    c = (((t << 17) | (t >>> 15)) + d) | 0;
    t = (b + ((c & d) | (~c & a)) + words[3]! + -1044525330) | 0;
    b = (((t << 22) | (t >>> 10)) + c) | 0;
    t = (a + ((b & c) | (~b & d)) + words[4]! + -176418897) | 0;
    a = (((t << 7) | (t >>> 25)) + b) | 0;
    t = (d + ((a & b) | (~a & c)) + words[5]! + 1200080426) | 0;
    d = (((t << 12) | (t >>> 20)) + a) | 0;
    t = (c + ((d & a) | (~d & b)) + words[6]! + -1473231341) | 0;
    c = (((t << 17) | (t >>> 15)) + d) | 0;
    t = (b + ((c & d) | (~c & a)) + words[7]! + -45705983) | 0;
    b = (((t << 22) | (t >>> 10)) + c) | 0;
    t = (a + ((b & c) | (~b & d)) + words[8]! + 1770035416) | 0;
    a = (((t << 7) | (t >>> 25)) + b) | 0;
    t = (d + ((a & b) | (~a & c)) + words[9]! + -1958414417) | 0;
    d = (((t << 12) | (t >>> 20)) + a) | 0;
    t = (c + ((d & a) | (~d & b)) + words[10]! + -42063) | 0;
    c = (((t << 17) | (t >>> 15)) + d) | 0;
    t = (b + ((c & d) | (~c & a)) + words[11]! + -1990404162) | 0;
    b = (((t << 22) | (t >>> 10)) + c) | 0;
    t = (a + ((b & c) | (~b & d)) + words[12]! + 1804603682) | 0;
    a = (((t << 7) | (t >>> 25)) + b) | 0;
    t = (d + ((a & b) | (~a & c)) + words[13]! + -40341101) | 0;
    d = (((t << 12) | (t >>> 20)) + a) | 0;
    t = (c + ((d & a) | (~d & b)) + words[14]! + -1502002290) | 0;
    c = (((t << 17) | (t >>> 15)) + d) | 0;
    t = (b + ((c & d) | (~c & a)) + words[15]! + 1236535329) | 0;
    b = (((t << 22) | (t >>> 10)) + c) | 0;
    t = (a + ((b & d) | (c & ~d)) + words[1]! + -165796510) | 0;
    a = (((t << 5) | (t >>> 27)) + b) | 0;
    t = (d + ((a & c) | (b & ~c)) + words[6]! + -1069501632) | 0;
    d = (((t << 9) | (t >>> 23)) + a) | 0;
    t = (c + ((d & b) | (a & ~b)) + words[11]! + 643717713) | 0;
    c = (((t << 14) | (t >>> 18)) + d) | 0;
    t = (b + ((c & a) | (d & ~a)) + words[0]! + -373897302) | 0;
    b = (((t << 20) | (t >>> 12)) + c) | 0;
    t = (a + ((b & d) | (c & ~d)) + words[5]! + -701558691) | 0;
    a = (((t << 5) | (t >>> 27)) + b) | 0;
    t = (d + ((a & c) | (b & ~c)) + words[10]! + 38016083) | 0;
    d = (((t << 9) | (t >>> 23)) + a) | 0;
    t = (c + ((d & b) | (a & ~b)) + words[15]! + -660478335) | 0;
    c = (((t << 14) | (t >>> 18)) + d) | 0;
    t = (b + ((c & a) | (d & ~a)) + words[4]! + -405537848) | 0;
    b = (((t << 20) | (t >>> 12)) + c) | 0;
    t = (a + ((b & d) | (c & ~d)) + words[9]! + 568446438) | 0;
    a = (((t << 5) | (t >>> 27)) + b) | 0;
    t = (d + ((a & c) | (b & ~c)) + words[14]! + -1019803690) | 0;
    d = (((t << 9) | (t >>> 23)) + a) | 0;
    t = (c + ((d & b) | (a & ~b)) + words[3]! + -187363961) | 0;
    c = (((t << 14) | (t >>> 18)) + d) | 0;
    t = (b + ((c & a) | (d & ~a)) + words[8]! + 1163531501) | 0;
    b = (((t << 20) | (t >>> 12)) + c) | 0;
    t = (a + ((b & d) | (c & ~d)) + words[13]! + -1444681467) | 0;
    a = (((t << 5) | (t >>> 27)) + b) | 0;
    t = (d + ((a & c) | (b & ~c)) + words[2]! + -51403784) | 0;
    d = (((t << 9) | (t >>> 23)) + a) | 0;
    t = (c + ((d & b) | (a & ~b)) + words[7]! + 1735328473) | 0;
    c = (((t << 14) | (t >>> 18)) + d) | 0;
    t = (b + ((c & a) | (d & ~a)) + words[12]! + -1926607734) | 0;
    b = (((t << 20) | (t >>> 12)) + c) | 0;
    t = (a + (b ^ c ^ d) + words[5]! + -378558) | 0;
    a = (((t << 4) | (t >>> 28)) + b) | 0;
    t = (d + (a ^ b ^ c) + words[8]! + -2022574463) | 0;
    d = (((t << 11) | (t >>> 21)) + a) | 0;
    t = (c + (d ^ a ^ b) + words[11]! + 1839030562) | 0;
    c = (((t << 16) | (t >>> 16)) + d) | 0;
    t = (b + (c ^ d ^ a) + words[14]! + -35309556) | 0;
    b = (((t << 23) | (t >>> 9)) + c) | 0;
    t = (a + (b ^ c ^ d) + words[1]! + -1530992060) | 0;
    a = (((t << 4) | (t >>> 28)) + b) | 0;
    t = (d + (a ^ b ^ c) + words[4]! + 1272893353) | 0;
    d = (((t << 11) | (t >>> 21)) + a) | 0;
    t = (c + (d ^ a ^ b) + words[7]! + -155497632) | 0;
    c = (((t << 16) | (t >>> 16)) + d) | 0;
    t = (b + (c ^ d ^ a) + words[10]! + -1094730640) | 0;
    b = (((t << 23) | (t >>> 9)) + c) | 0;
    t = (a + (b ^ c ^ d) + words[13]! + 681279174) | 0;
    a = (((t << 4) | (t >>> 28)) + b) | 0;
    t = (d + (a ^ b ^ c) + words[0]! + -358537222) | 0;
    d = (((t << 11) | (t >>> 21)) + a) | 0;
    t = (c + (d ^ a ^ b) + words[3]! + -722521979) | 0;
    c = (((t << 16) | (t >>> 16)) + d) | 0;
    t = (b + (c ^ d ^ a) + words[6]! + 76029189) | 0;
    b = (((t << 23) | (t >>> 9)) + c) | 0;
    t = (a + (b ^ c ^ d) + words[9]! + -640364487) | 0;
    a = (((t << 4) | (t >>> 28)) + b) | 0;
    t = (d + (a ^ b ^ c) + words[12]! + -421815835) | 0;
    d = (((t << 11) | (t >>> 21)) + a) | 0;
    t = (c + (d ^ a ^ b) + words[15]! + 530742520) | 0;
    c = (((t << 16) | (t >>> 16)) + d) | 0;
    t = (b + (c ^ d ^ a) + words[2]! + -995338651) | 0;
    b = (((t << 23) | (t >>> 9)) + c) | 0;
    t = (a + (c ^ (b | ~d)) + words[0]! + -198630844) | 0;
    a = (((t << 6) | (t >>> 26)) + b) | 0;
    t = (d + (b ^ (a | ~c)) + words[7]! + 1126891415) | 0;
    d = (((t << 10) | (t >>> 22)) + a) | 0;
    t = (c + (a ^ (d | ~b)) + words[14]! + -1416354905) | 0;
    c = (((t << 15) | (t >>> 17)) + d) | 0;
    t = (b + (d ^ (c | ~a)) + words[5]! + -57434055) | 0;
    b = (((t << 21) | (t >>> 11)) + c) | 0;
    t = (a + (c ^ (b | ~d)) + words[12]! + 1700485571) | 0;
    a = (((t << 6) | (t >>> 26)) + b) | 0;
    t = (d + (b ^ (a | ~c)) + words[3]! + -1894986606) | 0;
    d = (((t << 10) | (t >>> 22)) + a) | 0;
    t = (c + (a ^ (d | ~b)) + words[10]! + -1051523) | 0;
    c = (((t << 15) | (t >>> 17)) + d) | 0;
    t = (b + (d ^ (c | ~a)) + words[1]! + -2054922799) | 0;
    b = (((t << 21) | (t >>> 11)) + c) | 0;
    t = (a + (c ^ (b | ~d)) + words[8]! + 1873313359) | 0;
    a = (((t << 6) | (t >>> 26)) + b) | 0;
    t = (d + (b ^ (a | ~c)) + words[15]! + -30611744) | 0;
    d = (((t << 10) | (t >>> 22)) + a) | 0;
    t = (c + (a ^ (d | ~b)) + words[6]! + -1560198380) | 0;
    c = (((t << 15) | (t >>> 17)) + d) | 0;
    t = (b + (d ^ (c | ~a)) + words[13]! + 1309151649) | 0;
    b = (((t << 21) | (t >>> 11)) + c) | 0;
    t = (a + (c ^ (b | ~d)) + words[4]! + -145523070) | 0;
    a = (((t << 6) | (t >>> 26)) + b) | 0;
    t = (d + (b ^ (a | ~c)) + words[11]! + -1120210379) | 0;
    d = (((t << 10) | (t >>> 22)) + a) | 0;
    t = (c + (a ^ (d | ~b)) + words[2]! + 718787259) | 0;
    c = (((t << 15) | (t >>> 17)) + d) | 0;
    t = (b + (d ^ (c | ~a)) + words[9]! + -343485551) | 0;
    b = (((t << 21) | (t >>> 11)) + c) | 0;
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
  }
  // The digest is the state words in little-endian byte order; the hash key reads it big-endian.
  out[0] = swap(a0);
  out[1] = swap(b0);
  out[2] = swap(c0);
  out[3] = swap(d0);
  return out;
}

function swap(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}
