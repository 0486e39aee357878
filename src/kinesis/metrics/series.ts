// Bounded time series: a ring of 1-second points and a ring of 1-minute points for a fixed set of
// fields. Counters add up within a point; gauges keep the maximum seen (NaN = no observation,
// rendered as null). Memory is fields × (seconds + minutes) × 4 bytes, allocated once.

import type { FieldKind } from './metric-fields.js';

export type Resolution = '1s' | '1m';

export interface SeriesWindow {
  /** Epoch seconds of the first point. */
  readonly start: number;
  /** Seconds between points. */
  readonly step: number;
  /** One array per field, oldest point first; null where a gauge had no observation. */
  readonly values: (number | null)[][];
}

export class Series {
  readonly #kinds: readonly FieldKind[];
  readonly #n: number;
  readonly #secKept: number;
  readonly #minKept: number;
  readonly #sec: Float32Array;
  readonly #min: Float32Array;
  readonly #minuteAcc: Float64Array;
  /** Epoch second of the newest 1-second point written; -1 before the first. */
  #lastSec = -1;
  /** Epoch minute currently accumulating in #minuteAcc. */
  #curMin = -1;
  /** Epoch minute of the newest completed minute point. */
  #lastMin = -1;
  /** The first second / minute ever written: older slots hold no data. */
  #firstSec = -1;
  #firstMin = -1;

  constructor(kinds: readonly FieldKind[], secondsKept: number, minutesKept: number) {
    this.#kinds = kinds;
    this.#n = kinds.length;
    this.#secKept = secondsKept;
    this.#minKept = minutesKept;
    this.#sec = new Float32Array(this.#n * secondsKept);
    this.#min = new Float32Array(this.#n * minutesKept);
    this.#minuteAcc = new Float64Array(this.#n);
  }

  static bytesFor(fields: number, secondsKept: number, minutesKept: number): number {
    return fields * (secondsKept + minutesKept) * 4 + fields * 8;
  }

  /** Records the values of second `sec` (seconds since the epoch); earlier seconds are final. */
  push(sec: number, values: Float64Array): void {
    if (sec <= this.#lastSec) return;
    if (this.#firstSec < 0) this.#firstSec = sec;
    this.#fillSeconds(sec);
    const base = (sec % this.#secKept) * this.#n;
    for (let f = 0; f < this.#n; f++) this.#sec[base + f] = values[f]!;
    this.#lastSec = sec;
    this.#addToMinute(sec, values);
  }

  /** Points for the window ending at `nowSec` (exclusive): missing seconds read as zero / null. */
  window(resolution: Resolution, nowSec: number): SeriesWindow {
    if (resolution === '1m') return this.#minuteWindow(Math.floor(nowSec / 60));
    const count = this.#secKept;
    const start = nowSec - count;
    const values: (number | null)[][] = [];
    for (let f = 0; f < this.#n; f++) values.push(new Array(count));
    for (let i = 0; i < count; i++) {
      const sec = start + i;
      const have = sec >= this.#firstSec && sec <= this.#lastSec && sec > this.#lastSec - this.#secKept;
      const base = (sec % this.#secKept) * this.#n;
      for (let f = 0; f < this.#n; f++)
        values[f]![i] = have ? nullIfNaN(this.#sec[base + f]!) : this.#empty(f);
    }
    return { start, step: 1, values };
  }

  #empty(f: number): number | null {
    return this.#kinds[f] === 'gauge' ? null : 0;
  }

  /** Seconds between the last point and `sec` had no activity. */
  #fillSeconds(sec: number): void {
    if (this.#lastSec < 0) return;
    const from = Math.max(this.#lastSec + 1, sec - this.#secKept + 1);
    for (let s = from; s < sec; s++) {
      const base = (s % this.#secKept) * this.#n;
      for (let f = 0; f < this.#n; f++) this.#sec[base + f] = this.#kinds[f] === 'gauge' ? Number.NaN : 0;
    }
  }

  #addToMinute(sec: number, values: Float64Array): void {
    const minute = Math.floor(sec / 60);
    if (minute !== this.#curMin) {
      if (this.#curMin >= 0) this.#closeMinute();
      this.#curMin = minute;
      this.#resetMinuteAcc();
    }
    for (let f = 0; f < this.#n; f++) {
      const v = values[f]!;
      if (this.#kinds[f] === 'gauge') {
        if (!(this.#minuteAcc[f]! >= v)) this.#minuteAcc[f] = Number.isNaN(v) ? this.#minuteAcc[f]! : v;
      } else this.#minuteAcc[f]! += v;
    }
  }

  #resetMinuteAcc(): void {
    for (let f = 0; f < this.#n; f++) this.#minuteAcc[f] = this.#kinds[f] === 'gauge' ? Number.NaN : 0;
  }

  #closeMinute(): void {
    const minute = this.#curMin;
    if (this.#firstMin < 0) this.#firstMin = minute;
    const from = this.#lastMin < 0 ? minute : Math.max(this.#lastMin + 1, minute - this.#minKept + 1);
    for (let m = from; m <= minute; m++) {
      const base = (m % this.#minKept) * this.#n;
      for (let f = 0; f < this.#n; f++)
        this.#min[base + f] =
          m === minute ? this.#minuteAcc[f]! : this.#kinds[f] === 'gauge' ? Number.NaN : 0;
    }
    this.#lastMin = minute;
  }

  /** Completed minutes plus the current, partial one as the last point. */
  #minuteWindow(nowMin: number): SeriesWindow {
    const count = this.#minKept;
    const start = nowMin - count + 1;
    const values: (number | null)[][] = [];
    for (let f = 0; f < this.#n; f++) values.push(new Array(count));
    for (let i = 0; i < count; i++) {
      const m = start + i;
      const current = m === this.#curMin;
      const have = !current && m >= this.#firstMin && m <= this.#lastMin && m > this.#lastMin - this.#minKept;
      const base = (m % this.#minKept) * this.#n;
      for (let f = 0; f < this.#n; f++) {
        if (current) values[f]![i] = nullIfNaN(this.#minuteAcc[f]!);
        else values[f]![i] = have ? nullIfNaN(this.#min[base + f]!) : this.#empty(f);
      }
    }
    return { start: start * 60, step: 60, values };
  }
}

const nullIfNaN = (v: number): number | null => (Number.isNaN(v) ? null : v);
