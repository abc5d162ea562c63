// alerts — the facility's security alerts for its admins (open ones first,
// acknowledge), and which kinds of alert are mailed to the admins.
import { portal } from './proto.js';
import { $, h, clear, plain, say, timeEl } from './dom.js';
import { t } from './i18n.js';

const TITLES = {
  account_locked: t('Account locked'),
  address_throttled: t('Address blocked after many failed sign-ins'),
  distributed_guessing: t('Password guessing from several addresses'),
  phi_burst: t('Patient data refused again and again'),
  new_pc: t('Sync key used by a new PC'),
  admin_new_address: t('Admin signed in from a new address'),
  daily_sync_missed: t('Daily sync missed'),
  pc_offline: t('Facility PC offline'),

};

const msg = (text, kind) => say($('#alerts-msg'), text, kind);
const failed = (r) => msg(plain(r.error, t('The security alerts could not be read or changed. Try again.')), 'error');
const title = (rule) => TITLES[rule] || t('Security alert');

async function acknowledge(a) {
  const r = await portal('ALERT.ACK', { id: a.id });
  if (!r.ok) return failed(r);
  msg(t('“{alert}” was acknowledged.', { alert: title(a.rule) }), 'ok');
  loadAlerts();
}

function alertItem(a) {
  const times = a.count > 1 ? ' · ' + t('{n} times within the hour', { n: a.count }) : '';
  return h('li', { class: 'alert' + (a.acknowledged ? ' alert-done' : '') },
    h('p', { class: 'user-head' }, h('strong', {}, title(a.rule)), ` · ${a.subject}`),
    h('p', {}, a.detail),
    h('p', { class: 'hint' }, timeEl(a.ts), times,
      a.acknowledged ? ' · ' + t('acknowledged by {user}', { user: a.acknowledged_by }) : ''),
    a.acknowledged ? null : h('button', { type: 'button', onclick: () => acknowledge(a) },
      t('Acknowledge “{alert}” ({subject})', { alert: title(a.rule), subject: a.subject })));
}

async function loadAlerts() {
  const all = $('#alerts-all').checked;
  const r = await portal('ALERT.LIST', all ? { status: 'all' } : {});
  if (!r.ok) return failed(r);
  const items = r.data.alerts;
  clear($('#alerts'), items.length ? items.map(alertItem)
    : h('li', { class: 'hint' }, all ? t('No alerts yet.') : t('No open alerts.')));
}

async function setMail(rule, on) {
  const r = await portal('ALERT.RULE.SET', { rule, mail: on ? 'true' : 'false' });
  if (!r.ok) return failed(r);
  msg(on ? t('“{alert}” alerts are now mailed to the admins.', { alert: title(rule) })
    : t('“{alert}” alerts are no longer mailed to the admins.', { alert: title(rule) }), 'ok');
}

async function loadRules() {
  const r = await portal('ALERT.RULES');
  if (!r.ok) return failed(r);
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
