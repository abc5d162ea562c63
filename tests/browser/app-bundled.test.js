// The mobile wrapper that bundles www/ (way b of docs/protocol.md's app
// channel), with Chromium standing in for the web view: the pages as
// mobile/copy-www.sh bundles them, served by the test stack's nginx on
// http://app.localhost:PORT, an origin on the stack's [app] origins: the
// server address setting, sign-in by bearer token with no cookie, the
// dashboard, a command, the login history saying "app", idle sign-out;
// and the same pages on http://other.localhost:PORT, not allowed, failing
// with a message a person understands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axe, browser, facility, shot, sql } from './lib.js';
import { APP, OTHER, appSignIn, lastLogin, noStoredSession } from './applib.js';

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
    await page.getByText('staff clocked in').first().waitFor();
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
    assert.match(await row.textContent(), /Signed in.*app/);
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
