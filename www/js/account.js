// account — the signed-in user's own account: change the password (with
// the strength meter) and see their sessions, ending any or all others.
import { auth } from './proto.js';
import { $, h, clear, say, timeEl, values } from './dom.js';
import { current } from './app.js';

const DEVICES = {
  windows: 'Windows computer', mac: 'Mac', linux: 'Linux computer', chromeos: 'Chromebook',
  iphone: 'iPhone', ipad: 'iPad', 'android-phone': 'Android phone',
  'android-tablet': 'Android tablet', other: 'Other device',
};
const msg = (text, kind) => say($('#account-msg'), text, kind);

function sessionItem(s) {
  const what = `${DEVICES[s.device] || DEVICES.other}${s.channel === 'app' ? ' (app)' : ''}`;
  return h('li', { class: 'session' },
    h('p', {}, h('strong', {}, what), s.current ? ' · this device' : '', ` · ${s.address}`),
    h('p', { class: 'hint' }, 'Signed in ', timeEl(s.started), ' · last active ', timeEl(s.last_seen)),
    s.current ? null : h('button', { type: 'button',
      onclick: () => endSession(s.id, what) }, `Sign out ${what}`));
}

async function loadSessions() {
  const r = await auth('SESSION.LIST');
  if (!r.ok) return msg(r.error.message, 'error');
  clear($('#sessions'), r.data.sessions.map(sessionItem));
  $('#signout-others').hidden = r.data.sessions.length < 2;
}

async function endSession(id, what) {
  const r = await auth('SESSION.REVOKE', { id });
  if (!r.ok) return msg('That session could not be ended. Reload and try again.', 'error');
  msg(`${what} was signed out.`, 'ok');
  loadSessions();
}

async function endOthers() {
  if (!confirm('Sign out on every other device? Anyone using your account there is signed out at once.')) return;
  const r = await auth('SESSION.REVOKE', { others: 'true' });
  if (!r.ok) return msg('The other sessions could not be ended. Try again.', 'error');
  msg('You were signed out on every other device.', 'ok');
  loadSessions();
}

async function changePassword(ev) {
  ev.preventDefault();
  const f = values(ev.target);
  if (!f.current || !f.new) return msg('Fill in both passwords.', 'error');
  if (f.new !== f.confirm) return msg('The two new passwords differ.', 'error');
  const r = await auth('PASSWORD.CHANGE', { current: f.current, new: f.new });
  if (!r.ok) {
    const code = r.error && r.error.code;
    return msg(code === 'AUTH_FAILED' ? 'The current password is not right.'
      : (r.error.message || 'The password was not changed.'), 'error');
  }
  ev.target.reset();
  $('#ac-strength').hidden = true;
  msg('Your password was changed. You were signed out on every other device.', 'ok');
  loadSessions();
}

export function accountShow() {
  const s = current() || {};
  $('#account-who').textContent = `${s.user} · ${s.facility}`;
  loadSessions();
}

export function accountInit() {
  $('#account-form').addEventListener('submit', changePassword);
  $('#signout-others').addEventListener('click', endOthers);
}
