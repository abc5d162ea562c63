// keep — fewer re-logins without weaker sessions: typing counts as
// activity (it restarts the server's idle clock, at most every 15 s), the
// facility code and user name are remembered on this device, and after an
// idle sign-out the person returns to the page they were on with the text
// they had not sent yet. Drafts stay in this tab's sessionStorage only,
// and are screened for patient data like any text when finally sent.
import { auth } from './proto.js';
import { $, $$ } from './dom.js';

const TOUCH_EVERY_MS = 15000;
const WHO_KEY = 'infosys.signin';
const DRAFT_KEY = 'infosys.drafts';
// The fields whose unsent text is kept (ids); never passwords or codes.
const DRAFTED = ['msg-text', 'msg-board'];
let lastTouch = 0, signedIn = () => false;

// A foreground request happened: the server's clock restarted.
export function keepTouched() { lastTouch = Date.now(); }

function typed(ev) {
  if (!signedIn() || ev.target.type === 'password') return;
  if (Date.now() - lastTouch < TOUCH_EVERY_MS) return;
  lastTouch = Date.now();
  auth('SESSION');
}

export function rememberWho(facility, user) {
  localStorage.setItem(WHO_KEY, JSON.stringify({ facility, user }));
}

export function fillWho() {
  let who;
  try { who = JSON.parse(localStorage.getItem(WHO_KEY) || 'null'); } catch { who = null; }
  if (!who) return;
  $('#si-facility').value = who.facility || '';
  $('#si-user').value = who.user || '';
}

// Saves unsent text (on an idle sign-out) and puts it back when the same
// person signs in again (who: "facility/user"); anyone else never sees it.
export function draftsSave(who) {
  const d = {};
  for (const id of DRAFTED) if ($('#' + id).value) d[id] = $('#' + id).value;
  sessionStorage.setItem(DRAFT_KEY, JSON.stringify({ who, d }));
}

export function draftsRestore(who) {
  let saved;
  try { saved = JSON.parse(sessionStorage.getItem(DRAFT_KEY) || 'null'); } catch { saved = null; }
  sessionStorage.removeItem(DRAFT_KEY);
  if (!saved || saved.who !== who) return;
  for (const [id, v] of Object.entries(saved.d)) if ($('#' + id)) $('#' + id).value = v;
}

export function keepInit(isSignedIn) {
  signedIn = isSignedIn;
  fillWho();
  for (const el of $$('#main input, #main textarea')) el.addEventListener('input', typed);
  document.addEventListener('input', (ev) => { if (ev.target.closest('.ack-form, .range-form')) typed(ev); });
}
