// admin — users (unlock, reset with the temporary password shown once,
// disable and enable, their sessions and ending them, two-step reset),
// the security policy, and the audit views with filters.
import { portal } from './proto.js';
import { $, h, clear, say, timeEl, values, when } from './dom.js';
import { current } from './app.js';
import { alertsShow, alertsInit } from './alerts.js';

const msg = (text, kind) => say($('#admin-msg'), text, kind);

async function userAction(verb, user, done) {
  const r = await portal(verb, { user });
  if (!r.ok) return msg(r.error.message, 'error');
  if (verb === 'USER.RESET') {
    msg('', '');
    const box = $('#reset-' + CSS.escape(user));
    clear(box, h('p', {}, `Temporary password for ${user} — shown only now; ${user} must change it at the next sign-in:`),
      h('p', { class: 'secret' }, r.data.password));
    box.hidden = false;
    return;
  }
  msg(done, 'ok');
  loadUsers();
}

const DEVICE_WORDS = { windows: 'Windows', mac: 'Mac', linux: 'Linux', chromeos: 'Chromebook',
  iphone: 'iPhone', ipad: 'iPad', 'android-phone': 'Android phone', 'android-tablet': 'Android tablet' };

// Destructive actions ask first; question is what the admin confirms.
function confirmed(question, verb, user, done) {
  if (confirm(question)) userAction(verb, user, done);
}

async function showSessions(user) {
  const r = await portal('USER.SESSIONS', { user });
  if (!r.ok) return msg(r.error.message, 'error');
  const box = $('#sessions-' + CSS.escape(user));
  const list = r.data.sessions;
  clear(box, list.length === 0 ? h('p', {}, `${user} is not signed in anywhere.`)
    : h('ul', { class: 'list' }, list.map((s) => h('li', {},
      `${DEVICE_WORDS[s.device] || 'Other device'} · ${s.address} · since `, timeEl(s.started),
      ' · last active ', timeEl(s.last_seen)))),
  list.length === 0 ? null : h('button', { type: 'button', class: 'danger',
    onclick: () => confirmed(`Sign ${user} out everywhere? They are signed out at once.`,
      'USER.REVOKE', user, `${user} was signed out everywhere.`) }, `Sign ${user} out everywhere`));
  box.hidden = false;
}

function userItem(u) {
  const status = u.locked ? 'locked' : u.status;
  const self = u.user === (current() || {}).user;
  return h('li', { class: 'user user-' + status },
    h('p', { class: 'user-head' }, h('strong', {}, u.user), ` · ${u.role} · `,
      h('span', { class: 'badge badge-' + status }, status)),
    h('p', { class: 'hint' }, `Failed sign-ins: ${u.failed_logins} · last sign-in ${when(u.last_login)}`,
      u.mfa ? ' · two-step on' : '', u.must_change_password ? ' · must change password' : ''),
    h('div', { class: 'row' },
      u.locked ? h('button', { type: 'button', class: 'primary',
        onclick: () => userAction('USER.UNLOCK', u.user, `${u.user} was unlocked.`) }, `Unlock ${u.user}`) : null,
      h('button', { type: 'button',
        onclick: () => userAction('USER.RESET', u.user) }, `Reset password of ${u.user}`),
      h('button', { type: 'button', onclick: () => showSessions(u.user) }, `Sessions of ${u.user}`),
      u.status !== 'disabled' && !self ? h('button', { type: 'button', class: 'danger',
        onclick: () => confirmed(`Disable ${u.user}? They are signed out at once.`, 'USER.DISABLE', u.user, `${u.user} was disabled.`) },
        `Disable ${u.user}`) : null,
      u.status === 'disabled' ? h('button', { type: 'button',
        onclick: () => userAction('USER.ENABLE', u.user, `${u.user} can sign in again.`) }, `Enable ${u.user}`) : null,
      u.mfa && !self ? h('button', { type: 'button', class: 'danger',
        onclick: () => confirmed(`Reset two-step sign-in of ${u.user}? They are signed out and set it up again at the next sign-in.`,
          'USER.MFA.RESET', u.user, `Two-step sign-in of ${u.user} was reset.`) }, `Reset two-step of ${u.user}`) : null),
    h('div', { id: 'reset-' + u.user, class: 'reset-box', role: 'status', hidden: true }),
    h('div', { id: 'sessions-' + u.user, class: 'sessions-box', hidden: true }));
}

async function loadUsers() {
  const r = await portal('USER.LIST');
  if (!r.ok) return msg(r.error.message, 'error');
  clear($('#users'), r.data.users.map(userItem));
}

const NUMBERS = ['idle_timeout_s', 'min_length', 'min_score', 'max_age_days', 'history'];
const FLAGS = ['require_digit', 'require_special', 'require_mixed_case', 'mfa_admins'];

async function loadPolicy() {
  const r = await portal('POLICY.GET');
  if (!r.ok) return msg(r.error.message, 'error');
  const f = $('#policy-form');
  for (const k of NUMBERS) f.elements[k].value = r.data[k];
  for (const k of FLAGS) f.elements[k].checked = !!r.data[k];
}

async function savePolicy(ev) {
  ev.preventDefault();
  const r = await portal('POLICY.SET', values(ev.target));
  if (!r.ok) return msg(r.error.message, 'error');
  msg('The policy was saved.', 'ok');
}

// Columns of each audit view: [heading, item → text or node].
const COLUMNS = {
  'AUDIT.LOGINS': ['logins', [['Time', (x) => timeEl(x.ts)], ['User', (x) => x.user],
    ['Result', (x) => x.result], ['Reason', (x) => x.reason], ['Channel', (x) => x.channel],
    ['Address', (x) => x.address]]],
  'AUDIT.ACTIVITY': ['events', [['Time', (x) => timeEl(x.ts)], ['User', (x) => x.user],
    ['Action', (x) => x.action], ['Target', (x) => x.target], ['Detail', (x) => x.detail],
    ['Address', (x) => x.address]]],
  'AUDIT.REQUESTS': ['requests', [['Time', (x) => timeEl(x.ts)], ['User', (x) => x.user || x.pc],
    ['Endpoint', (x) => x.endpoint], ['Verb', (x) => x.verb], ['Status', (x) => `${x.status} ${x.code || ''}`],
    ['ms', (x) => (x.duration_us / 1000).toFixed(1)]]],
  'SYNC.LOG': ['syncs', [['Time', (x) => timeEl(x.ts)], ['PC', (x) => x.pc], ['Kind', (x) => x.kind],
    ['Date', (x) => x.date], ['Status', (x) => x.status], ['Message', (x) => x.message],
    ['Version', (x) => x.version]]],
};

async function showAudit(ev) {
  if (ev) ev.preventDefault();
  const f = values($('#audit-form'));
  const verb = f.view;
  const args = { limit: f.limit || 100 };
  if (verb === 'AUDIT.LOGINS' || verb === 'AUDIT.ACTIVITY') args.user = f.user;
  if (verb !== 'SYNC.LOG' && f.from) args.from = f.from + 'T00:00:00Z';
  const r = await portal(verb, args);
  if (!r.ok) return msg(r.error.message, 'error');
  const [key, cols] = COLUMNS[verb];
  const rows = r.data[key];
  const label = $('#au-view').selectedOptions[0].textContent;
  clear($('#audit-out'), h('table', {},
    h('caption', {}, `${label}: ${rows.length} row${rows.length === 1 ? '' : 's'}, newest first`),
    h('thead', {}, h('tr', {}, cols.map(([t]) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map((x) => h('tr', {}, cols.map(([, fn]) => h('td', {}, fn(x) ?? '')))))));
}

export function adminShow() {
  alertsShow();
  loadUsers();
  loadPolicy();
  showAudit();
}

export function adminInit() {
  alertsInit();
  $('#policy-form').addEventListener('submit', savePolicy);
  $('#audit-form').addEventListener('submit', showAudit);
}
