// The mobile wrappers, with Chromium standing in for the web view
// (docs/protocol.md "App channel", mobile/README.md):
// (b) www/ as a wrapper bundles it (mobile/copy-www.sh), served by the
//     test stack's nginx on http://app.localhost:PORT, an origin on the
//     stack's [app] origins: the server address setting, sign-in with a
//     bearer token and no cookie, the dashboard, a command, the login
//     history saying "app", idle sign-out; and the same pages on
//     http://other.localhost:PORT, not allowed, failing with a message a
//     person understands;
// (a) the wrapper loading the portal's own URL with its launch marker
//     (?app=1): the cookie as in a browser, the sign-in logged as "app".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, axe, browser, facility, shot, sql } from './lib.js';

const PORT = new URL(BASE).port;
const APP = `http://app.localhost:${PORT}`;
const OTHER = `http://other.localhost:${PORT}`;

async function appSignIn(page, origin, f, user) {
  await page.goto(origin + '/');
  await page.getByLabel('Server address').fill(BASE);
  await page.getByLabel('Facility code', { exact: true }).first().fill(f.code);
  await page.getByLabel('User name', { exact: true }).first().fill(user);
  await page.getByLabel('Password', { exact: true }).fill(f.passwords[user]);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

// Nothing of the session may sit where other scripts or a backup could
// read it: no cookie for the API, no token in either web storage.
async function noStoredSession(page) {
  const cookies = await page.context().cookies([BASE, APP]);
  assert.deepEqual(cookies.filter((c) => c.name === '__Host-sid'), []);
  const stored = await page.evaluate(() => ({ ...localStorage, ...sessionStorage }));
  assert.deepEqual(Object.keys(stored), ['infosys-server']);
  assert.equal(stored['infosys-server'], BASE);
}

function lastLogin(f, user) {
  return sql(`SELECT channel, result FROM login_log WHERE facility_id = ${f.id}` +
             ` AND user_name = '${user}' ORDER BY id DESC LIMIT 1`);
}

test('bundled app: server address, sign-in by token, dashboard, a command, login history says app', async () => {
  const f = facility();
  const b = await browser('phone');
  try {
    const { page } = b;
    await page.goto(APP + '/');
    await page.getByLabel('Server address').waitFor();
    assert.deepEqual(await axe(page), []);
    await shot(page, 'app-signin', 'phone');
    // A wrong address is refused before anything is sent.
    await page.getByLabel('Server address').fill('infosys.example.org');
    await page.getByLabel('Facility code', { exact: true }).first().fill(f.code);
    await page.getByLabel('User name', { exact: true }).first().fill('staff');
    await page.getByLabel('Password', { exact: true }).fill(f.passwords.staff);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'starting with https://' }).waitFor();

    await appSignIn(page, APP, f, 'staff');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    assert.match(await page.locator('#who').textContent(), /staff/);
    await noStoredSession(page);
    assert.deepEqual(lastLogin(f, 'staff'), [['app', 'success']]);

    await page.getByRole('link', { name: 'Commands' }).click();
    await page.getByRole('button', { name: 'Clock in' }).click();
    await page.getByText(/Clock-in sent to the PC/).waitFor();
    await page.getByText('ATTENDANCE.CLOCK action=in user=staff').waitFor();
    await shot(page, 'app-commands', 'phone');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    assert.deepEqual(sql(`SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id` +
                         ` WHERE u.facility_id = ${f.id}`), [['0']]);

    // The admin of the same facility sees these sign-ins as the app's.
    await appSignIn(page, APP, f, 'boss');
    await page.getByRole('link', { name: 'Admin' }).click();
    const row = page.locator('#audit-out tbody tr', { hasText: 'staff' }).first();
    await row.waitFor();
    assert.match(await row.textContent(), /success.*app/);
    assert.deepEqual(b.errors, []);
  } finally { await b.close(); }
});

test('bundled app: signed out after the idle timeout, the token gone on the server', async () => {
  const f = facility();
  // Shorter than the policy form allows, straight into the table.
  sql(`UPDATE password_policy SET idle_timeout_s = 8 WHERE facility_id = ${f.id}`);
  const b = await browser('phone');
  try {
    const { page } = b;
    await appSignIn(page, APP, f, 'staff');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 20000 });
    await page.getByText(/signed out after .* without activity/).waitFor();
    assert.deepEqual(sql(`SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id` +
                         ` WHERE u.facility_id = ${f.id}`), [['0']]);
    await noStoredSession(page);
    assert.deepEqual(b.errors, []);
  } finally { await b.close(); }
});

test('bundled pages on an origin that is not allowed: a plain message, nothing reaches the server', async () => {
  const f = facility();
  const b = await browser('phone');
  try {
    const { page } = b;
    await appSignIn(page, OTHER, f, 'staff');
    const alert = page.getByRole('alert').filter({ hasText: 'does not accept this app' });
    await alert.waitFor();
    assert.match(await alert.textContent(), /Check the server address/);
    assert.doesNotMatch(await alert.textContent(), /CORS|NETWORK|403|Bearer/);
    await shot(page, 'app-not-allowed', 'phone');
    // The refused preflight kept the sign-in itself from being sent.
    assert.deepEqual(sql(`SELECT COUNT(*) FROM login_log WHERE facility_id = ${f.id}`), [['0']]);
    // Chromium reports the refused preflight on the console; nothing else.
    assert.deepEqual(b.errors.filter((e) => !/CORS|preflight|Access-Control/.test(e)), []);
  } finally { await b.close(); }
});

test('wrapper loading the portal itself (?app=1): the cookie as in a browser, sign-in logged as app', async () => {
  const f = facility();
  const b = await browser('phone');
  try {
    const { page } = b;
    await page.goto(BASE + '/?app=1');
    assert.equal(await page.getByLabel('Server address').isHidden(), true);
    await page.getByLabel('Facility code', { exact: true }).first().fill(f.code);
    await page.getByLabel('User name', { exact: true }).first().fill('staff');
    await page.getByLabel('Password', { exact: true }).fill(f.passwords.staff);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const cookies = await page.context().cookies([BASE]);
    assert.equal(cookies.filter((c) => c.name === '__Host-sid').length, 1);
    assert.deepEqual(lastLogin(f, 'staff'), [['app', 'success']]);
    // The marker lasts for the tab: a reload is still the app.
    await page.reload();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    assert.deepEqual(b.errors, []);
  } finally { await b.close(); }
});
