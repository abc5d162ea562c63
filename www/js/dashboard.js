// dashboard — whether the facility's PC is still checking in, active
// alarms (acknowledge with a note; new ones announced), queues, and
// devices with their latest reading and a 24-hour chart, what is out of
// range first. Refreshed every 30 s in the background
// (Infosys-Background: 1) while someone is signed in, whichever view is
// open (off the dashboard for its alarms only).
import { portal } from './proto.js';
import { $, h, clear, number, plain, saveFile, say, timeEl, toast, tsOf, when } from './dom.js';
import { tempChart } from './chart.js';
import { current } from './app.js';
import { alarmsSeen } from './alarms.js';
import { t } from './i18n.js';

const REFRESH_MS = 30000;
// The PC syncs every minute; ten quiet minutes mean it is off or cut off.
const PC_QUIET_MS = 10 * 60 * 1000;
// A device that sent nothing for this long shows its reading as old.
const READING_OLD_MS = 30 * 60 * 1000;
const KINDS = { fridge: t('fridge'), freezer: t('freezer'), room: t('room'), incubator: t('incubator'), other: t('other') };
let timer = null, openAck = null, openRange = null, last = null;

function fmtValue(v, unit) {
  return `${number(v, 1)} °${unit}`;
}

// "41 minutes", "3 hours": a span of ms.
function howLong(ms) {
  const min = Math.max(0, Math.round(ms / 60000));
  if (min < 90) return min === 1 ? t('1 minute') : t('{n} minutes', { n: min });
  const hours = Math.round(min / 60);
  return hours < 48 ? t('{n} hours', { n: hours }) : t('{n} days', { n: Math.round(hours / 24) });
}

const since = (ts) => Date.now() - Date.parse(ts);

// What people call a device: its name, else where it stands.
export function deviceName(d) {
  return d.name || d.location || d.device;
}

// A device's kind in the reader's words ("fridge"); an unknown one as sent.
export function kindText(kind) {
  return KINDS[kind] || kind;
}

// "2 to 8 °C", "at most −15 °C", "at least 15 °C".
export function rangeText(range, unit) {
  const u = `°${unit}`;
  const min = range.min === null ? null : number(range.min), max = range.max === null ? null : number(range.max);
  if (min !== null && max !== null) return t('{min} to {max} {unit}', { min, max, unit: u });
  if (max !== null) return t('at most {max} {unit}', { max, unit: u });
  return t('at least {min} {unit}', { min, unit: u });
}

// How long a PC has been quiet, by the server's clock (quiet_s in the
// answer) so that a device with a wrong clock neither invents nor hides a
// quiet PC; the browser's clock only for an answer without it.
function quietMs(pc) {
  return pc.quiet_s !== undefined && pc.quiet_s !== null ? pc.quiet_s * 1000 : since(pc.last_seen);
}

const pcQuiet = (pc) => quietMs(pc) > PC_QUIET_MS;

// "PC offline" as an alarm of the page: one per PC and quiet spell (a new
// spell is a new alarm), gone when the PC checks in again. Not a row of
// the PC's alarms: nothing to acknowledge to a PC that is off.
function pcAlarms(pcs) {
  return pcs.filter(pcQuiet).map((pc) => ({
    alarm: `pc-offline:${pc.pc}@${pc.last_seen}`, pc: pc.pc, severity: 'high', ts: pc.last_seen,
    where: t('the facility PC {pc}', { pc: pc.pc }),
    what: t('PC offline: no check-in for {time}.', { time: howLong(quietMs(pc)) }),
  }));
}

function pcStatus(pcs) {
  const el = $('#dash-pc');
  if (!pcs.length) {
    el.className = 'pc-status pc-none';
    return clear(el, h('p', {}, t('No PC of this facility has checked in yet: nothing below comes from it.')));
  }
  const seen = pcs[0].last_seen;
  const quiet = pcQuiet(pcs[0]);
  el.className = 'pc-status ' + (quiet ? 'pc-quiet' : 'pc-ok');
  clear(el, quiet
    ? h('p', {}, h('strong', {}, t('The facility PC has gone quiet.')), ' ',
        t('It last checked in at {time} ({ago}); readings and alarms below may be out of date.',
          { time: when(seen), ago: t('{time} ago', { time: howLong(quietMs(pcs[0])) }) }),
        ' ', t('Check that the PC is on and connected.'))
    : h('p', {}, t('Facility PC checked in at {time}.', { time: when(seen) })));
}

function queueItem(q) {
  return h('li', { class: 'tile' },
    h('p', { class: 'tile-name' }, q.queue),
    h('p', { class: 'tile-big' }, String(q.length), h('span', { class: 'tile-unit' }, ' ' + t('waiting'))),
    h('p', {}, t('about {n} min wait', { n: q.wait_min }) + ' · ', timeEl(q.ts)));
}

function safeId(s) { return s.replace(/[^A-Za-z0-9_-]/g, '_'); }

function ackForm(a, name) {
  const id = 'ack-note-' + safeId(a.alarm);
  const form = h('form', { class: 'ack-form', novalidate: true },
    h('p', { class: 'phi', id: id + '-phi' }, t('No patient names, dates of birth or record numbers in the note.')),
    h('div', { class: 'field' },
      h('label', { for: id }, t('Note for alarm {alarm} (optional)', { alarm: a.alarm })),
      h('input', { id, name: 'note', maxlength: 200, 'aria-describedby': id + '-phi' })),
    h('p', { class: 'msg', role: 'status', id: id + '-msg' }),
    h('div', { class: 'row' },
      h('button', { type: 'submit', class: 'primary' }, t('Send acknowledgement')),
      h('button', { type: 'button', onclick: () => { openAck = null; render(false); } }, t('Cancel'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await portal('ALARM.ACK', { alarm: a.alarm, note: form.elements.note.value.trim() });
    if (!r.ok) return say($('#' + id + '-msg'), plain(r.error, t('The acknowledgement was not sent. Try again.')), 'error');
    openAck = null;
    toast(t('Acknowledgement of the alarm on {name} sent to the PC.', { name }), 'ok');
    refresh(true);
  });
  return form;
}

const ACK_STATE = { pending: t('waiting for the PC'), delivered: t('picked up by the PC'),
                    done: t('confirmed by the PC'), failed: t('failed on the PC') };
const SEVERITY = { low: t('low'), high: t('high'), critical: t('critical') };

function alarmItem(a) {
  const li = h('li', { class: 'alarm sev-' + a.severity + (a.ack ? '' : ' alarm-new') + (a.pc ? ' alarm-pc' : '') },
    h('p', { class: 'alarm-head' },
      h('span', { class: 'badge badge-' + a.severity }, SEVERITY[a.severity] || a.severity),
      ` ${a.where} · `, timeEl(a.ts)),
    h('p', {}, a.what));
  if (a.pc) {
    li.append(h('p', { class: 'ack' }, t('It clears itself when the PC checks in again. Check that the PC is on and connected.')));
  } else if (a.ack) {
    li.append(h('p', { class: 'ack' },
      t('Acknowledged by {user} at {time}, {state}.', { user: a.ack.user, time: when(a.ack.ts), state: ACK_STATE[a.ack.status] || a.ack.status })));
  } else if (openAck === a.alarm) {
    li.append(ackForm(a, a.where));
  } else {
    li.append(h('button', { type: 'button', class: 'primary',
      onclick: () => { openAck = a.alarm; render(true); } },
      t('Acknowledge alarm {alarm}', { alarm: a.alarm })));
  }
  return li;
}

// An admin's override of a device's acceptable range.
function rangeForm(d) {
  const id = 'range-' + safeId(d.device);
  const r = d.range || { min: null, max: null };
  const form = h('form', { class: 'range-form', novalidate: true },
    h('div', { class: 'row' },
      h('div', { class: 'field' }, h('label', { for: id + '-low' }, t('Lowest (°{unit})', { unit: d.unit })),
        h('input', { id: id + '-low', name: 'low', inputmode: 'decimal', value: r.min ?? '' })),
      h('div', { class: 'field' }, h('label', { for: id + '-high' }, t('Highest (°{unit})', { unit: d.unit })),
        h('input', { id: id + '-high', name: 'high', inputmode: 'decimal', value: r.max ?? '' }))),
    h('p', { class: 'hint' }, d.pc_range ? t('The PC alarms at {range}.', { range: rangeText(d.pc_range, d.unit) }) : t('The PC sent no range.')),
    h('p', { class: 'msg', role: 'status', id: id + '-msg' }),
    h('div', { class: 'row' },
      h('button', { type: 'submit', class: 'primary' }, t('Save range')),
      d.range && d.range.source === 'admin'
        ? h('button', { type: 'button', onclick: () => saveRange(d, {}, id) }, t("Use the PC's range")) : null,
      h('button', { type: 'button', onclick: () => { openRange = null; render(false); } }, t('Cancel'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const low = form.elements.low.value.trim().replace(',', '.').replace('−', '-');
    const high = form.elements.high.value.trim().replace(',', '.').replace('−', '-');
    const num = /^-?\d{1,3}(\.\d{1,2})?$/;
    if ((low && !num.test(low)) || (high && !num.test(high))) {
      return say($('#' + id + '-msg'), t('Enter temperatures as numbers, for example -25 or 8.5.'), 'error');
    }
    if (!low && !high) return say($('#' + id + '-msg'), t('Enter a lowest or a highest temperature, or both.'), 'error');
    if (low && high && Number(low) >= Number(high)) {
      return say($('#' + id + '-msg'), t('The lowest temperature must be below the highest.'), 'error');
    }
    saveRange(d, { low, high }, id);
  });
  return form;
}

async function saveRange(d, args, id) {
  const r = await portal('DEVICE.RANGE', { device: d.device, ...args });
  if (!r.ok) return say($('#' + id + '-msg'), plain(r.error, t('The range was not saved. Check the temperatures (−100 to 200).')), 'error');
  openRange = null;
  toast(r.data.range && r.data.range.source === 'admin'
    ? t('{device}: acceptable range now {range}.', { device: deviceName(d), range: rangeText(r.data.range, d.unit) })
    : t("{device}: the PC's range applies again.", { device: deviceName(d) }), 'ok');
  refresh(true);
}

// The readings as a CSV file for an inspection: one row per reading,
// oldest first, in UTC, with the range it was checked against. Its column
// names and yes/no are data, not words of the page: English and the same
// in every language, so that a spreadsheet or a script reads any file alike.
export function readingsCsv(d, readings) {
  const r = d.range || { min: null, max: null };
  const out = (v) => (r.min !== null && v < r.min) || (r.max !== null && v > r.max);
  const rows = [['device', 'name', 'time_utc', `value_${d.unit}`, 'range_low', 'range_high', 'out_of_range']];
  for (const x of [...readings].reverse()) {
    rows.push([d.device, deviceName(d), x.ts, x.value.toFixed(2), r.min ?? '', r.max ?? '', out(x.value) ? 'yes' : 'no']);
  }
  return rows.map((row) => row.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';
}

// The inspection log is every reading, not the chart's buckets: asked for
// when the person wants it.
async function downloadCsv(d) {
  const from = tsOf(Date.now() - 24 * 3600 * 1000);
  const r = await portal('READINGS', { device: d.device, from, limit: 5000 });
  if (!r.ok) {
    toast(plain(r.error, t('The temperature log could not be read.')), 'error');
    return;
  }
  saveFile(`${d.device}-${new Date().toISOString().slice(0, 10)}.csv`, readingsCsv(d, r.data.readings));
}

function rangeLine(d) {
  if (!d.range) return h('p', { class: 'hint' }, t('No acceptable range set: readings are not checked.'));
  return h('p', { class: 'hint' }, t('Acceptable {range}', { range: rangeText(d.range, d.unit) }),
    d.range.source === 'admin' ? ' ' + t('(set by an admin)') : '');
}

function deviceItem(d, readings) {
  const latest = d.latest;
  const bad = latest && latest.out_of_range;
  const old = latest && since(latest.ts) > READING_OLD_MS;
  const admin = (current() || {}).role === 'admin';
  const li = h('li', { class: 'device' + (bad ? ' device-bad' : '') },
    // The name opens the device's page: its history, excursions and log.
    h('h3', {}, h('a', { href: '#device/' + encodeURIComponent(d.device) }, deviceName(d)),
      h('span', { class: 'device-kind' }, ` ${kindText(d.kind)} · ${d.device}`)),
    latest
      ? h('p', { class: 'reading' + (bad ? ' reading-bad' : '') },
          fmtValue(latest.value, d.unit),
          bad ? h('span', { class: 'badge badge-high' }, t('out of range')) : null,
          h('span', { class: 'reading-when' }, ' ' + t('at') + ' ', timeEl(latest.ts)))
      : h('p', { class: 'reading' }, t('No reading yet')),
    old ? h('p', { class: 'reading-old' }, t('No new reading for {time}.', { time: howLong(since(latest.ts)) })) : null,
    rangeLine(d));
  if (admin && openRange === d.device) li.append(rangeForm(d));
  else if (admin) {
    li.append(h('button', { type: 'button', class: 'link-button',
      onclick: () => { openRange = d.device; render(false); } }, t('Change range of {device}', { device: deviceName(d) })));
  }
  if (readings) {
    li.append(tempChart(deviceName(d), readings, d.range, d.unit, Date.now(), readings.count),
      h('button', { type: 'button', class: 'link-button no-print', onclick: () => downloadCsv(d) },
        t('Temperature log of {device}, last 24 h (CSV)', { device: deviceName(d) })));
  }
  return li;
}

// The last 24 hours of every device: { device id: readings newest first }.
// DASHBOARD.SERIES answers them all in one request, down-sampled by the
// server to a minimum and a maximum per bucket: both are drawn, so a short
// excursion shows.
export async function fetchSeries(devices, hours = 24) {
  const r = await portal('DASHBOARD.SERIES', { hours, to: tsOf(Date.now()) }, { background: true });
  const out = {};
  if (r.ok) {
    for (const s of r.data.series) {
      // Two points a bucket stand for `readings` readings (the chart says so).
      out[s.device] = Object.assign(s.points.flatMap((p) =>
        [{ ts: p.ts, value: p.max }, { ts: p.ts, value: p.min }]), { count: s.readings });
    }
  }
  return out;
}

// foreground: a user's own action (counts as activity), else a timer.
export async function refresh(foreground = false) {
  const r = await portal('DASHBOARD', {}, { background: !foreground });
  if (!r.ok) {
    if (r.error.code !== 'SESSION_EXPIRED' && r.error.code !== 'AUTH_REQUIRED') {
      say($('#dash-msg'), plain(r.error, t('The dashboard could not be refreshed.')), 'error');
    }
    return;
  }
  say($('#dash-msg'), '');
  // Off the dashboard only the alarms matter: the charts wait for it.
  const shown = !$('#view-dashboard').hidden;
  last = { d: r.data, series: shown || !last ? await fetchSeries(r.data.devices) : last.series };
  render(foreground);
}

function render(focusAck) {
  if (!last) return;
  const { d, series } = last;
  const names = Object.fromEntries(d.devices.map((x) => [x.device, deviceName(x)]));
  pcStatus(d.pcs || []);
  const alarms = [...pcAlarms(d.pcs || []), ...d.alarms.map((a) => ({ ...a,
    where: names[a.device] || a.device, what: a.message || t('Alarm {alarm}', { alarm: a.alarm }) }))];
  alarmsSeen(alarms);
  clear($('#alarms'), alarms.length ? alarms.map(alarmItem)
    : [h('li', { class: 'empty' }, t('No active alarms.'))]);
  clear($('#queues'), d.queues.length ? d.queues.map(queueItem)
    : [h('li', { class: 'empty' }, t('No queues reported yet.'))]);
  // What is out of range first: on a phone it is what must not scroll away.
  const devices = [...d.devices].sort((a, b) =>
    Number(!!(b.latest && b.latest.out_of_range)) - Number(!!(a.latest && a.latest.out_of_range)));
  clear($('#devices'), devices.length ? devices.map((x) => deviceItem(x, series[x.device]))
    : [h('li', { class: 'empty' }, t('No devices reported yet.'))]);
  $('#dash-updated').textContent = t('Page refreshed {time}', { time: when(new Date().toISOString()) });
  if (openAck && focusAck) {
    const f = document.getElementById('ack-note-' + safeId(openAck));
    if (f) f.focus();
  }
}

let printWired = false;

export function dashboardShow() {
  if (!printWired) {
    printWired = true;
    $('#print-log').addEventListener('click', () => window.print());
  }
  refresh(true);
  watch();
}

// The dashboard is read every REFRESH_MS while someone is signed in,
// whichever view is open, so that a new alarm is noticed (tone, title,
// notification) from any page and with the tab in the background.
function watch() {
  clearInterval(timer);
  timer = setInterval(() => { if (!openAck && !openRange) refresh(false); }, REFRESH_MS);
}

// Signed in on another view: the alarms are watched all the same.
export function dashboardWatch() {
  if (timer) return;
  refresh(false);
  watch();
}

// Signed out: nothing more to watch, nothing of the last session kept.
export function dashboardHide() {
  clearInterval(timer);
  timer = null;
  last = null;
}
