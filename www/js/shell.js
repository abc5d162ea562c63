// shell — the portal as an installed app: registers the service worker
// (www/sw.js) that keeps the page's own files for opening without a
// network (never an API answer), and shows notifications through it, so a
// new alarm is seen with the tab in the background. Pages bundled in a
// mobile wrapper (wrapper.js) have their files already and no worker.
import * as wrapper from './wrapper.js';

let registering = null;

export function shellRegister() {
  if (!('serviceWorker' in navigator) || wrapper.bundled) return;
  registering = navigator.serviceWorker.register('sw.js').catch(() => null);
}

export function notifySupported() {
  return 'Notification' in window && !wrapper.bundled;
}

export function notifyAllowed() {
  return notifySupported() && Notification.permission === 'granted';
}

// Asks the browser for permission: only ever from a person's click.
// Resolves 'granted', 'denied' or 'default'.
export async function notifyAsk() {
  if (!notifySupported()) return 'denied';
  return Notification.requestPermission();
}

async function registration() {
  if (!registering) return null;
  await registering;
  return navigator.serviceWorker.getRegistration();
}

// A notification; tag names what it is about, so that a later one for the
// same alarm replaces it and notifyClose can take it away.
export async function notify(title, body, tag) {
  if (!notifyAllowed()) return;
  const opts = { body, tag, icon: 'icon.svg', lang: document.documentElement.lang, data: { url: '#dashboard' } };
  const reg = await registration();
  if (reg) await reg.showNotification(title, opts);
  else new Notification(title, opts);
}

// Takes away the notifications of alarms that are over (tags not in keep).
export async function notifyClose(keep) {
  const reg = await registration();
  if (!reg) return;
  for (const n of await reg.getNotifications()) if (!keep.has(n.tag)) n.close();
}
