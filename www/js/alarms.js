// alarms — a new alarm is noticed: announced in a live region, counted in
// the page title (seen from another tab), a short tone unless the person
// muted it on this device, and, when they turned it on, a notification
// of the system (through the service worker, shell.js), seen with the tab
// in the background. An alarm stays prominent (styled as new) until
// acknowledged, or, for a facility PC gone quiet, until it checks in
// again; that is the dashboard's part.
import { $, say } from './dom.js';
import { t } from './i18n.js';
import { notify, notifyAllowed, notifyAsk, notifyClose, notifySupported } from './shell.js';

const SOUND_KEY = 'infosys.alarm-sound';
const NOTIFY_KEY = 'infosys.alarm-notify';
const known = new Set();
let first = true, audio = null;

export function soundOn() {
  return localStorage.getItem(SOUND_KEY) !== 'off';
}

function notifyOn() {
  return localStorage.getItem(NOTIFY_KEY) === 'on' && notifyAllowed();
}

function tone() {
  if (!soundOn()) return;
  try {
    audio = audio || new AudioContext();
    const osc = audio.createOscillator(), gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.6);
  } catch { /* no audio on this device: the other signs remain */ }
}

// The page title with the count of unacknowledged alarms in front.
export function titleCount(n) {
  const base = document.title.replace(/^\(\d+\) /, '');
  document.title = n ? `(${n}) ${base}` : base;
}

// alarms: the active alarms just read (the PC's and the page's own "PC
// offline"), each with `where` (what people call the place) and `what`.
export function alarmsSeen(alarms) {
  const open = alarms.filter((a) => !a.ack);
  const fresh = open.filter((a) => !known.has(a.alarm));
  for (const a of alarms) known.add(a.alarm);
  titleCount(open.length);
  if (notifyAllowed()) notifyClose(new Set(open.map((a) => a.alarm))).catch(() => {});
  // The alarms present at sign-in are on screen already: no tone for them.
  if (first) { first = false; return; }
  if (!fresh.length) return;
  const a = fresh[0];
  $('#alarm-live').textContent = fresh.length === 1
    ? t('New alarm on {where}: {what}', { where: a.where, what: a.what })
    : t('{n} new alarms, the first on {where}', { n: fresh.length, where: a.where });
  tone();
  if (notifyOn()) {
    for (const x of fresh.slice(0, 3)) {
      notify(t('New alarm on {where}', { where: x.where }), x.what, x.alarm).catch(() => {});
    }
  }
}

// Forgets what was seen (a new sign-in starts afresh).
export function alarmsReset() {
  known.clear();
  first = true;
  titleCount(0);
}

function notifyState(text, kind) {
  say($('#alarm-notify-msg'), text, kind);
}

// The notification box: permission is asked for only when the person
// ticks it, never when the page loads.
async function notifyChanged(box) {
  if (!box.checked) {
    localStorage.setItem(NOTIFY_KEY, 'off');
    return notifyState('');
  }
  const answer = await notifyAsk();
  if (answer !== 'granted') {
    box.checked = false;
    localStorage.setItem(NOTIFY_KEY, 'off');
    return notifyState(answer === 'denied'
      ? t('This browser blocks notifications from the portal. Allow them in its site settings, then tick the box again.')
      : t('Notifications were not turned on.'), 'error');
  }
  localStorage.setItem(NOTIFY_KEY, 'on');
  notifyState(t('New alarms are shown as notifications on this device, also with the portal in the background.'), 'ok');
}

export function alarmsInit() {
  const box = $('#alarm-sound');
  box.checked = soundOn();
  box.addEventListener('change', () => localStorage.setItem(SOUND_KEY, box.checked ? 'on' : 'off'));
  const nbox = $('#alarm-notify');
  if (!notifySupported()) return;
  $('#alarm-notify-field').hidden = false;
  nbox.checked = notifyOn();
  nbox.addEventListener('change', () => notifyChanged(nbox));
}
