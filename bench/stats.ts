// Latency percentiles, error tallies, and CPU/RSS sampling from /proc.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { benchLimits } from './limits.js';

export interface LatencySummary {
  readonly n: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  readonly mean: number | null;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Latency samples in ms; beyond the cap it keeps a uniform reservoir so memory stays bounded. */
export class LatencyRecorder {
  #samples: number[] = [];
  #seen = 0;
  #max = 0;
  #sum = 0;

  add(ms: number): void {
    this.#seen++;
    this.#sum += ms;
    if (ms > this.#max) this.#max = ms;
    if (this.#samples.length < benchLimits.benchLatencySamplesMax) {
      this.#samples.push(ms);
      return;
    }
    const slot = Math.floor(Math.random() * this.#seen);
    if (slot < benchLimits.benchLatencySamplesMax) this.#samples[slot] = ms;
  }

  get count(): number {
    return this.#seen;
  }

  summary(): LatencySummary {
    const n = this.#samples.length;
    if (n === 0) return { n: 0, p50: null, p90: null, p99: null, max: null, mean: null };
    const sorted = Float64Array.from(this.#samples).sort();
    const q = (p: number): number => round3(sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))] ?? 0);
    return {
      n: this.#seen,
      p50: q(0.5),
      p90: q(0.9),
      p99: q(0.99),
      max: round3(this.#max),
      mean: round3(this.#sum / this.#seen),
    };
  }
}

export class Tally {
  readonly #counts = new Map<string, number>();
  add(key: string, by = 1): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + by);
  }
  get total(): number {
    let sum = 0;
    for (const v of this.#counts.values()) sum += v;
    return sum;
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}

let clockTicks = 0;
function ticksPerSecond(): number {
  if (clockTicks === 0) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** user+sys CPU seconds of a pid (fields 14 and 15 of /proc/<pid>/stat); null when unreadable. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces or parens; fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return null;
  }
}

/** Current (VmRSS) and peak (VmHWM) resident memory of a pid in MiB. */
export function processMemoryMiB(pid: number): { rss: number | null; peak: number | null } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string): number | null => {
      const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
      return m ? Math.round(Number(m[1]) / 1024) : null;
    };
    return { rss: kib('VmRSS'), peak: kib('VmHWM') };
  } catch {
    return { rss: null, peak: null };
  }
}

/** Busy CPU seconds of the whole host across all cores, from /proc/stat. */
function hostBusySeconds(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user + nice + system + irq + softirq
    return ((f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0)) / ticksPerSecond();
  } catch {
    return null;
  }
}

export interface CpuReport {
  readonly wallS: number;
  /** 100 = one core. */
  readonly clientCpuPct: number | null;
  readonly serverCpuPct: number | null;
  /** Host busy CPU minus client and server: other tenants; above ~10 the figures are disturbed. */
  readonly otherCpuPct: number | null;
  readonly serverRssMiB: number | null;
  readonly serverMaxRssMiB: number | null;
}

/** CPU of this process, the server pid and the host over a measured window, plus the server's RSS. */
export class CpuWindow {
  readonly #pid: number;
  readonly #client0 = process.cpuUsage();
  readonly #server0: number | null;
  readonly #host0: number | null;
  readonly #t0 = process.hrtime.bigint();
  readonly #rssTimer: NodeJS.Timeout;
  #maxRss: number | null = null;

  constructor(serverPid: number) {
    this.#pid = serverPid;
    this.#server0 = processCpuSeconds(serverPid);
    this.#host0 = hostBusySeconds();
    this.#sampleRss();
    this.#rssTimer = setInterval(() => this.#sampleRss(), benchLimits.benchRssSampleIntervalMs);
    this.#rssTimer.unref();
  }

  #sampleRss(): number | null {
    const { rss } = processMemoryMiB(this.#pid);
    if (rss !== null && (this.#maxRss === null || rss > this.#maxRss)) this.#maxRss = rss;
    return rss;
  }

  end(): CpuReport {
    clearInterval(this.#rssTimer);
    const wallS = Number(process.hrtime.bigint() - this.#t0) / 1e9;
    const c = process.cpuUsage(this.#client0);
    const clientS = (c.user + c.system) / 1e6;
    const server1 = processCpuSeconds(this.#pid);
    const serverS = this.#server0 !== null && server1 !== null ? server1 - this.#server0 : null;
    const host1 = hostBusySeconds();
    const hostS = this.#host0 !== null && host1 !== null ? host1 - this.#host0 : null;
    const otherS = hostS === null ? null : Math.max(0, hostS - clientS - (serverS ?? 0));
    const pct = (x: number | null): number | null =>
      x === null || wallS <= 0 ? null : Math.round((x / wallS) * 1000) / 10;
    const rss = this.#sampleRss();
    return {
      wallS: round3(wallS),
      clientCpuPct: pct(clientS),
      serverCpuPct: pct(serverS),
      otherCpuPct: pct(otherS),
      serverRssMiB: rss,
      serverMaxRssMiB: this.#maxRss,
    };
  }
}
