// alarms — a new alarm is noticed: announced in a live region, counted in
// the page title (seen from another tab), and a short tone unless the
// person muted it on this device. An alarm stays prominent (styled as
// new) until acknowledged; that is the dashboard's part.
import { $ } from './dom.js';

const SOUND_KEY = 'infosys.alarm-sound';
const known = new Set();
let first = true, audio = null;

export function soundOn() {
  return localStorage.getItem(SOUND_KEY) !== 'off';
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

// alarms: the active alarms just read; names: device id → name.
export function alarmsSeen(alarms, names) {
  const open = alarms.filter((a) => !a.ack);
  const fresh = open.filter((a) => !known.has(a.alarm));
  for (const a of alarms) known.add(a.alarm);
  titleCount(open.length);
  // The alarms present at sign-in are on screen already: no tone for them.
  if (first) { first = false; return; }
  if (!fresh.length) return;
  const a = fresh[0];
  $('#alarm-live').textContent = fresh.length === 1
    ? `New alarm on ${names[a.device] || a.device}: ${a.message || a.severity}`
    : `${fresh.length} new alarms, the first on ${names[a.device] || a.device}`;
  tone();
}

// Forgets what was seen (a new sign-in starts afresh).
export function alarmsReset() {
  known.clear();
  first = true;
  titleCount(0);
}

export function alarmsInit() {
  const box = $('#alarm-sound');
  box.checked = soundOn();
  box.addEventListener('change', () => localStorage.setItem(SOUND_KEY, box.checked ? 'on' : 'off'));
}
