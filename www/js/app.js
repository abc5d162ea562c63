// app — the portal's shell: who is signed in, which view shows, the idle
// countdown, and the sign-in, password and two-step set-up views.
import { auth, setHooks } from './proto.js';
import { $, $$, plain, say, toast, values } from './dom.js';
import { idleStart, idleTouch, idleTimeout, stop as idleStop } from './idle.js';
import { dashboardShow, dashboardHide, dashboardWatch } from './dashboard.js';
import { commandsShow, commandsHide, commandsInit, commandsStop } from './commands.js';
import { adminShow, adminInit } from './admin.js';
import { enrollInit } from './enroll.js';
import * as wrapper from './wrapper.js';
import { accountShow, accountInit } from './account.js';
import { deviceRoute, deviceShow, deviceHide } from './device.js';
import { reportRoute, reportsShow } from './reports.js';
import { attachMeter } from './strength.js';
import { alarmsInit, alarmsReset } from './alarms.js';
import { t, translatePage } from './i18n.js';
import { shellRegister } from './shell.js';
import { draftsRestore, draftsSave, fillWho, keepInit, keepTouched, rememberWho } from './keep.js';

const VIEWS = ['signin', 'password', 'enroll', 'dashboard', 'commands', 'admin', 'account', 'device', 'reports'];
const ERR = {
  AUTH_FAILED: t('The facility code, user name or password is not right, or the account is locked. Check them and try again, or ask your facility admin.'),
  THROTTLED: t('Too many failed sign-ins from this device. Wait 15 minutes and try again.'),
  MFA_REQUIRED: t('Enter the one-time code from your authenticator app.'),
};
let session = null;

export function current() { return session; }

function show(name) {
  for (const v of VIEWS) $('#view-' + v).hidden = v !== name;
  for (const a of $$('#nav a')) {
    if (a.dataset.view === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (name !== 'commands') commandsHide();
  if (name !== 'device') deviceHide();
  document.title = $('#view-' + name + ' h1').textContent + ' · ' + t('Infosys portal');
  $('#main').focus();
}

function route() {
  if (!session) return show('signin');
  if (session.must_change_password) return show('password');
  if (session.mfa_enroll_required) return show('enroll');
  const dev = deviceRoute(location.hash);
  if (dev) {
    show('device');
    return deviceShow(dev);
  }
  const report = reportRoute(location.hash);
  if (report) {
    show('reports');
    return reportsShow(report);
  }
  let view = location.hash.slice(1) || 'dashboard';
  if (!['dashboard', 'commands', 'admin', 'account', 'reports'].includes(view)) view = 'dashboard';
  if (view === 'admin' && session.role !== 'admin') view = 'dashboard';
  show(view);
  if (view === 'dashboard') dashboardShow();
  else dashboardWatch();
  if (view === 'commands') commandsShow();
  if (view === 'admin') adminShow();
  if (view === 'account') accountShow();
  if (view === 'reports') reportsShow(null);
}

function signedIn(data) {
  session = data;
  $('#who').textContent = `${data.user} · ${data.facility}`;
  $('#who').hidden = false;
  $('#nav').hidden = false;
  $('#nav-admin').hidden = data.role !== 'admin';
  idleStart(data.idle_remaining_s, data.idle_timeout_s, () => signedOut('idle'));
  route();
}

// Back to the sign-in page; why says what to tell the user.
async function signedOut(why) {
  const wasIn = !!session;
  const who = session ? `${session.facility}/${session.user}` : '';
  session = null;
  alarmsReset();
  idleStop();
  dashboardHide();
  commandsStop();
  $('#who').hidden = true;
  $('#nav').hidden = true;
  const idle = why === 'idle' || why === 'SESSION_EXPIRED';
  if (idle) draftsSave(who);
  if (idle) {
    const min = Math.round(idleTimeout() / 60);
    say($('#signin-notice'), min === 1
      ? t('You were signed out after 1 minute without activity. Sign in again to continue.')
      : t('You were signed out after {min} minutes without activity. Sign in again to continue.', { min }), 'warn');
  } else if (why === 'logout') {
    say($('#signin-notice'), t('You are signed out.'), 'info');
  } else if (wasIn) {
    say($('#signin-notice'), t('Your session has ended. Sign in again to continue.'), 'warn');
  }
  if (why !== 'SESSION_EXPIRED' && why !== 'AUTH_REQUIRED') {
    await auth('LOGOUT', {}, { background: true, quietAuth: true });
  }
  // After an idle sign-out the page stays named, to return to it.
  if (!idle) history.replaceState(null, '', location.pathname);
  fillWho();
  show('signin');
}

async function loadSession(extra = {}) {
  const r = await auth('SESSION', {}, { quietAuth: true });
  if (!r.ok) return false;
  signedIn({ ...r.data, idle_timeout_s: extra.idle_timeout_s ?? r.data.idle_remaining_s });
  return true;
}

async function onSignin(ev) {
  ev.preventDefault();
  const f = values(ev.target);
  const msg = $('#signin-msg');
  if (!f.facility || !f.user || !f.password) {
    return say(msg, t('Enter the facility code, your user name and your password.'), 'error');
  }
  if (wrapper.bundled) {
    const origin = wrapper.serverParse(f.server);
    if (!origin) {
      $('#si-server').focus();
      return say(msg, t('Enter the server address your facility gave you, starting with https://'), 'error');
    }
    wrapper.serverSet(origin);
  }
  say(msg, t('Signing in…'));
  const otpShown = !$('#si-otp-field').hidden;
  const r = await auth('LOGIN', { facility: f.facility, user: f.user,
    password: f.password, otp: otpShown ? f.otp : '', channel: wrapper.inApp ? 'app' : '' },
  { quietAuth: true });
  if (r.ok) {
    rememberWho(f.facility, f.user);
    ev.target.reset();
    $('#si-server').value = wrapper.server();
    $('#si-otp-field').hidden = true;
    say(msg, '');
    say($('#signin-notice'), '');
    const ok = await loadSession({ idle_timeout_s: r.data.idle_timeout_s });
    if (ok) draftsRestore(`${session.facility}/${session.user}`);
    if (!ok) say(msg, t('Signed in, but the session could not be read. Try again.'), 'error');
    return;
  }
  const code = r.error && r.error.code;
  if (code === 'MFA_REQUIRED') {
    $('#si-otp-field').hidden = false;
    $('#si-otp').focus();
    return say(msg, otpShown ? t('That code was not accepted. Enter the current code.') : ERR.MFA_REQUIRED, otpShown ? 'error' : 'info');
  }
  $('#si-password').value = '';
  $('#si-password').focus();
  say(msg, ERR[code] || plain(r.error, t('Sign-in failed. Try again.')), 'error');
}

async function onPasswordChange(ev) {
  ev.preventDefault();
  const f = values(ev.target);
  const msg = $('#password-msg');
  if (!f.current || !f.new) return say(msg, t('Fill in both passwords.'), 'error');
  if (f.new !== f.confirm) return say(msg, t('The two new passwords differ.'), 'error');
  const r = await auth('PASSWORD.CHANGE', { current: f.current, new: f.new });
  if (!r.ok) {
    const code = r.error && r.error.code;
    return say(msg, code === 'AUTH_FAILED' ? t('The current password is not right.')
      : plain(r.error, t('The password was not changed. Try again.')), 'error');
  }
  ev.target.reset();
  say(msg, '');
  session.must_change_password = false;
  toast(t('Your password was changed.'), 'ok');
  await loadSession({ idle_timeout_s: session.idle_timeout_s });
}

const RECOVER_MSG = t('If the details match an account with a recovery e-mail address, a message is on its way. It can take a few minutes.');

const RECOVER_ERR = {
  AUTH_FAILED: t('The reset code is wrong, used or expired. Ask for a new code and try again.'),
  THROTTLED: ERR.THROTTLED,
};

async function onRecover(ev, verb, msgSel) {
  ev.preventDefault();
  const f = values(ev.target);
  // Every field is needed; asking the server would only answer BAD_ARGUMENT.
  if (Object.values(f).some((v) => !v)) return say($(msgSel), t('Fill in every field.'), 'error');
  // A status that changes on every submit, so that a repeated answer is
  // seen (and announced) as a new one.
  say($(msgSel), t('Sending…'));
  const r = await auth(verb, f, { quietAuth: true });
  const code = r.error && r.error.code;
  if (r.ok) {
    rememberWho(f.facility, f.user);
    ev.target.reset();
    if (verb === 'PASSWORD.RESET.REQUEST') {
      // The code arrives by mail for the same facility and user.
      $('#rp-facility').value = f.facility;
      $('#rp-user').value = f.user;
    }
    say($(msgSel), verb === 'PASSWORD.RESET' ? t('Your password was set. Sign in with it now.') : RECOVER_MSG, 'ok');
  } else if (code === 'BAD_COMMAND') {
    say($(msgSel), t('This is not available here yet. Ask your facility admin.'), 'error');
  } else {
    say($(msgSel), RECOVER_ERR[code] || plain(r.error, t('That did not work. Check the fields and try again.')), 'error');
  }
}

// Android's back button: close what is open, else the previous view;
// false when there is nothing to go back to.
function back() {
  const open = $$('details[open]').filter((d) => d.offsetParent !== null);
  if (open.length) {
    open.forEach((d) => { d.open = false; });
    return true;
  }
  if (session && location.hash && location.hash !== '#dashboard') {
    history.back();
    return true;
  }
  return false;
}

function init() {
  translatePage();
  shellRegister();
  setHooks({
    activity: () => { idleTouch(); keepTouched(); },
    authLost: (code) => { if (session) signedOut(code); },
  });
  $('#signin-form').addEventListener('submit', onSignin);
  $('#password-form').addEventListener('submit', onPasswordChange);
  $('#forgot-pw-form').addEventListener('submit', (e) => onRecover(e, 'PASSWORD.RESET.REQUEST', '#forgot-pw-msg'));
  $('#reset-pw-form').addEventListener('submit', (e) => onRecover(e, 'PASSWORD.RESET', '#reset-pw-msg'));
  $('#forgot-user-form').addEventListener('submit', (e) => onRecover(e, 'USERNAME.RECOVER', '#forgot-user-msg'));
  $('#signout').addEventListener('click', () => signedOut('logout'));
  $('#idle-stay').addEventListener('click', () => auth('SESSION'));
  window.addEventListener('hashchange', () => { if (session) route(); });
  commandsInit();
  alarmsInit();
  keepInit(() => !!session);
  adminInit();
  accountInit();
  const mine = () => (session ? [session.user, session.facility] : []);
  attachMeter($('#pw-new'), $('#pw-strength'), mine);
  attachMeter($('#ac-new'), $('#ac-strength'), mine);
  attachMeter($('#rp-new'), $('#rp-strength'), () => [$('#rp-user').value, $('#rp-facility').value]);
  enrollInit(() => { session.mfa_enroll_required = false; loadSession({ idle_timeout_s: session.idle_timeout_s }); });
  wrapper.backButton(back);
  if (wrapper.bundled) {
    $('#si-server-field').hidden = false;
    $('#si-server').value = wrapper.server();
  }
  // Bundled with no token kept there is no session to ask about.
  wrapper.tokenRestore()
    .then(() => (wrapper.bundled && !wrapper.token() ? false : loadSession()))
    .then((ok) => { if (!ok) show('signin'); });
}

init();
