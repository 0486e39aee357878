// In-memory form of a segment's offset index and time index. The two files hold the same sparse
// points: one entry for a segment's first batch and then for the first batch that starts at least
// `indexIntervalBytes` after the previous entry. Timestamps never decrease within a log, so one
// sorted array of points answers both lookups.
//
// On disk (little-endian), see docs/storage.md:
//   <base>.index      8 bytes per entry:  u32 relativeOffset, u32 position
//   <base>.timeindex 12 bytes per entry:  u64 timestampMs, u32 relativeOffset

export const offsetEntryBytes = 8;
export const timeEntryBytes = 12;
const initialCapacity = 16;
const twoPow32 = 0x1_0000_0000;

export class SparseIndex {
  #rel = new Uint32Array(initialCapacity);
  #pos = new Uint32Array(initialCapacity);
  #ts = new Float64Array(initialCapacity);
  #count = 0;

  get count(): number {
    return this.#count;
  }

  get memoryBytes(): number {
    return this.#rel.length * 16;
  }

  relOffsetAt(i: number): number {
    return this.#rel[i]!;
  }

  positionAt(i: number): number {
    return this.#pos[i]!;
  }

  timestampAt(i: number): number {
    return this.#ts[i]!;
  }

  /** Appends a point; callers keep relOffset, position and timestamp non-decreasing. */
  push(relOffset: number, position: number, timestampMs: number): void {
    if (this.#count === this.#rel.length) this.#grow();
    this.#rel[this.#count] = relOffset;
    this.#pos[this.#count] = position;
    this.#ts[this.#count] = timestampMs;
    this.#count++;
  }

  truncate(count: number): void {
    this.#count = Math.min(this.#count, count);
  }

  /** Index of the last entry with relOffset <= `relOffset`, or -1. */
  floorByRelOffset(relOffset: number): number {
    let lo = 0;
    let hi = this.#count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#rel[mid]! <= relOffset) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Index of the last entry with timestamp < `timestampMs`, or -1. */
  lastBeforeTimestamp(timestampMs: number): number {
    let lo = 0;
    let hi = this.#count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#ts[mid]! < timestampMs) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Offset-index file bytes for entries [from, count). */
  encodeOffsetEntries(from = 0): Buffer {
    const buf = Buffer.allocUnsafe((this.#count - from) * offsetEntryBytes);
    for (let i = from, at = 0; i < this.#count; i++, at += offsetEntryBytes) {
      buf.writeUInt32LE(this.#rel[i]!, at);
      buf.writeUInt32LE(this.#pos[i]!, at + 4);
    }
    return buf;
  }

  /** Time-index file bytes for entries [from, count). */
  encodeTimeEntries(from = 0): Buffer {
    const buf = Buffer.allocUnsafe((this.#count - from) * timeEntryBytes);
    for (let i = from, at = 0; i < this.#count; i++, at += timeEntryBytes) {
      const ts = this.#ts[i]!;
      buf.writeUInt32LE(ts % twoPow32, at);
      buf.writeUInt32LE(Math.floor(ts / twoPow32), at + 4);
      buf.writeUInt32LE(this.#rel[i]!, at + 8);
    }
    return buf;
  }

  /**
   * Parses both files and keeps the longest prefix of entries that agree with each other, are
   * strictly increasing, and point inside a segment of `segmentBytes`. Damage only shortens the
   * index; recovery scans forward from the last kept entry.
   */
  static parse(offsetFile: Buffer, timeFile: Buffer, segmentBytes: number): SparseIndex {
    const index = new SparseIndex();
    const n = Math.min(
      Math.floor(offsetFile.length / offsetEntryBytes),
      Math.floor(timeFile.length / timeEntryBytes),
    );
    for (let i = 0; i < n; i++) {
      const rel = offsetFile.readUInt32LE(i * offsetEntryBytes);
      const pos = offsetFile.readUInt32LE(i * offsetEntryBytes + 4);
      const t = i * timeEntryBytes;
      const ts = timeFile.readUInt32LE(t) + timeFile.readUInt32LE(t + 4) * twoPow32;
      if (timeFile.readUInt32LE(t + 8) !== rel || !index.#follows(rel, pos, ts, segmentBytes)) break;
      index.push(rel, pos, ts);
    }
    return index;
  }

  #follows(rel: number, pos: number, ts: number, segmentBytes: number): boolean {
    if (pos >= segmentBytes) return false;
    const last = this.#count - 1;
    if (last < 0) return rel === 0 && pos === 0;
    return rel > this.#rel[last]! && pos > this.#pos[last]! && ts >= this.#ts[last]!;
  }

  #grow(): void {
    const capacity = this.#rel.length * 2;
    const rel = new Uint32Array(capacity);
    const pos = new Uint32Array(capacity);
    const ts = new Float64Array(capacity);
    rel.set(this.#rel);
    pos.set(this.#pos);
    ts.set(this.#ts);
    this.#rel = rel;
    this.#pos = pos;
    this.#ts = ts;
  }
}
