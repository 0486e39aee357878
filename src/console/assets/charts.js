// Small hand-written SVG charts: a multi-series line chart with a y-axis maximum label and a
// sparkline. Each chart is an <svg role="img"> with a text alternative giving the latest values.

const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs = {}) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

export function formatNumber(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

export function formatBytes(v) {
  if (v === null || v === undefined) return '–';
  if (v >= 1048576) return `${(v / 1048576).toFixed(1)} MiB`;
  if (v >= 1024) return `${(v / 1024).toFixed(1)} KiB`;
  return `${Math.round(v)} B`;
}

const last = (xs) => {
  for (let i = xs.length - 1; i >= 0; i--) if (xs[i] !== null) return xs[i];
  return null;
};

/**
 * series: [{ label, color, values: (number|null)[] }]; step: seconds per point.
 * Returns an <svg> element.
 */
export function lineChart(title, series, { step = 1, unit = '' } = {}) {
  const w = 400;
  const h = 120;
  const pad = { l: 40, r: 6, t: 8, b: 16 };
  const n = Math.max(1, ...series.map((s) => s.values.length));
  let max = 0;
  for (const s of series) for (const v of s.values) if (v !== null && v > max) max = v;
  if (max === 0) max = 1;
  const x = (i) => pad.l + ((w - pad.l - pad.r) * i) / Math.max(1, n - 1);
  const y = (v) => h - pad.b - ((h - pad.t - pad.b) * v) / max;
  const summary = series.map((s) => `${s.label} ${formatNumber(last(s.values))}${unit}`).join(', ');
  const svg = el('svg', {
    class: 'chart',
    viewBox: `0 0 ${w} ${h}`,
    role: 'img',
    'aria-label': `${title}: latest ${summary}`,
    preserveAspectRatio: 'none',
  });
  const t = el('title');
  t.textContent = `${title}: latest ${summary}`;
  svg.append(t);
  svg.append(el('line', { class: 'axis', x1: pad.l, y1: h - pad.b, x2: w - pad.r, y2: h - pad.b }));
  svg.append(el('line', { class: 'axis', x1: pad.l, y1: pad.t, x2: pad.l, y2: h - pad.b }));
  const top = el('text', { x: pad.l - 4, y: pad.t + 8, 'text-anchor': 'end' });
  top.textContent = `${formatNumber(max)}${unit}`;
  const zero = el('text', { x: pad.l - 4, y: h - pad.b, 'text-anchor': 'end' });
  zero.textContent = '0';
  const span = el('text', { x: pad.l, y: h - 3 });
  span.textContent = `−${Math.round((n * step) / 60)} min`;
  const now = el('text', { x: w - pad.r, y: h - 3, 'text-anchor': 'end' });
  now.textContent = 'now';
  svg.append(top, zero, span, now);
  for (const s of series) {
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    svg.append(
      el('path', {
        d: d || 'M0,0',
        fill: 'none',
        stroke: s.color,
        'stroke-width': 1.6,
        'vector-effect': 'non-scaling-stroke',
      }),
    );
  }
  return svg;
}

export function legend(series) {
  const div = document.createElement('div');
  div.className = 'legend';
  for (const s of series) {
    const span = document.createElement('span');
    const i = document.createElement('i');
    i.style.background = s.color;
    span.append(i, s.label);
    div.append(span);
  }
  return div;
}

export function sparkline(label, values, color) {
  const w = 120;
  const h = 28;
  let max = 0;
  for (const v of values) if (v !== null && v > max) max = v;
  const n = Math.max(1, values.length - 1);
  let d = '';
  values.forEach((v, i) => {
    d += `${i === 0 ? 'M' : 'L'}${((w * i) / n).toFixed(1)},${(h - 2 - ((h - 4) * (v ?? 0)) / (max || 1)).toFixed(1)}`;
  });
  const svg = el('svg', {
    class: 'spark',
    viewBox: `0 0 ${w} ${h}`,
    role: 'img',
    'aria-label': `${label}: latest ${formatNumber(last(values))}, peak ${formatNumber(max)}`,
    preserveAspectRatio: 'none',
  });
  svg.append(
    el('path', {
      d,
      fill: 'none',
      stroke: color,
      'stroke-width': 1.4,
      'vector-effect': 'non-scaling-stroke',
    }),
  );
  return svg;
}
