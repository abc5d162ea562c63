// Issue 11, items 9 and 16, at phone and desktop sizes: the service worker
// keeps the shell (the portal opens without a network, an API answer never
// comes from its cache, an old version's cache goes on update); a new alarm
// becomes a notification of the system, asked for only on a click; a
// facility PC gone quiet is an alarm like the others and clears itself
// when the PC checks in again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE, REPO, browser, facility, noViolations, pcSync, signIn, sql, ts } from './lib.js';

const SW = readFileSync(join(REPO, 'www', 'sw.js'), 'utf8');
const SHELL = [...SW.match(/const SHELL = \[([\s\S]*?)\];/)[1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
const CACHE = 'infosys-shell-' + SW.match(/const VERSION = '([^']+)'/)[1];

test('the worker keeps every module, style and catalogue of the shell', () => {
  const www = join(REPO, 'www');
  const want = ['index.html', 'css/app.css', 'manifest.webmanifest',
    ...readdirSync(join(www, 'js')).map((f) => 'js/' + f),
    ...readdirSync(join(www, 'i18n')).map((f) => 'i18n/' + f)];
  for (const f of want) assert.ok(SHELL.includes(f), `${f} is missing from SHELL in www/sw.js`);
  for (const f of SHELL) assert.ok(f === './' || existsSync(join(www, f)), `${f} in SHELL is not in www/`);
});

// Paths in the worker's caches, by cache name.
function cached(page) {
  return page.evaluate(async () => {
    const out = {};
    for (const k of await caches.keys()) {
      out[k] = (await (await caches.open(k)).keys()).map((r) => new URL(r.url).pathname);
    }
    return out;
  });
}

// Notifications the portal's worker shows now: [{title, body}].
function shown(page) {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    return reg ? (await reg.getNotifications()).map((n) => ({ title: n.title, body: n.body })) : [];
  });
}

async function until(what, probe, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// The dashboard read again now (as its 30 s timer would).
async function refresh(page) {
  await page.getByRole('link', { name: 'Commands' }).click();
  await page.getByRole('link', { name: 'Dashboard' }).click();
}

// A browser that counts the page's permission requests (window.__asked).
async function counting(size) {
  const b = await browser(size);
  await b.page.context().addInitScript(() => {
    window.__asked = 0;
    if (!window.Notification) return;
    const ask = Notification.requestPermission.bind(Notification);
    Notification.requestPermission = (...a) => { window.__asked++; return ask(...a); };
  });
  return b;
}

async function notificationsOn(page) {
  assert.equal(await page.evaluate(() => window.__asked), 0, 'permission asked for without a click');
  await page.getByLabel('Notifications of new alarms on this device').check();
  await page.locator('#alarm-notify-msg', { hasText: 'New alarms are shown as notifications' }).waitFor();
  assert.equal(await page.evaluate(() => window.__asked), 1);
}

for (const size of ['phone', 'desktop']) {
  test(`the shell opens offline and no API answer comes from the cache (${size})`, async () => {
    const f = facility();
    const b = await browser(size);
    try {
      const { page } = b;
      // An older version's cache, as a previous release left it.
      await page.goto(BASE + '/icon.svg');
      await page.evaluate(() => caches.open('infosys-shell-v0').then((c) => c.put('/old', new Response('old'))));
      await page.goto(BASE + '/');
      await page.waitForFunction(() => !!navigator.serviceWorker.controller);
      assert.equal(await page.evaluate(() => fetch('/api/health').then((r) => r.status)), 200);
      const caches = await until('the shell cached', async () => {
        const c = await cached(page);
        return c[CACHE] && c[CACHE].includes('/js/app.js') ? c : null;
      });
      assert.deepEqual(Object.keys(caches), [CACHE], 'the old version was not cleared');
      for (const f of SHELL.filter((x) => x !== './')) assert.ok(caches[CACHE].includes('/' + f), f);
      assert.deepEqual(caches[CACHE].filter((p) => p.startsWith('/api/')), []);

      await page.context().setOffline(true);
      await page.reload();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      assert.equal(await page.evaluate(() => fetch('/api/health').then((r) => r.status, () => 'no network')),
        'no network');
      await page.getByLabel('Facility code', { exact: true }).first().fill(f.code);
      await page.getByLabel('User name', { exact: true }).first().fill('staff');
      await page.getByLabel('Password', { exact: true }).fill(f.passwords.staff);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('#signin-msg', { hasText: 'The server could not be reached' }).waitFor();
      await noViolations(page, 'sign-in without a network');

      await page.context().setOffline(false);
      await signIn(page, f, 'staff');
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });

  test(`a new alarm becomes a notification from any view, asked for only on a click (${size})`, async () => {
    const f = facility();
    await pcSync(f, ['DEVICE.UPSERT device=FR-2 kind=fridge location="Ward 2" name="Ward 2 fridge" low=2 high=8']);
    const b = await counting(size);
    try {
      const { page } = b;
      await page.context().grantPermissions(['notifications'], { origin: BASE });
      await signIn(page, f, 'staff');
      await page.getByText('No active alarms.').waitFor();
      await notificationsOn(page);
      // On another page: the alarms are watched all the same (every 30 s).
      await page.getByRole('link', { name: 'Commands' }).click();
      await pcSync(f, [`ALARM.PUSH alarm=AL-9 device=FR-2 status=active severity=critical ts=${ts(-5)} message="Ward 2 fridge at 12 C"`]);
      const n = await until('the notification', async () => (await shown(page))[0], 60000);
      assert.deepEqual(n, { title: 'New alarm on Ward 2 fridge', body: 'Ward 2 fridge at 12 C' });
      assert.match(await page.title(), /^\(1\) Commands/);
      // The choice is kept on this device.
      await page.reload();
      await page.getByRole('link', { name: 'Dashboard' }).click();
      await page.getByText('Ward 2 fridge at 12 C').waitFor();
      assert.equal(await page.getByLabel('Notifications of new alarms on this device').isChecked(), true);
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });

  test(`a facility PC gone quiet is an alarm until it checks in again (${size})`, async () => {
    const f = facility();
    await pcSync(f, ['DEVICE.UPSERT device=FR-3 kind=fridge location="Ward 3" low=2 high=8',
      `READING.PUSH device=FR-3 ts=${ts(-60)} value=5`]);
    const b = await counting(size);
    try {
      const { page } = b;
      await page.context().grantPermissions(['notifications'], { origin: BASE });
      await signIn(page, f, 'staff');
      await page.getByText('No active alarms.').waitFor();
      assert.doesNotMatch(await page.title(), /^\(/);
      await notificationsOn(page);
      // As if the PC's last request was 41 minutes ago.
      sql(`UPDATE request_log SET ts = ts - INTERVAL 41 MINUTE WHERE facility_id = ${f.id} AND pc_id IS NOT NULL`);
      await refresh(page);
      const alarm = page.locator('#alarms li.alarm-new', { hasText: 'PC offline: no check-in for 41 minutes.' });
      await alarm.waitFor();
      assert.match(await alarm.textContent(), /clears itself when the PC checks in again/);
      assert.equal(await alarm.getByRole('button').count(), 0, 'nothing to acknowledge to a PC that is off');
      await page.locator('#alarm-live', { hasText: 'New alarm on the facility PC PC-1: PC offline: no check-in for 41 minutes.' }).waitFor();
      await page.waitForFunction(() => document.title.startsWith('(1) '));
      const n = await until('the notification', async () => (await shown(page))[0]);
      assert.equal(n.title, 'New alarm on the facility PC PC-1');
      await noViolations(page, 'dashboard with a PC offline');

      await pcSync(f, ['PING']);
      await refresh(page);
      await page.getByText('No active alarms.').waitFor();
      await page.waitForFunction(() => !document.title.startsWith('('));
      await until('the notification taken away', async () => (await shown(page)).length === 0);
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });
}
