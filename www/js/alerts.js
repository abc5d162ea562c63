// alerts — the facility's security alerts for its admins (open ones first,
// acknowledge), and which kinds of alert are mailed to the admins.
import { portal } from './proto.js';
import { $, h, clear, say, timeEl } from './dom.js';

const TITLES = {
  account_locked: 'Account locked',
  address_throttled: 'Address blocked after many failed sign-ins',
  distributed_guessing: 'Password guessing from several addresses',
  phi_burst: 'Patient data refused again and again',
  new_pc: 'Sync key used by a new PC',
  admin_new_address: 'Admin signed in from a new address',
  daily_sync_missed: 'Daily sync missed',
};

const msg = (text, kind) => say($('#alerts-msg'), text, kind);
const title = (rule) => TITLES[rule] || 'Security alert';

async function acknowledge(a) {
  const r = await portal('ALERT.ACK', { id: a.id });
  if (!r.ok) return msg(r.error.message, 'error');
  msg(`“${title(a.rule)}” was acknowledged.`, 'ok');
  loadAlerts();
}

function alertItem(a) {
  const times = a.count > 1 ? ` · ${a.count} times within the hour` : '';
  return h('li', { class: 'alert' + (a.acknowledged ? ' alert-done' : '') },
    h('p', { class: 'user-head' }, h('strong', {}, title(a.rule)), ` · ${a.subject}`),
    h('p', {}, a.detail),
    h('p', { class: 'hint' }, timeEl(a.ts), times,
      a.acknowledged ? ` · acknowledged by ${a.acknowledged_by}` : ''),
    a.acknowledged ? null : h('button', { type: 'button', onclick: () => acknowledge(a) },
      `Acknowledge “${title(a.rule)}” (${a.subject})`));
}

async function loadAlerts() {
  const all = $('#alerts-all').checked;
  const r = await portal('ALERT.LIST', all ? { status: 'all' } : {});
  if (!r.ok) return msg(r.error.message, 'error');
  const items = r.data.alerts;
  clear($('#alerts'), items.length ? items.map(alertItem)
    : h('li', { class: 'hint' }, all ? 'No alerts yet.' : 'No open alerts.'));
}

async function setMail(rule, on) {
  const r = await portal('ALERT.RULE.SET', { rule, mail: on ? 'true' : 'false' });
  if (!r.ok) return msg(r.error.message, 'error');
  msg(`“${title(rule)}” alerts are ${on ? 'now' : 'no longer'} mailed to the admins.`, 'ok');
}

async function loadRules() {
  const r = await portal('ALERT.RULES');
  if (!r.ok) return msg(r.error.message, 'error');
  clear($('#alert-rules'), r.data.rules.map((x) => h('div', { class: 'check' },
    h('input', { id: 'ar-' + x.rule, type: 'checkbox', checked: x.mail,
      onchange: (ev) => setMail(x.rule, ev.target.checked) }),
    h('label', { for: 'ar-' + x.rule }, `${title(x.rule)}: ${x.description}`))));
}

export function alertsShow() {
  loadAlerts();
  loadRules();
}

export function alertsInit() {
  $('#alerts-all').addEventListener('change', loadAlerts);
}
