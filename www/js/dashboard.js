// dashboard — queues, active alarms (acknowledge with a note) and devices
// with their latest reading and a 24-hour chart, refreshed every 30 s in
// the background (Infosys-Background: 1) while the view is open.
import { portal } from './proto.js';
import { $, h, clear, say, timeEl, when } from './dom.js';
import { tempChart } from './chart.js';

const REFRESH_MS = 30000;
let timer = null, openAck = null, last = null;

function fmtValue(v, unit) {
  return `${Number(v).toFixed(1)} °${unit}`;
}

function queueItem(q) {
  return h('li', { class: 'tile' },
    h('p', { class: 'tile-name' }, q.queue),
    h('p', { class: 'tile-big' }, String(q.length), h('span', { class: 'tile-unit' }, ' waiting')),
    h('p', {}, `about ${q.wait_min} min wait · `, timeEl(q.ts)));
}

function ackForm(a) {
  const id = 'ack-note-' + a.alarm.replace(/[^A-Za-z0-9_-]/g, '_');
  const form = h('form', { class: 'ack-form', novalidate: true },
    h('p', { class: 'phi', id: id + '-phi' }, 'No patient names, dates of birth or record numbers in the note.'),
    h('div', { class: 'field' },
      h('label', { for: id }, `Note for alarm ${a.alarm} (optional)`),
      h('input', { id, name: 'note', maxlength: 200, 'aria-describedby': id + '-phi' })),
    h('div', { class: 'row' },
      h('button', { type: 'submit', class: 'primary' }, 'Send acknowledgement'),
      h('button', { type: 'button', onclick: () => { openAck = null; render(false); } }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await portal('ALARM.ACK', { alarm: a.alarm, note: form.elements.note.value.trim() });
    if (!r.ok) return say($('#dash-msg'), r.error.message, 'error');
    openAck = null;
    say($('#dash-msg'), `Acknowledgement of alarm ${a.alarm} sent to the PC (command ${r.data.command}).`, 'ok');
    refresh(true);
  });
  return form;
}

const ACK_STATE = { pending: 'waiting for the PC', delivered: 'picked up by the PC',
                    done: 'confirmed by the PC', failed: 'failed on the PC' };

function alarmItem(a) {
  const li = h('li', { class: 'alarm sev-' + a.severity },
    h('p', { class: 'alarm-head' },
      h('span', { class: 'badge badge-' + a.severity }, a.severity),
      ` ${a.device} · `, timeEl(a.ts)),
    h('p', {}, a.message || `Alarm ${a.alarm}`));
  if (a.ack) {
    li.append(h('p', { class: 'ack' },
      `Acknowledged by ${a.ack.user} at ${when(a.ack.ts)}, ${ACK_STATE[a.ack.status] || a.ack.status}.`));
  } else if (openAck === a.alarm) {
    li.append(ackForm(a));
  } else {
    li.append(h('button', { type: 'button', class: 'primary',
      onclick: () => { openAck = a.alarm; render(true); } },
      `Acknowledge alarm ${a.alarm}`));
  }
  return li;
}

function deviceItem(d, readings) {
  const latest = d.latest;
  const bad = latest && latest.out_of_range;
  const li = h('li', { class: 'device' + (bad ? ' device-bad' : '') },
    h('h3', {}, d.device, h('span', { class: 'device-kind' }, ` ${d.kind} · ${d.location}`)),
    latest
      ? h('p', { class: 'reading' + (bad ? ' reading-bad' : '') },
          fmtValue(latest.value, d.unit),
          bad ? h('span', { class: 'badge badge-high' }, 'out of range') : null,
          h('span', { class: 'reading-when' }, ' at ', timeEl(latest.ts)))
      : h('p', { class: 'reading' }, 'No reading yet'),
    d.range ? h('p', { class: 'hint' }, `Acceptable ${d.range.min} to ${d.range.max} °${d.unit}`) : null);
  if (readings) li.append(tempChart(d.device, readings.readings, d.range, d.unit, Date.now(), readings.count));
  return li;
}

// Every device's 24 hours in one request, down-sampled by the server to
// a minimum and a maximum per bucket: both are drawn, so a short
// excursion shows. Newest first, as the chart takes readings.
async function charts() {
  const r = await portal('DASHBOARD.SERIES', {}, { background: true });
  const out = {};
  if (r.ok) {
    for (const s of r.data.series) {
      out[s.device] = { count: s.readings, readings: s.points.flatMap((p) =>
        [{ ts: p.ts, value: p.max }, { ts: p.ts, value: p.min }]) };
    }
  }
  return out;
}

// foreground: a user's own action (counts as activity), else a timer.
export async function refresh(foreground = false) {
  const r = await portal('DASHBOARD', {}, { background: !foreground });
  if (!r.ok) {
    if (r.error.code !== 'SESSION_EXPIRED' && r.error.code !== 'AUTH_REQUIRED') say($('#dash-msg'), r.error.message, 'error');
    return;
  }
  last = { d: r.data, series: await charts() };
  render(foreground);
}

function render(focusAck) {
  if (!last) return;
  const { d, series } = last;
  clear($('#alarms'), d.alarms.length ? d.alarms.map(alarmItem)
    : [h('li', { class: 'empty' }, 'No active alarms.')]);
  clear($('#queues'), d.queues.length ? d.queues.map(queueItem)
    : [h('li', { class: 'empty' }, 'No queues reported yet.')]);
  clear($('#devices'), d.devices.length ? d.devices.map((x) => deviceItem(x, series[x.device]))
    : [h('li', { class: 'empty' }, 'No devices reported yet.')]);
  $('#dash-updated').textContent = 'Updated ' + when(new Date().toISOString());
  if (openAck && focusAck) {
    const f = document.getElementById('ack-note-' + openAck.replace(/[^A-Za-z0-9_-]/g, '_'));
    if (f) f.focus();
  }
}

export function dashboardShow() {
  refresh(true);
  clearInterval(timer);
  timer = setInterval(() => { if (!openAck) refresh(false); }, REFRESH_MS);
}

export function dashboardHide() {
  clearInterval(timer);
  timer = null;
}
