// admin — users (search, filter, sort and pages; unlock; reset with the
// temporary password kept on screen until dismissed; disable after a
// confirmation and enable; their sessions and ending them; two-step
// reset), security alerts, the security policy, and the audit views with
// filters that every view honours.
import { portal } from './proto.js';
import { $, h, clear, confirmAction, day, localDay, plain, say, timeEl, toast, values, when } from './dom.js';
import { current } from './app.js';
import { alertsShow, alertsInit } from './alerts.js';
import { describeAction, describeDetail } from './words.js';
import { t } from './i18n.js';

// Temporary passwords shown until the admin dismisses them: a reload of
// the user list must not make one vanish before it was passed on.
const shownPasswords = new Map();
let lastUsers = [];

async function userAction(verb, user, done) {
  const r = await portal(verb, { user });
  if (!r.ok) return toast(plain(r.error), 'error');
  if (verb === 'USER.RESET') {
    shownPasswords.set(user, r.data.password);
    renderUsers();
    toast(t('A temporary password for {user} is shown in the user list.', { user }), 'ok');
    const box = document.getElementById('reset-' + user);
    if (box) box.scrollIntoView({ block: 'nearest' });
    return;
  }
  toast(done, 'ok');
  loadUsers();
}

const DEVICE_WORDS = { windows: 'Windows', mac: 'Mac', linux: 'Linux', chromeos: 'Chromebook',
  iphone: 'iPhone', ipad: 'iPad', 'android-phone': t('Android phone'), 'android-tablet': t('Android tablet') };

// Destructive actions ask first; question is what the admin confirms,
// action the button that does it.
async function confirmed(question, action, verb, user, done) {
  if (await confirmAction(question, action)) userAction(verb, user, done);
}

async function showSessions(user) {
  const r = await portal('USER.SESSIONS', { user });
  if (!r.ok) return toast(plain(r.error), 'error');
  const box = $('#sessions-' + CSS.escape(user));
  const list = r.data.sessions;
  clear(box, list.length === 0 ? h('p', {}, t('{user} is not signed in anywhere.', { user }))
    : h('ul', { class: 'list' }, list.map((s) => h('li', {},
      `${DEVICE_WORDS[s.device] || t('Other device')} · ${s.address} · ${t('since')} `, timeEl(s.started),
      ' · ' + t('last active') + ' ', timeEl(s.last_seen)))),
  list.length === 0 ? null : h('button', { type: 'button', class: 'danger',
    onclick: () => confirmed(t('Sign {user} out everywhere? They are signed out at once.', { user }),
      t('Sign {user} out', { user }), 'USER.REVOKE', user, t('{user} was signed out everywhere.', { user })) },
  t('Sign {user} out everywhere', { user })));
  box.hidden = false;
}

async function resetPassword(user) {
  const again = shownPasswords.has(user);
  const ok = await confirmAction(again
    ? t('Reset the password of {user} again? The temporary password shown now stops working.', { user })
    : t('Reset the password of {user}? Their current password stops working and they must choose a new one at the next sign-in.', { user }),
  t('Reset password'));
  if (ok) userAction('USER.RESET', user);
}

async function disableUser(user) {
  const ok = await confirmAction(t('Disable {user}? They are signed out at once and cannot sign in until enabled again.', { user }),
    t('Disable {user}', { user }));
  if (ok) userAction('USER.DISABLE', user, t('{user} was disabled.', { user }));
}

function resetBox(user) {
  const pw = shownPasswords.get(user);
  if (!pw) return null;
  return h('div', { id: 'reset-' + user, class: 'reset-box' },
    h('p', {}, t('Temporary password for {user}: pass it on now; {user} must change it at the next sign-in.', { user })),
    h('p', { class: 'secret' }, pw),
    h('button', { type: 'button', onclick: () => { shownPasswords.delete(user); renderUsers(); } },
      t('Done, hide the password of {user}', { user })));
}

const STATUS = { active: t('active'), locked: t('locked'), disabled: t('disabled') };
const ROLE = { user: t('user'), admin: t('admin') };

function userItem(u) {
  const status = u.locked ? 'locked' : u.status;
  const me = u.user === (current() || {}).user;
  const user = u.user;
  return h('li', { class: 'user user-' + status },
    h('p', { class: 'user-head' }, h('strong', {}, u.user), ` · ${ROLE[u.role] || u.role} · `,
      h('span', { class: 'badge badge-' + status }, STATUS[status] || status)),
    h('p', { class: 'hint' }, t('Failed sign-ins: {n}', { n: u.failed_logins }) + ' · ' + t('last sign-in {time}', { time: when(u.last_login) }),
      u.mfa ? ' · ' + t('two-step on') : '', u.must_change_password ? ' · ' + t('must change password') : ''),
    h('div', { class: 'row' },
      u.locked ? h('button', { type: 'button', class: 'primary',
        onclick: () => userAction('USER.UNLOCK', user, t('{user} was unlocked.', { user })) }, t('Unlock {user}', { user })) : null,
      h('button', { type: 'button', onclick: () => resetPassword(user) }, t('Reset password of {user}', { user })),
      u.status !== 'disabled' && !me ? h('button', { type: 'button', class: 'danger',
        onclick: () => disableUser(user) }, t('Disable {user}', { user })) : null,
      h('button', { type: 'button', onclick: () => showSessions(user) }, t('Sessions of {user}', { user })),
      u.status === 'disabled' ? h('button', { type: 'button',
        onclick: () => userAction('USER.ENABLE', user, t('{user} can sign in again.', { user })) }, t('Enable {user}', { user })) : null,
      u.mfa && !me ? h('button', { type: 'button', class: 'danger',
        onclick: () => confirmed(t('Reset two-step sign-in of {user}? They are signed out and set it up again at the next sign-in.', { user }),
          t('Reset two-step sign-in'), 'USER.MFA.RESET', user, t('Two-step sign-in of {user} was reset.', { user })) },
      t('Reset two-step of {user}', { user })) : null),
    resetBox(u.user),
    h('div', { id: 'sessions-' + u.user, class: 'sessions-box', hidden: true }));
}

// Search, filter, sort and paging of the user list, in the page: a
// facility has tens to a few hundred users, all in one USER.LIST.
const PAGE = 20;
let page = 0;
const SHOW = {
  all: () => true, locked: (u) => u.locked, disabled: (u) => u.status === 'disabled',
  admin: (u) => u.role === 'admin', change: (u) => u.must_change_password,
};
const SORT = {
  name: (a, b) => a.user.localeCompare(b.user),
  failed: (a, b) => b.failed_logins - a.failed_logins || a.user.localeCompare(b.user),
  last: (a, b) => String(b.last_login || '').localeCompare(String(a.last_login || '')),
};

function renderUsers() {
  const f = values($('#users-form'));
  const q = f.q.toLowerCase();
  const shown = lastUsers.filter((u) => u.user.toLowerCase().includes(q) && SHOW[f.show](u))
    .sort(SORT[f.sort]);
  page = Math.min(page, Math.max(0, Math.ceil(shown.length / PAGE) - 1));
  const slice = shown.slice(page * PAGE, (page + 1) * PAGE);
  clear($('#users'), slice.length ? slice.map(userItem) : [h('li', { class: 'empty' }, t('No user matches.'))]);
  $('#users-count').textContent = shown.length
    ? t('Users {first}–{last} of {n}', { first: page * PAGE + 1, last: page * PAGE + slice.length, n: shown.length }) : '';
  $('#users-prev').hidden = page === 0;
  $('#users-next').hidden = (page + 1) * PAGE >= shown.length;
}

async function loadUsers() {
  const r = await portal('USER.LIST');
  if (!r.ok) return toast(plain(r.error), 'error');
  lastUsers = r.data.users;
  renderUsers();
}

// The policy form in people's units: the idle timeout in minutes.
const NUMBERS = { idle_min: ['idle_timeout_s', 60], min_length: ['min_length', 1],
  max_age_days: ['max_age_days', 1], history: ['history', 1], min_score: ['min_score', 1] };
const FLAGS = ['require_digit', 'require_special', 'require_mixed_case', 'mfa_admins'];

let policy = {};

async function loadPolicy() {
  const fields = $('#policy-fields');
  fields.disabled = true;
  const r = await portal('POLICY.GET');
  if (!r.ok) return toast(plain(r.error), 'error');
  policy = r.data;
  const f = $('#policy-form');
  for (const [field, [key, per]] of Object.entries(NUMBERS)) f.elements[field].value = Math.round(r.data[key] / per);
  for (const k of FLAGS) f.elements[k].checked = !!r.data[k];
  fields.disabled = false;
}

// The first field outside its bounds, named as its label names it.
function invalidField(form) {
  for (const el of form.elements) {
    if (el.type !== 'number') continue;
    const v = el.value.trim();
    if (v === '' || !Number.isInteger(Number(v)) || Number(v) < Number(el.min) || Number(v) > Number(el.max)) {
      return el;
    }
  }
  return null;
}

async function savePolicy(ev) {
  ev.preventDefault();
  const form = ev.target;
  const out = $('#policy-msg');
  const bad = invalidField(form);
  if (bad) {
    const label = form.querySelector(`label[for="${bad.id}"]`).dataset.name;
    bad.focus();
    return say(out, t('{field} must be a whole number from {min} to {max}.', { field: label, min: bad.min, max: bad.max }), 'error');
  }
  const f = values(form);
  // Only what changed, so that the activity log says what was changed.
  const args = {};
  for (const [field, [key, per]] of Object.entries(NUMBERS)) {
    if (Number(f[field]) * per !== Number(policy[key])) args[key] = Number(f[field]) * per;
  }
  for (const k of FLAGS) if (Number(f[k]) !== Number(policy[k])) args[k] = f[k];
  if (!Object.keys(args).length) return say(out, t('Nothing was changed.'), 'info');
  const r = await portal('POLICY.SET', args);
  if (!r.ok) return say(out, plain(r.error, t('The policy was not saved. Check the values and try again.')), 'error');
  Object.assign(policy, Object.fromEntries(Object.entries(args).map(([k, v]) => [k, Number(v)])));
  say(out, t('The policy was saved.'), 'ok');
  toast(t('The policy was saved.'), 'ok');
}

const RESULT = { success: t('Signed in'), failure: t('Refused') };
const WHERE = { web: t('web'), app: t('app'), pc: 'PC' };

function requestStatus(x) {
  if (x.status < 300) return t('Done');
  if (x.status === 401) return t('Not signed in');
  if (x.status === 403) return t('Not allowed');
  if (x.status >= 500) return t('Server error');
  return t('Refused');
}

// Columns of each audit view: [heading, item → text or node].
const COLUMNS = {
  'AUDIT.LOGINS': ['logins', [[t('Time'), (x) => timeEl(x.ts)], [t('User'), (x) => x.user],
    [t('Result'), (x) => RESULT[x.result] || x.result], [t('Reason'), (x) => (x.reason || '').replace(/_/g, ' ')],
    [t('Where'), (x) => WHERE[x.channel] || x.channel], [t('Address'), (x) => x.address]]],
  'AUDIT.ACTIVITY': ['events', [[t('Time'), (x) => timeEl(x.ts)], [t('User'), (x) => x.user],
    [t('What'), (x) => describeAction(x)], [t('Detail'), (x) => describeDetail(x)],
    [t('Address'), (x) => x.address]]],
  'AUDIT.REQUESTS': ['requests', [[t('Time'), (x) => timeEl(x.ts)], [t('User'), (x) => x.user || (x.pc ? `PC ${x.pc}` : '')],
    [t('Request'), (x) => x.verb || x.endpoint], [t('Result'), requestStatus],
    ['ms', (x) => (x.duration_us / 1000).toFixed(1)]]],
  'SYNC.LOG': ['syncs', [[t('Time'), (x) => timeEl(x.ts)], ['PC', (x) => x.pc],
    [t('What'), (x) => (x.kind === 'daily' ? t('Daily sync of {date}', { date: day(localDay(x.date)) }) : t('Error report'))],
    [t('Result'), (x) => (x.status === 'ok' ? 'OK' : x.status === 'error' ? t('Failed') : '')],
    [t('Message'), (x) => x.message], [t('Version'), (x) => x.version]]],
};

function table(caption, cols, rows) {
  return h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, cols.map(([t]) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map((x) => h('tr', {}, cols.map(([, fn]) => h('td', {}, fn(x) ?? ''))))));
}

// The audit view's pages: the cursor of the page shown (null: the
// newest) and those before it, for "Newer rows".
const auditPages = { before: [], cursor: null, next: null };

async function showAudit(ev) {
  if (ev) {
    ev.preventDefault();
    Object.assign(auditPages, { before: [], cursor: null });
  }
  const f = values($('#audit-form'));
  const verb = f.view;
  const args = { limit: f.limit || 100 };
  if (verb !== 'SYNC.LOG') args.user = f.user;
  if (f.from) args.from = f.from + 'T00:00:00Z';
  if (f.to) args.to = new Date(Date.parse(f.to + 'T00:00:00Z') + 86400000).toISOString().slice(0, 19) + 'Z';
  if (auditPages.cursor) args.before = auditPages.cursor;
  if (f.from && Date.parse(args.from) > Date.now()) {
    return say($('#audit-note'), t('Since is after today: choose today or an earlier day.'), 'error');
  }
  if (f.from && f.to && f.from > f.to) {
    return say($('#audit-note'), t('Since is after Until: choose an earlier Since or a later Until.'), 'error');
  }
  if (verb === 'SYNC.LOG' && f.user) {
    say($('#audit-note'), t('PC reports are not made by a user: the User filter does not apply to them.'), 'info');
  } else {
    say($('#audit-note'), '');
  }
  const r = await portal(verb, args);
  if (!r.ok) return toast(plain(r.error, t('The log could not be read. Check the filters and try again.')), 'error');
  const [key, cols] = COLUMNS[verb];
  const rows = r.data[key];
  const label = $('#au-view').selectedOptions[0].textContent;
  auditPages.next = r.data.next;
  $('#audit-newer').disabled = !auditPages.before.length;
  $('#audit-older').disabled = !auditPages.next;
  const n = { log: label, n: rows.length };
  const caption = auditPages.cursor
    ? (rows.length === 1 ? t('{log}: 1 older row, newest first', n) : t('{log}: {n} older rows, newest first', n))
    : (rows.length === 1 ? t('{log}: 1 row, newest first', n) : t('{log}: {n} rows, newest first', n));
  const out = [table(caption, cols, rows)];
  if (verb === 'SYNC.LOG') {
    out.unshift(table(f.from ? t('PC check-ins since {date}', { date: day(localDay(f.from)) }) : t('PC check-ins in the last 24 hours'),
      [['PC', (x) => x.pc], [t('Last check-in'), (x) => timeEl(x.last_seen)], [t('Requests'), (x) => String(x.requests)]],
      r.data.pcs));

  }
  clear($('#audit-out'), out);
}

export function adminShow() {
  alertsShow();
  loadUsers();
  loadPolicy();
  Object.assign(auditPages, { before: [], cursor: null });
  showAudit();
}

export function adminInit() {
  alertsInit();
  $('#users-form').addEventListener('input', () => { page = 0; renderUsers(); });
  $('#users-form').addEventListener('submit', (ev) => ev.preventDefault());
  $('#users-prev').addEventListener('click', () => { page--; renderUsers(); });
  $('#users-next').addEventListener('click', () => { page++; renderUsers(); });
  $('#policy-form').addEventListener('submit', savePolicy);
  $('#audit-form').addEventListener('submit', showAudit);
  $('#audit-older').addEventListener('click', () => {
    auditPages.before.push(auditPages.cursor);
    auditPages.cursor = auditPages.next;
    showAudit();
  });
  $('#audit-newer').addEventListener('click', () => {
    auditPages.cursor = auditPages.before.pop() ?? null;
    showAudit();
  });
}
