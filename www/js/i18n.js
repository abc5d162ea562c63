// i18n — the page's words in the reader's language: one catalogue per
// language, keyed by the English sentence (gettext's idea, without a build
// step). t('Sign in') is "Iniciar sesión" for a Spanish browser;
// t(english, { n: 3 }) fills the sentence's {n}; a sentence the
// catalogue lacks stays English. The language is the first of the
// browser's (navigator.languages) that has a catalogue, else English.
// Numbers and times are formatted by the browser's own locale (dom.js).
//
// index.html is written in English; translatePage() puts every text node
// and the attributes people read (placeholder, aria-label, title) into the
// reader's language at start-up; an element marked translate="no" (the
// brand) is left as it is.
import { ES } from '../i18n/es.js';

const CATALOGUES = { es: ES };
const ATTRS = ['placeholder', 'aria-label', 'title', 'data-name'];

// The first of the browser's languages we have words for.
export function pickLanguage(prefs) {
  for (const p of prefs || []) {
    const base = String(p).toLowerCase().split('-')[0];
    if (base === 'en' || CATALOGUES[base]) return base;
  }
  return 'en';
}

export const lang = pickLanguage(navigator.languages && navigator.languages.length
  ? navigator.languages : [navigator.language]);

const words = CATALOGUES[lang] || {};

export function t(english, vars = {}) {
  const s = Object.prototype.hasOwnProperty.call(words, english) ? words[english] : english;
  return s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

// The words of a text node or attribute as a catalogue key: trimmed, runs
// of white space as one space; null when there is nothing to translate
// (no letter: a number, a time, punctuation).
export function pageKey(text) {
  const k = String(text).replace(/\s+/g, ' ').trim();
  return /\p{L}/u.test(k) ? k : null;
}

// Every translatable text and attribute under root, as [key, apply(text)].
function pageParts(root) {
  const out = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, {
    acceptNode: (n) => (n.nodeType === Node.ELEMENT_NODE
      ? (n.closest('[translate="no"], script, style') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP)
      : NodeFilter.FILTER_ACCEPT),
  });
  for (let n; (n = walker.nextNode());) {
    const key = pageKey(n.nodeValue);
    if (!key) continue;
    const lead = n.nodeValue.match(/^\s*/)[0], tail = n.nodeValue.match(/\s*$/)[0];
    out.push([key, (s) => { n.nodeValue = lead + s + tail; }]);
  }
  for (const el of [root, ...root.querySelectorAll('*')]) {
    if (!el.getAttribute || el.closest('[translate="no"]')) continue;
    for (const a of ATTRS) {
      const key = el.hasAttribute(a) ? pageKey(el.getAttribute(a)) : null;
      if (key) out.push([key, (s) => el.setAttribute(a, s)]);
    }
  }
  return out;
}

// The English sentences of the page as written (for the catalogue's test).
export function pageStrings(root = document.documentElement) {
  return [...new Set(pageParts(root).map(([k]) => k))];
}

// Puts the page into the reader's language and says which it is
// (<html lang>, for screen readers' voices and hyphenation).
export function translatePage(root = document.documentElement) {
  document.documentElement.lang = lang;
  if (lang === 'en') return;
  for (const [key, apply] of pageParts(root)) if (words[key]) apply(words[key]);
}
