// sw — the portal's service worker. It keeps the shell (the page, its
// styles, scripts, words and icons, and the vendored libraries once used)
// in a versioned cache, so that the portal opens without a network and
// says so. API answers are never cached or answered from here: /api/ and
// the event streams go straight to the network (PROTOCOL.md §1: no-store).
//
// Network first: with a network the page always gets the files as they
// are now (nothing stale after an update); the cache is the fallback.
// VERSION names the cache; a new worker deletes every other version's.
const VERSION = 'v2';
const CACHE = 'infosys-shell-' + VERSION;
// What the first offline start needs: every module app.js imports
// (tests/browser/shell.test.js checks the list against www/).
const SHELL = [
  './', 'index.html', 'manifest.webmanifest', 'icon.svg', 'icon-maskable.svg', 'css/app.css',
  'i18n/es.js',
  'js/account.js', 'js/admin.js', 'js/alarms.js', 'js/alerts.js', 'js/app.js', 'js/chart.js',
  'js/commands.js', 'js/dashboard.js', 'js/device.js', 'js/dom.js', 'js/enroll.js', 'js/i18n.js',
  'js/idle.js', 'js/keep.js', 'js/proto.js', 'js/qr.js', 'js/reports.js', 'js/shell.js',
  'js/strength.js', 'js/words.js', 'js/wrapper.js',
];

self.addEventListener('install', (ev) => {
  ev.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (ev) => {
  ev.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('infosys-shell-') && k !== CACHE)
      .map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

function shellRequest(req) {
  const url = new URL(req.url);
  return req.method === 'GET' && url.origin === self.location.origin &&
    !url.pathname.startsWith('/api/') && !url.pathname.startsWith('/_events/');
}

async function networkFirst(req) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(req);
    if (res.ok && res.type === 'basic') await cache.put(req, res.clone());
    return res;
  } catch (e) {
    const hit = await cache.match(req, { ignoreSearch: true }) ||
      (req.mode === 'navigate' ? await cache.match('index.html') : null);
    if (hit) return hit;
    throw e;
  }
}

self.addEventListener('fetch', (ev) => {
  if (shellRequest(ev.request)) ev.respondWith(networkFirst(ev.request));
});

// A click on an alarm's notification brings the portal forward.
self.addEventListener('notificationclick', (ev) => {
  ev.notification.close();
  const url = new URL((ev.notification.data && ev.notification.data.url) || '#dashboard', self.registration.scope).href;
  ev.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((list) => {
    const open = list.find((c) => c.url.startsWith(self.registration.scope));
    if (open) return open.focus();
    return self.clients.openWindow(url);
  }));
});
