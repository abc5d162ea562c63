// reports — what the facility's PCs produced (REPORT.LIST, REPORT.GET):
// a list with a kind, a period and pages (#reports), and one report as a
// table a page of rows at a time (#report/<id>), downloadable as CSV or
// printed (the browser's "Save as PDF").
import { portal } from './proto.js';
import { $, h, clear, localDay, number, plain, saveFile, say, timeEl, tsOf, when } from './dom.js';
import { t } from './i18n.js';

const LIST_PAGE = 20;
const ROWS_PAGE = 100;
const KINDS = () => ({ temperature: t('Temperature'), inventory: t('Inventory'),
  attendance: t('Attendance'), other: t('Other') });
// Cursors of the pages before the one shown (REPORT.LIST `next` values).
let cursors = [], cursor = null, next = null, shown = null, wired = false;

export function reportRoute(hash) {
  const m = /^#?report\/([^/]+)$/.exec(hash);
  return m ? { id: decodeURIComponent(m[1]) } : null;
}

function periodOf(r) {
  return r.from && r.to ? `${when(r.from)} – ${when(r.to)}` : '—';
}

function rowsText(r) {
  return r.complete ? number(r.rows)
    : t('{got} of {rows} (still arriving)', { got: number(r.received), rows: number(r.rows) });
}

function listTable(reports) {
  const kinds = KINDS();
  return h('table', {},
    h('caption', {}, t('Reports from the PC, newest first')),
    h('thead', {}, h('tr', {}, [t('Report'), t('Kind'), t('Made'), t('Covers'), t('Rows'), t('Asked for by')]
      .map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, reports.map((r) => h('tr', {},
      h('td', {}, h('a', { href: '#report/' + encodeURIComponent(r.report) }, r.title)),
      h('td', {}, kinds[r.kind] || r.kind),
      h('td', {}, timeEl(r.ts)),
      h('td', {}, periodOf(r)),
      h('td', {}, rowsText(r)),
      h('td', {}, r.requested_by || t('the PC itself'))))));
}

async function loadList() {
  const f = $('#reports-form').elements;
  const args = { kind: f.kind.value, limit: LIST_PAGE };
  const from = localDay(f.from.value), to = localDay(f.to.value);
  if (from > to) return say($('#reports-msg'), t('The start date must not be after the end date.'), 'error');
  if (from > Date.now()) return say($('#reports-msg'), t('The start date is in the future.'), 'error');
  if (from) args.from = tsOf(from);
  if (to) args.to = tsOf(to + 86400000);
  if (cursor) args.before = cursor;
  const r = await portal('REPORT.LIST', args);
  if (!r.ok) return say($('#reports-msg'), plain(r.error, t('The reports could not be read. Try again.')), 'error');
  next = r.data.next;
  const n = r.data.reports.length;
  say($('#reports-msg'), n ? '' : t('No reports match. Ask the PC for one on the Commands page.'));
  clear($('#reports-out'), n ? listTable(r.data.reports) : null);
  $('#reports-newer').disabled = !cursors.length;
  $('#reports-older').disabled = !next;
}

function csvCell(c) {
  return /[",\n\r]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c;
}

export function reportCsv(columns, rows) {
  return [columns, ...rows].map((row) => row.map((c) => csvCell(String(c))).join(',')).join('\r\n') + '\r\n';
}

async function downloadCsv() {
  const d = shown;
  if (!d) return;
  const rows = [];
  while (rows.length < d.rows) {
    const r = await portal('REPORT.GET', { report: d.report, offset: rows.length, limit: 1000 });
    if (!r.ok) return say($('#rv-msg'), plain(r.error, t('The report could not be read. Try again.')), 'error');
    if (!r.data.cells.length) break;
    rows.push(...r.data.cells);
  }
  saveFile(`${d.report}.csv`, reportCsv(d.columns, rows));
  say($('#rv-msg'), rows.length === 1 ? t('Downloaded 1 row.') : t('Downloaded {n} rows.', { n: number(rows.length) }), 'ok');
}

async function loadReport(id, offset = 0) {
  const r = await portal('REPORT.GET', { report: id, offset, limit: ROWS_PAGE });
  if (!r.ok) {
    return say($('#rv-msg'), r.error.code === 'NOT_FOUND' ? t('This report is not in your facility.')
      : plain(r.error, t('The report could not be read. Try again.')), 'error');
  }
  const d = shown = r.data;
  const got = { got: number(d.received), rows: number(d.rows) };
  say($('#rv-msg'), d.complete ? '' : d.received === 1 ? t('Only 1 of its {rows} rows has arrived so far.', got)
    : t('Only {got} of its {rows} rows have arrived so far.', got), 'warn');
  $('#rv-title').textContent = d.title;
  document.title = t('{name} · Infosys portal', { name: d.title });
  clear($('#rv-about'), t('{kind} report made by {pc} at {time}', { kind: KINDS()[d.kind] || d.kind, pc: d.pc, time: when(d.ts) }) +
    (d.from && d.to ? ' · ' + t('covers {period}', { period: periodOf(d) }) : '') +
    (d.requested_by ? ' · ' + t('asked for by {user}', { user: d.requested_by }) : ''));
  const last = Math.min(d.rows, offset + d.cells.length);
  clear($('#rv-out'), h('table', {},
    h('caption', {}, d.cells.length
      ? t('Rows {first} to {last} of {rows}', { first: number(offset + 1), last: number(last), rows: number(d.rows) })
      : t('No rows')),
    h('thead', {}, h('tr', {}, d.columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, d.cells.map((row) => h('tr', {}, row.map((c) => h('td', {}, c)))))));
  $('#rv-prev').disabled = offset === 0;
  $('#rv-next').disabled = offset + ROWS_PAGE >= d.rows;
  $('#rv-prev').onclick = () => loadReport(id, Math.max(0, offset - ROWS_PAGE));
  $('#rv-next').onclick = () => loadReport(id, offset + ROWS_PAGE);
}

function wire() {
  wired = true;
  $('#reports-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    cursors = []; cursor = null;
    loadList();
  });
  $('#reports-older').addEventListener('click', () => { cursors.push(cursor); cursor = next; loadList(); });
  $('#reports-newer').addEventListener('click', () => { cursor = cursors.pop() ?? null; loadList(); });
  $('#rv-csv').addEventListener('click', downloadCsv);
  $('#rv-print').addEventListener('click', () => window.print());
}

// route: a report to show, or null for the list.
export function reportsShow(route) {
  if (!wired) wire();
  $('#reports-list').hidden = !!route;
  $('#report-one').hidden = !route;
  if (route) {
    clear($('#rv-out'));
    $('#rv-title').textContent = t('Report');
    return loadReport(route.id);
  }
  shown = null;
  return loadList();
}
