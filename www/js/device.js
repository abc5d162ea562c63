// device — one device's page, #device/<id>[/<period>]: a chosen period
// (24 h, 7 d, 30 d or custom dates), its figures, a chart with tooltips,
// the excursions out of range, and the temperature log for an inspection
// as CSV or printed (the browser's "Save as PDF" of the print layout).
//
// One DEVICE.HISTORY request per period: the server reduces the readings
// to figures, a few hundred chart points and the excursions, so thirty
// days of minute readings never travel to a phone. Only the CSV, asked for
// by the person, reads every reading (READINGS, 5,000 at a time).
//
// The chart is uPlot (npm, MIT, vendored into www/vendor/ by `npm run
// vendor`), loaded only on this page. It draws on a canvas and sets its
// sizes through element.style, which the Content-Security-Policy allows
// (only style attributes and <style> elements are refused).
import { portal } from './proto.js';
import { $, h, clear, clock, dateTime, day, dayMonth, localDay, number, plain, saveFile, say, toast, tsOf as iso, when } from './dom.js';
import { t } from './i18n.js';
import { deviceName, kindText, rangeText, readingsCsv } from './dashboard.js';
import { current } from './app.js';

const PRESETS = { '24h': 24 * 3600, '7d': 7 * 86400, '30d': 30 * 86400 };
const MAX_DAYS = 93;
const READINGS_PAGE = 5000;
let shown = null, routeNow = null, plot = null, resize = null, wired = false, loads = 0;

// "#device/FR-1/7d" → { id: 'FR-1', period: '7d' }; custom periods are
// "2026-11-01..2026-11-15" (local dates, both days included).
export function deviceRoute(hash) {
  const m = /^#?device\/([^/]+)(?:\/(.+))?$/.exec(hash);
  if (!m) return null;
  return { id: decodeURIComponent(m[1]), period: m[2] ? decodeURIComponent(m[2]) : '24h' };
}

export function deviceHref(id, period = '') {
  return '#device/' + encodeURIComponent(id) + (period && period !== '24h' ? '/' + period : '');
}

// The period as {from, to} in ms (to excluded), or {error} in plain words.
export function periodBounds(period, now = Date.now()) {
  if (PRESETS[period]) return { from: now - PRESETS[period] * 1000, to: now };
  const [a, b] = String(period).split('..');
  const from = localDay(a), to = localDay(b) + 86400000;
  if (!isFinite(from) || !isFinite(to)) return { error: t('Choose a start and an end date.') };
  if (from >= to) return { error: t('The start date must not be after the end date.') };
  if (from > now) return { error: t('The start date is in the future.') };
  if (to - from > MAX_DAYS * 86400000) return { error: t('Choose at most {n} days.', { n: MAX_DAYS }) };
  return { from, to: Math.min(to, now) };
}

function periodText(period, b) {
  if (period === '24h') return t('the last 24 hours');
  if (period === '7d') return t('the last 7 days');
  if (period === '30d') return t('the last 30 days');
  return t('{from} to {to}', { from: day(b.from), to: day(b.to - 1) });
}

function fmt(v, unit) {
  return v === null || v === undefined ? '—' : `${number(v, 1)} °${unit}`;
}

// "3 h 20 min", "45 min", "2 days 4 h".
export function duration(s) {
  const min = Math.round(s / 60);
  if (min < 60) return t('{n} min', { n: min });
  const hours = Math.floor(min / 60), rest = min % 60;
  if (hours < 48) return rest ? t('{h} h {m} min', { h: hours, m: rest }) : t('{h} h', { h: hours });
  return t('{d} days {h} h', { d: Math.floor(hours / 24), h: hours % 24 });
}

function stat(name, value) {
  return [h('dt', {}, name), h('dd', {}, value)];
}

function statsList(d) {
  const s = d.stats;
  const vars = { n: number(s.out_of_range), time: duration(d.out_of_range_s), runs: number(d.excursions_total) };
  const out = !s.out_of_range ? t('none')
    : s.out_of_range === 1 ? t('1 reading, {time} in 1 excursion', vars)
      : d.excursions_total === 1 ? t('{n} readings, {time} in 1 excursion', vars)
        : t('{n} readings, {time} in {runs} excursions', vars);
  return h('dl', { class: 'stats' },
    stat(t('Readings'), number(s.readings)),
    stat(t('Lowest'), fmt(s.min, d.unit)),
    stat(t('Highest'), fmt(s.max, d.unit)),
    stat(t('Mean'), fmt(s.mean, d.unit)),
    stat(t('Out of range'), d.range ? out : t('no range set')));
}

function excursionRow(e, unit) {
  return h('tr', {},
    h('td', {}, h('time', { datetime: e.start }, when(e.start))),
    h('td', {}, e.ongoing ? t('still out of range') : h('time', { datetime: e.end }, when(e.end))),
    h('td', {}, (e.ongoing ? '≥ ' : '') + duration(e.duration_s)),
    h('td', {}, e.direction === 'above' ? t('{peak} (too warm)', { peak: fmt(e.peak, unit) })
      : t('{peak} (too cold)', { peak: fmt(e.peak, unit) })));
}

function excursionsTable(d, label) {
  if (!d.range) return h('p', {}, t('No acceptable range is set for this device, so no excursions are listed.'));
  if (!d.excursions.length) return h('p', {}, t('No reading was out of range in {period}.', { period: label }));
  const more = d.excursions_total > d.excursions.length
    ? h('p', { class: 'hint' }, t('The newest {n} of {total} excursions are listed.',
      { n: number(d.excursions.length), total: number(d.excursions_total) })) : null;
  // Scrolls sideways on a narrow phone: focusable, so that a keyboard can.
  return [h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-labelledby': 'device-exc-title' }, h('table', {},
    h('caption', {}, t('Excursions out of {range}, newest first', { range: rangeText(d.range, d.unit) })),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('Start')), h('th', { scope: 'col' }, t('Back in range')),
      h('th', { scope: 'col' }, t('Duration')), h('th', { scope: 'col' }, t('Peak')))),
    h('tbody', {}, d.excursions.map((e) => excursionRow(e, d.unit))))), more];
}

// Chart data for uPlot: times ascending in seconds, the buckets' minima and
// maxima, with a gap (null) where no reading came for over twice the
// usual step: a bucket, or the device's own interval when it reads less
// often than that (a room every 30 min would otherwise be all gaps).
export function chartData(d) {
  const pts = [...d.points].reverse();
  const at = pts.map((p) => Date.parse(p.ts) / 1000);
  const steps = at.slice(1).map((x, i) => x - at[i]).sort((a, b) => a - b);
  const step = Math.max(d.bucket_s, steps.length ? steps[steps.length >> 1] : 0);
  const xs = [], lo = [], hi = [];
  pts.forEach((p, i) => {
    if (i && at[i] - at[i - 1] > 2 * step) { xs.push(at[i - 1] + step); lo.push(null); hi.push(null); }
    xs.push(at[i]); lo.push(p.min); hi.push(p.max);
  });
  return [xs, lo, hi];
}

// The time axis in the reader's language: days for a long period, else
// times of day with the day under the first and under each new day.
function timeTicks(u, splits, axis, space, incr) {
  return splits.map((s, i) => {
    if (s === null) return null;
    const ms = s * 1000;
    if (incr >= 86400) return dayMonth(ms);
    const newDay = !i || splits[i - 1] === null || new Date(ms).toDateString() !== new Date(splits[i - 1] * 1000).toDateString();
    return newDay ? clock(ms) + '\n' + dayMonth(ms) : clock(ms);
  });
}

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

// The acceptable range as a shaded band behind the lines.
function bandHook(range) {
  return (u) => {
    if (!range) return;
    const { ctx } = u, { left, width, top, height } = u.bbox;
    const y = (v, dflt) => (v === null ? dflt : u.valToPos(v, 'y', true));
    const y1 = Math.max(top, y(range.max, top)), y2 = Math.min(top + height, y(range.min, top + height));
    if (y2 <= y1) return;
    ctx.save();
    ctx.fillStyle = cssVar('--band');
    ctx.fillRect(left, y1, width, y2 - y1);
    ctx.restore();
  };
}

// A tooltip that follows the cursor: the bucket's time and its values.
function tooltipHook(d, tip) {
  return (u) => {
    const i = u.cursor.idx;
    if (i === null || i === undefined || u.data[1][i] === null) { tip.hidden = true; return; }
    const ts = new Date(u.data[0][i] * 1000).toISOString();
    const lo = u.data[1][i], hi = u.data[2][i];
    tip.textContent = `${when(ts)}: ` + (lo === hi ? fmt(lo, d.unit)
      : t('{lo} to {hi}', { lo: fmt(lo, d.unit), hi: fmt(hi, d.unit) }));
    tip.hidden = false;
    const x = u.valToPos(u.data[0][i], 'x'), y = u.valToPos(hi, 'y');
    tip.style.left = Math.min(Math.max(0, x - tip.offsetWidth / 2), u.over.clientWidth - tip.offsetWidth) + 'px';
    tip.style.top = Math.max(0, y - tip.offsetHeight - 8) + 'px';
  };
}

async function drawChart(d, label) {
  const box = $('#device-chart');
  if (plot) { plot.destroy(); plot = null; }
  if (resize) { resize.disconnect(); resize = null; }
  const vars = { name: deviceName(d), period: label, n: number(d.stats.readings),
    min: fmt(d.stats.min, d.unit), max: fmt(d.stats.max, d.unit) };
  const summary = !d.stats.readings ? t('No readings from {name} in {period}.', vars)
    : d.stats.readings === 1 ? t('Temperature of {name} over {period}: 1 reading, {min}', vars)
      : t('Temperature of {name} over {period}: {n} readings from {min} to {max}', vars);
  box.setAttribute('aria-label', summary);
  clear(box);
  if (!d.stats.readings) return;
  const { default: uPlot } = await import('../vendor/uPlot.esm.js');
  const tip = h('div', { class: 'chart-tip', hidden: true });
  const ink = cssVar('--muted'), grid = cssVar('--line');
  const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  const limits = [d.range && d.range.min, d.range && d.range.max].filter((v) => v !== null && v !== undefined);
  plot = new uPlot({
    width: Math.max(200, box.clientWidth), height: 260,
    legend: { show: false },
    cursor: { y: false, points: { size: 6 } },
    scales: { x: { time: true }, y: { range: (u, lo, hi) => {
      const a = Math.min(lo, ...limits), b = Math.max(hi, ...limits), pad = Math.max(1, (b - a) * 0.1);
      return [Math.floor(a - pad), Math.ceil(b + pad)];
    } } },
    axes: [{ ...axis, values: timeTicks }, { ...axis, values: (u, vals) => vals.map((v) => `${number(v)}°`) }],
    series: [{}, { label: t('Lowest'), stroke: cssVar('--link'), width: 1.5 },
      { label: t('Highest'), stroke: cssVar('--bad'), width: 1.5 }],
    hooks: { drawClear: [bandHook(d.range)], setCursor: [tooltipHook(d, tip)] },
  }, chartData(d), box);
  plot.over.append(tip);
  resize = new ResizeObserver(() => { if (plot) plot.setSize({ width: Math.max(200, box.clientWidth), height: 260 }); });
  resize.observe(box);
}

function fillHead(d) {
  const name = deviceName(d);
  $('#device-title').textContent = name;
  document.title = t('{name} · Infosys portal', { name });
  clear($('#device-about'), [kindText(d.kind), d.location !== name ? d.location : null, t('device id {id}', { id: d.device })]
    .filter(Boolean).join(' · '));
  clear($('#device-range'), d.range
    ? t('Acceptable {range}', { range: rangeText(d.range, d.unit) }) + (d.range.source === 'admin' ? ' ' + t('(set by an admin)') : '')
    : t('No acceptable range set: readings are not checked.'));
}

function fillPrintHead(d, label) {
  const s = current() || {};
  clear($('#device-print'),
    h('p', {}, h('strong', {}, t('Temperature log for inspection'))),
    h('p', {}, t('Facility: {facility}', { facility: s.facility || '' })),
    h('p', {}, t('Device: {name} ({id}), {location}', { name: deviceName(d), id: d.device, location: d.location })),
    h('p', {}, t('Period: {period} ({from} to {to})', { period: label, from: dateTime(d.from), to: dateTime(d.to) })),
    h('p', {}, d.range ? t('Acceptable range: {range}', { range: rangeText(d.range, d.unit) }) : t('No acceptable range set.')),
    h('p', {}, t('Generated {time} by {user}', { time: dateTime(Date.now()), user: s.user || '' })));
}

function markPeriod(period) {
  const custom = !PRESETS[period];
  for (const r of document.querySelectorAll('#device-period input[name="period"]')) {
    r.checked = r.value === (custom ? 'custom' : period);
  }
  $('#device-custom').hidden = !custom;
  if (custom) {
    const [a, b] = period.split('..');
    $('#dv-from').value = a || '';
    $('#dv-to').value = b || '';
  }
}

async function load(route) {
  const b = periodBounds(route.period);
  markPeriod(route.period);
  if (b.error) return say($('#device-msg'), b.error, 'error');
  say($('#device-msg'), t('Loading…'));
  // Both ends by the page's clock, as the dashboard's: a preset is then
  // exactly its length, whatever the server's clock says.
  const args = { device: route.id, from: iso(b.from), to: iso(b.to) };
  const mine = ++loads;
  const r = await portal('DEVICE.HISTORY', args);
  if (mine !== loads) return; // a later period was asked for meanwhile
  if (!r.ok) {
    return say($('#device-msg'), r.error.code === 'NOT_FOUND'
      ? t('This device is not in your facility, or it was removed.')
      : plain(r.error, t('The device could not be read. Try again.')), 'error');
  }
  const d = r.data, label = periodText(route.period, b);
  shown = { route, d, label, bounds: b };
  say($('#device-msg'), '');
  fillHead(d);
  fillPrintHead(d, label);
  $('#device-stats-title').textContent = t('Figures for {period}', { period: label });
  clear($('#device-stats'), statsList(d));
  clear($('#device-excursions'), excursionsTable(d, label));
  $('#device-body').hidden = false;
  await drawChart(d, label);
}

// Every reading of the period, oldest first, in pages of 5,000.
async function allReadings(d, b) {
  const out = [];
  let to = iso(b.to - 1000);
  for (;;) {
    const r = await portal('READINGS', { device: d.device, from: iso(b.from), to, limit: READINGS_PAGE });
    if (!r.ok) return { error: r.error };
    out.push(...r.data.readings);
    say($('#device-export-msg'), t('Reading the log… {n} readings so far', { n: number(out.length) }));
    if (r.data.readings.length < READINGS_PAGE) return { readings: out };
    to = iso(Date.parse(r.data.readings[r.data.readings.length - 1].ts) - 1000);
  }
}

async function downloadCsv() {
  if (!shown) return;
  const { d, bounds } = shown;
  const got = await allReadings(d, bounds);
  if (got.error) return say($('#device-export-msg'), plain(got.error, t('The temperature log could not be read. Try again.')), 'error');
  const ymd = (ms) => iso(ms).slice(0, 10);
  saveFile(`${d.device}-${ymd(bounds.from)}-to-${ymd(bounds.to - 1)}.csv`, readingsCsv(d, got.readings));
  const vars = { n: number(got.readings.length), name: deviceName(d), period: shown.label };
  say($('#device-export-msg'), got.readings.length === 1 ? t('Downloaded 1 reading of {name} ({period}).', vars)
    : t('Downloaded {n} readings of {name} ({period}).', vars), 'ok');
}

function wire() {
  wired = true;
  $('#device-period').addEventListener('change', (ev) => {
    if (ev.target.name !== 'period' || !routeNow) return;
    if (ev.target.value === 'custom') {
      $('#device-custom').hidden = false;
      $('#dv-from').focus();
      return;
    }
    location.hash = deviceHref(routeNow.id, ev.target.value);
  });
  $('#device-custom').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const period = `${$('#dv-from').value}..${$('#dv-to').value}`;
    const b = periodBounds(period);
    if (b.error) return say($('#device-msg'), b.error, 'error');
    location.hash = deviceHref(routeNow.id, period);
  });
  $('#device-csv').addEventListener('click', downloadCsv);
  $('#device-pdf').addEventListener('click', () => window.print());
}

export function deviceShow(route) {
  if (!wired) wire();
  routeNow = route;
  if (!shown || shown.route.id !== route.id) {
    $('#device-body').hidden = true;
    $('#device-title').textContent = t('Device');
    clear($('#device-about'));
    clear($('#device-range'));
  }
  say($('#device-export-msg'), '');
  load(route).catch(() => toast(t('The device page could not be shown. Reload the page and try again.'), 'error'));
}

export function deviceHide() {
  if (plot) { plot.destroy(); plot = null; }
  if (resize) { resize.disconnect(); resize = null; }
  shown = null;
  routeNow = null;
}
