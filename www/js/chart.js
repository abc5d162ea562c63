// chart — a device's last 24 hours as a small SVG line chart.
//
// Hand-drawn rather than a charting library: one line, one shaded band
// for the acceptable range and two axes are ~80 lines, need no build step
// or vendored bundle, set no inline styles (the CSP forbids them), and
// scale crisply from a phone to a desktop. The numbers are also given as
// text (the label and the caption) for screen readers.
import { h, number } from './dom.js';
import { t } from './i18n.js';

// A range's end in the reader's numbers; "any" when the range is open there.
const limit = (v) => (v === null || v === undefined ? t('any') : number(v));
const W = 320, H = 150, L = 34, R = 8, T = 10, B = 22;

function scale(lo, hi, a, b) {
  return (v) => a + (hi === lo ? 0.5 : (v - lo) / (hi - lo)) * (b - a);
}

// The bounds a range sets (either side may be open, null).
function bounds(range) {
  return range ? [range.min, range.max].filter((v) => v !== null && v !== undefined) : [];
}

function outside(range, v) {
  return !!range && ((range.min !== null && v < range.min) || (range.max !== null && v > range.max));
}

// readings: [{ts, value}] newest first; range: {min, max} (either may be
// null) or null; count: how many readings they stand for (when
// down-sampled), else their number.
export function tempChart(device, readings, range, unit, now = Date.now(), count = null) {
  const start = now - 24 * 3600 * 1000;
  const pts = readings.map((r) => [Date.parse(r.ts), r.value])
    .filter(([t]) => t >= start).reverse();
  const vals = pts.map((p) => p[1]);
  vals.push(...bounds(range));
  let lo = Math.min(...vals), hi = Math.max(...vals);
  if (!isFinite(lo)) { lo = 0; hi = 10; }
  const pad = Math.max(1, (hi - lo) * 0.1);
  lo = Math.floor(lo - pad); hi = Math.ceil(hi + pad);
  const x = scale(start, now, L, W - R);
  const y = scale(lo, hi, H - B, T);
  const label = pts.length
    ? t('{device}: {n} readings in the last 24 hours, from {min} to {max} {unit}', { device, n: count ?? pts.length,
      min: number(Math.min(...pts.map((p) => p[1])), 1), max: number(Math.max(...pts.map((p) => p[1])), 1), unit: `°${unit}` }) +
      (bounds(range).length ? t('; acceptable {min} to {max} {unit}', { min: limit(range.min), max: limit(range.max), unit: `°${unit}` }) : '')
    : t('{device}: no readings in the last 24 hours', { device });
  const svg = h('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img',
                         'aria-label': label, focusable: 'false' });
  if (bounds(range).length) {
    const top = range.max ?? hi, bottom = range.min ?? lo;
    svg.append(h('rect', { class: 'chart-band', x: L, width: W - R - L,
      y: y(top), height: Math.max(0, y(bottom) - y(top)) }));
  }
  // Range lines first; the axis ends only where their labels do not
  // collide with those.
  const marks = bounds(range);
  for (const v of [lo, hi]) if (marks.every((m) => Math.abs(y(m) - y(v)) > 12)) marks.push(v);
  for (const v of marks) {
    svg.append(h('line', { class: 'chart-grid', x1: L, x2: W - R, y1: y(v), y2: y(v) }),
               h('text', { class: 'chart-label', x: L - 4, y: y(v) + 4, 'text-anchor': 'end' },
                 String(Math.round(v * 10) / 10)));
  }
  svg.append(h('text', { class: 'chart-label', x: L, y: H - 6 }, '−24 h'),
             h('text', { class: 'chart-label', x: (L + W - R) / 2, y: H - 6,
                         'text-anchor': 'middle' }, '−12 h'),
             h('text', { class: 'chart-label', x: W - R, y: H - 6, 'text-anchor': 'end' }, t('now')));
  if (pts.length) {
    svg.append(h('polyline', { class: 'chart-line',
      points: pts.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ') }));
    for (const [t, v] of pts) {
      if (outside(range, v)) {
        svg.append(h('circle', { class: 'chart-bad', cx: x(t).toFixed(1), cy: y(v).toFixed(1), r: 2.5 }));
      }
    }
  }
  return svg;
}
