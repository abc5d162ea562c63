// dom — building the page from data without ever parsing data as HTML.
import { t } from './i18n.js';

// h('li', {class: 'x', onclick: f}, 'text', child…): an element.
export function h(tag, attrs = {}, ...children) {
  const svg = ['svg', 'path', 'polyline', 'rect', 'line', 'text', 'circle', 'title', 'g'].includes(tag);
  const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag)
                 : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

export function clear(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
}

// "14:05" and "3 Mar": a time of day and a day of the year, in the
// viewer's time zone and language.
export function clock(ts) {
  return new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function dayMonth(ts) {
  return new Date(ts).toLocaleDateString([], { day: 'numeric', month: 'short' });
}

// "14:05" today, "3 Mar 14:05" otherwise.
export function when(ts) {
  if (!ts) return '—';
  if (new Date(ts).toDateString() === new Date().toDateString()) return clock(ts);
  return dayMonth(ts) + ' ' + clock(ts);
}

// "1 Nov 2026" (a day, in the viewer's time zone and language).
export function day(ts) {
  return new Date(ts).toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' });
}

// "1 Nov 2026, 14:05 UTC": a moment for a printed record, with its zone.
export function dateTime(ts) {
  return new Date(ts).toLocaleString([], { day: 'numeric', month: 'short', year: 'numeric',
    hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
}

// A number in the viewer's language ("1,234.5"; "1234,5" in Spanish),
// with the given decimals, else with those it has (up to 3).
export function number(v, decimals) {
  return Number(v).toLocaleString([], decimals === undefined ? { maximumFractionDigits: 3 }
    : { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

// A time (ms or Date) in the protocol's `ts` form.
export function tsOf(t) {
  return new Date(t).toISOString().slice(0, 19) + 'Z';
}

// The start of a local day "YYYY-MM-DD" (a date input's value) in ms, or NaN.
export function localDay(s) {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(s || '');
  return m ? new Date(+m[1], +m[2] - 1, +m[3]).getTime() : NaN;
}

// Hands text to the browser as a downloaded file.
export function saveFile(name, text, type = 'text/csv') {
  const a = h('a', { href: URL.createObjectURL(new Blob([text], { type })), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

export function timeEl(ts) {
  return h('time', { datetime: ts || '' }, when(ts));
}

// A status line that screen readers announce (role=status or alert).
export function say(el, text, kind = 'info') {
  el.textContent = text || '';
  el.className = 'msg' + (text ? ' msg-' + kind : '');
}

// The form's named field values, trimmed.
export function values(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    out[el.name] = el.type === 'checkbox' ? (el.checked ? '1' : '0')
      : el.type === 'password' ? el.value : el.value.trim();
  }
  return out;
}

// A short-lived notice in the live region pinned to the bottom of the
// screen, so the result of an action is seen and announced wherever the
// control was (an error stays until the next notice).
let toastTimer = null;
export function toast(text, kind = 'ok') {
  const box = $('#toast');
  clearTimeout(toastTimer);
  // Emptied first so that the same words again are announced again; the
  // region itself stays in the page (a live region must exist before it
  // changes to be read out).
  box.textContent = '';
  box.className = 'toast toast-' + kind;
  box.setAttribute('aria-live', kind === 'error' ? 'assertive' : 'polite');
  setTimeout(() => { box.textContent = text; }, 50);
  if (kind !== 'error') toastTimer = setTimeout(() => { box.textContent = ''; }, 10000);
}

// Asks before a destructive action in the page's own modal dialog;
// resolves true when the person chose the action.
export function confirmAction(question, action) {
  const dlg = $('#confirm');
  $('#confirm-text').textContent = question;
  $('#confirm-yes').textContent = action;
  dlg.returnValue = '';
  dlg.showModal();
  $('#confirm-no').focus();
  return new Promise((resolve) => {
    dlg.addEventListener('close', () => resolve(dlg.returnValue === 'yes'), { once: true });
  });
}

const PLAIN = {
  PHI_REJECTED: t('Not sent: the text looks like it contains a patient identifier. Remove it and try again.'),
  FORBIDDEN: t('Only a facility admin can do that.'),
  NOT_FOUND: t('That is no longer there. Reload the page and try again.'),
  UNAVAILABLE: t('The server is not answering for a moment. Try again in a minute.'),
  INTERNAL: t('Something went wrong on the server. Try again; if it keeps happening, tell your administrator.'),
  THROTTLED: t('Too many attempts. Wait a few minutes and try again.'),
};

// The password policy's refusals (src/domain/policy.c), by the rule the
// server's message starts with; n are the message's numbers in order.
const POLICY_RULES = {
  min_length: (n) => t('The password needs at least {n} characters.', { n: n[0] }),
  require_digit: () => t('The password needs a digit.'),
  require_mixed_case: () => t('The password needs upper- and lower-case letters.'),
  require_special: () => t('The password needs a character other than a letter or digit.'),
  user_name: () => t('The password must not contain the user name.'),
  common: () => t('The password is too common.'),
  strength: (n) => t('The password is too easy to guess (score {score} of 4, at least {min} needed): add words or characters that are not a name, a pattern or a date.',
    { score: n[0], min: n[2] }),
  history: (n) => t('The password was one of your last {n}.', { n: n[0] }),
};

// The words a person reads for a refused request: never a code or the
// server's technical message. A policy refusal is said by its rule
// ("min_length: the password needs…" reads "The password needs…"); one of
// a rule this page does not know loses its rule name and shows as written.
export function plain(error, fallback = t('That did not work. Try again.')) {
  if (!error) return fallback;
  if (error.code === 'NETWORK') return error.message;
  if (error.code === 'POLICY') {
    const msg = String(error.message || '');
    const rule = POLICY_RULES[(/^([a-z_]+):/.exec(msg) || [])[1]];
    if (rule) return rule((msg.match(/\d+/g) || []).map(Number));
    const m = msg.replace(/^[a-z_]+:\s*/, '');
    return m ? m[0].toUpperCase() + m.slice(1) + '.' : fallback;
  }
  return PLAIN[error.code] || fallback;
}
