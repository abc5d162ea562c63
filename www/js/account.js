// account — the signed-in user's own account: change the password (with
// the strength meter), set or remove the recovery e-mail address, and see
// their sessions, ending any or all others.
import { auth } from './proto.js';
import { $, h, clear, plain, say, timeEl, values } from './dom.js';
import { current } from './app.js';
import { t } from './i18n.js';

const DEVICES = {
  windows: t('Windows computer'), mac: 'Mac', linux: t('Linux computer'), chromeos: 'Chromebook',
  iphone: 'iPhone', ipad: 'iPad', 'android-phone': t('Android phone'),
  'android-tablet': t('Android tablet'), other: t('Other device'),
};
const msg = (text, kind) => say($('#account-msg'), text, kind);

function sessionItem(s) {
  const what = `${DEVICES[s.device] || DEVICES.other}${s.channel === 'app' ? ' ' + t('(app)') : ''}`;
  return h('li', { class: 'session' },
    h('p', {}, h('strong', {}, what), s.current ? ' · ' + t('this device') : '', ` · ${s.address}`),
    h('p', { class: 'hint' }, t('Signed in') + ' ', timeEl(s.started), ' · ' + t('last active') + ' ', timeEl(s.last_seen)),
    s.current ? null : h('button', { type: 'button',
      onclick: () => endSession(s.id, what) }, t('Sign out {device}', { device: what })));
}

function showAddress(hint) {
  $('#account-email-now').textContent = hint
    ? t('Reset codes are sent to {address}.', { address: hint })
    : t('You have no recovery address: without one, only an admin can reset your password.');
  $('#account-email-remove').hidden = !hint;
}

async function loadSessions() {
  const r = await auth('SESSION.LIST');
  if (!r.ok) return msg(plain(r.error, t('Your sessions could not be read. Reload and try again.')), 'error');
  showAddress(r.data.recovery_email);
  clear($('#sessions'), r.data.sessions.map(sessionItem));
  $('#signout-others').hidden = r.data.sessions.length < 2;
}

// Set (email given) or remove (null) the address, with the password again.
async function saveAddress(email) {
  const form = $('#account-email-form');
  const password = form.elements.password.value;
  if (!password) return msg(t('Enter your password to change the recovery address.'), 'error');
  const r = await auth('EMAIL.CHANGE', email ? { password, email } : { password });
  if (!r.ok) {
    const code = r.error && r.error.code;
    return msg(code === 'AUTH_FAILED' ? t('The password is not right.')
      : code === 'BAD_ARGUMENT' ? t('That is not an e-mail address. Check it and try again.')
        : plain(r.error, t('The recovery address was not changed. Try again.')), 'error');
  }
  form.reset();
  msg(email ? t('Your recovery address was saved. Both addresses were told by e-mail.')
    : t('Your recovery address was removed. It was told by e-mail.'), 'ok');
  loadSessions();
}

function submitAddress(ev) {
  ev.preventDefault();
  const email = ev.target.elements.email.value.trim();
  if (!email) return msg(t('Enter the new address, or use Remove address.'), 'error');
  saveAddress(email);
}

function removeAddress() {
  if (!confirm(t('Remove your recovery address? Without one, only an admin can reset your password.'))) return;
  saveAddress(null);
}

async function endSession(id, what) {
  const r = await auth('SESSION.REVOKE', { id });
  if (!r.ok) return msg(t('That session could not be ended. Reload and try again.'), 'error');
  msg(t('{device} was signed out.', { device: what }), 'ok');
  loadSessions();
}

async function endOthers() {
  if (!confirm(t('Sign out on every other device? Anyone using your account there is signed out at once.'))) return;
  const r = await auth('SESSION.REVOKE', { others: 'true' });
  if (!r.ok) return msg(t('The other sessions could not be ended. Try again.'), 'error');
  msg(t('You were signed out on every other device.'), 'ok');
  loadSessions();
}

async function changePassword(ev) {
  ev.preventDefault();
  const f = values(ev.target);
  if (!f.current || !f.new) return msg(t('Fill in both passwords.'), 'error');
  if (f.new !== f.confirm) return msg(t('The two new passwords differ.'), 'error');
  const r = await auth('PASSWORD.CHANGE', { current: f.current, new: f.new });
  if (!r.ok) {
    const code = r.error && r.error.code;
    return msg(code === 'AUTH_FAILED' ? t('The current password is not right.')
      : plain(r.error, t('The password was not changed. Try again.')), 'error');
  }
  ev.target.reset();
  $('#ac-strength').hidden = true;
  msg(t('Your password was changed. You were signed out on every other device.'), 'ok');
  loadSessions();
}

export function accountShow() {
  const s = current() || {};
  $('#account-who').textContent = `${s.user} · ${s.facility}`;
  loadSessions();
}

export function accountInit() {
  $('#account-form').addEventListener('submit', changePassword);
  $('#account-email-form').addEventListener('submit', submitAddress);
  $('#account-email-remove').addEventListener('click', removeAddress);
  $('#signout-others').addEventListener('click', endOthers);
}
