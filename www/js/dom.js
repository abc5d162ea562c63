// dom — building the page from data without ever parsing data as HTML.

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

// "14:05" today, "3 Mar 14:05" otherwise, in the viewer's time zone.
export function when(ts) {
  if (!ts) return '—';
  const d = new Date(ts);
  const now = new Date();
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === now.toDateString()) return time;
  return d.toLocaleDateString([], { day: 'numeric', month: 'short' }) + ' ' + time;
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
