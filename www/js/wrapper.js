// wrapper — the portal inside a mobile wrapper (mobile/README.md,
// docs/protocol.md "App channel"). The wrapper works one of two ways:
//
// (a) It loads the portal's own URL in its web view: same origin, the
//     session cookie as in any browser. The page knows it is the app by a
//     marker the wrapper sets: the user-agent token "InfosysApp/<version>"
//     (mobile/capacitor.config.json, appendUserAgent) or the launch
//     parameter "?app=1". Sign-in then says channel=app.
// (b) It bundles www/ (mobile/copy-www.sh marks <html
//     data-infosys-bundled="1">): the API is another origin, named by the
//     "Server address" setting. Sign-in answers the session token, which
//     is kept in the platform's secure storage when the wrapper has one
//     (the capacitor-secure-storage-plugin), else in this page's memory
//     only (never localStorage), and sent as Authorization: Bearer.

const UA_MARK = /\bInfosysApp\//;
const APP_FLAG = 'infosys-app';
const SERVER_KEY = 'infosys-server';
const TOKEN_KEY = 'infosys-session';

export const bundled = document.documentElement.dataset.infosysBundled === '1';

function native() {
  const cap = window.Capacitor;
  return !!(cap && typeof cap.isNativePlatform === 'function' && cap.isNativePlatform());
}

// The launch parameter lasts for the tab, so that a reload stays the app.
if (new URLSearchParams(location.search).get('app') === '1') {
  sessionStorage.setItem(APP_FLAG, '1');
}

export const inApp = bundled || native() || UA_MARK.test(navigator.userAgent) ||
  sessionStorage.getItem(APP_FLAG) === '1';

// ---- server address (bundled only; not a secret)

// "https://host[:port]" as typed, or null when it is not one. Plain http
// only for this device's own loopback, which is what a test stack is.
export function serverParse(text) {
  let u;
  try { u = new URL(String(text).trim()); } catch (e) { return null; }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) return null;
  if (u.username || u.password || u.search || u.hash) return null;
  return u.origin;
}

export function server() {
  return bundled ? localStorage.getItem(SERVER_KEY) || '' : '';
}

export function serverSet(origin) { localStorage.setItem(SERVER_KEY, origin); }

export function apiUrl(endpoint) {
  return (bundled ? server() : '') + '/api/' + endpoint;
}

// ---- the session token (bundled only)

let memoryToken = null;

function secureStorage() {
  const plugins = window.Capacitor && window.Capacitor.Plugins;
  return (plugins && plugins.SecureStoragePlugin) || null;
}

export function token() { return memoryToken; }

export async function tokenSet(value) {
  memoryToken = value;
  const s = secureStorage();
  if (s) await s.set({ key: TOKEN_KEY, value });
}

export async function tokenClear() {
  memoryToken = null;
  const s = secureStorage();
  if (s) await s.remove({ key: TOKEN_KEY }).catch(() => {});
}

// A token kept by an earlier run of the app, read back into memory.
export async function tokenRestore() {
  const s = secureStorage();
  if (!bundled || !s) return;
  try { memoryToken = (await s.get({ key: TOKEN_KEY })).value || null; } catch (e) { memoryToken = null; }
}

// ---- the Android back button

// back(): what the page does for "back" (close what is open, go to the
// previous view); it returns false when there is nothing left to go back
// to, and the app then goes to the background as Android apps do.
export function backButton(back) {
  const plugins = window.Capacitor && window.Capacitor.Plugins;
  const app = plugins && plugins.App;
  if (!app) return;
  app.addListener('backButton', () => {
    if (!back()) app.minimizeApp();
  });
}
