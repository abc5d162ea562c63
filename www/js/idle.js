// idle — the session's idle timeout made visible: a countdown in the
// header, a warning a minute before, and sign-out at zero.
//
// The server's clock is the one that counts (PROTOCOL.md §4): it restarts
// on every foreground request, never on a background refresh, so this
// countdown restarts exactly when proto.js reports such a request.
import { $ } from './dom.js';

const WARN_AT = 60;
let timeout = 300, deadline = 0, timer = null, onExpire = () => {};

function fmt(s) {
  const m = Math.floor(s / 60), r = s % 60;
  return m + ':' + String(r).padStart(2, '0');
}

function tick() {
  const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
  $('#idle-count').textContent = fmt(left);
  $('#idle').classList.toggle('idle-warn', left <= WARN_AT);
  const warn = $('#idle-warning');
  if (left <= WARN_AT && left > 0) {
    if (warn.hidden) {
      warn.hidden = false;
      $('#idle-stay').focus();
    }
    $('#idle-warning-count').textContent = String(left);
  } else {
    warn.hidden = true;
  }
  if (left === 0) {
    stop();
    onExpire();
  }
}

// Starts the countdown: remaining seconds now, the policy's full timeout.
export function idleStart(remaining, full, expire) {
  timeout = full || remaining || timeout;
  onExpire = expire;
  deadline = Date.now() + remaining * 1000;
  $('#idle').hidden = false;
  clearInterval(timer);
  timer = setInterval(tick, 1000);
  tick();
}

// A foreground request was accepted: the server restarted its clock.
export function idleTouch() {
  if (!timer) return;
  deadline = Date.now() + timeout * 1000;
  tick();
}

export function idleTimeout() { return timeout; }

export function stop() {
  clearInterval(timer);
  timer = null;
  $('#idle').hidden = true;
  $('#idle-warning').hidden = true;
}
