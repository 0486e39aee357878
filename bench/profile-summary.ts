// Where the time goes: self time per function and per source file from a V8
// .cpuprofile (written by `node --cpu-prof` on the Shardline child).
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: number[];
}

interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface ProfileEntry {
  readonly name: string;
  readonly selfMs: number;
  readonly pct: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly totalMs: number;
  readonly idlePct: number;
  readonly topFunctions: ProfileEntry[];
  readonly topFiles: ProfileEntry[];
}

function shortUrl(url: string, root: string): string {
  if (!url) return '(native)';
  const path = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  if (path.startsWith(root)) return path.slice(root.length);
  return path;
}

function top(map: Map<string, number>, totalMs: number, n: number): ProfileEntry[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({
      name,
      selfMs: Math.round(us / 1000),
      pct: Math.round((us / 1000 / totalMs) * 1000) / 10,
    }));
}

export function summarizeProfile(file: string, root: string, n = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    totalUs += us;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const url = shortUrl(frame.url, root);
    const fn = `${frame.functionName || '(anonymous)'} ${url}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    byFile.set(url, (byFile.get(url) ?? 0) + us);
  }
  // Percentages are of busy (non-idle) time: that is what the server spent working.
  const busyMs = Math.max(1, (totalUs - idleUs) / 1000);
  return {
    file,
    totalMs: Math.round(totalUs / 1000),
    idlePct: totalUs > 0 ? Math.round((idleUs / totalUs) * 1000) / 10 : 0,
    topFunctions: top(byFunction, busyMs, n),
    topFiles: top(byFile, busyMs, n),
  };
}

export function renderProfile(s: ProfileSummary): string {
  const fmt = (e: ProfileEntry) =>
    `  ${String(e.pct).padStart(5)}%  ${String(e.selfMs).padStart(7)} ms  ${e.name}`;
  return [
    `CPU profile ${s.file}: ${s.totalMs} ms sampled, ${s.idlePct}% idle; self time as % of busy time`,
    'top functions:',
    ...s.topFunctions.map(fmt),
    'top files:',
    ...s.topFiles.map(fmt),
  ].join('\n');
}
