// The portal's account journeys in a real browser (Debian's headless
// Chromium): idle sign-out, admin unlock, forced password change after an
// admin reset, and the manifest and CSP (two-step set-up: mfa.test.js).
// (Apart from portal.test.js so that each file stays within the runner's
// per-file time limit on a loaded machine.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, axe, browser, facility, post, shot, signIn, sql, totp } from './lib.js';

const SIZES = ['phone', 'desktop'];

async function noViolations(page, where) {
  const v = await axe(page);
  assert.deepEqual(v, [], `axe violations on ${where}:\n${v.join('\n')}`);
}

test('idle sign-out: warning, countdown, sign-out at zero, message on the sign-in page', async () => {
  const f = facility();
  // Shorter than the policy form allows (60 s), straight into the table,
  // so the test waits seconds rather than minutes.
  sql(`UPDATE password_policy SET idle_timeout_s = 8 WHERE facility_id = ${f.id}`);
  const b = await browser('phone');
  try {
    const { page } = b;
    await signIn(page, f, 'staff');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('alertdialog').waitFor();
    await page.getByText(/you will be signed out in \d+ seconds/).waitFor();
    assert.match(await page.locator('#idle-count').textContent(), /^0:0\d$/);
    await shot(page, 'idle-warning', 'phone');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 15000 });
    await page.getByText(/signed out after .* without activity/).waitFor();
    await noViolations(page, 'sign-in after idle sign-out');
    await shot(page, 'idle-signed-out', 'phone');
    // The session is gone on the server too.
    const r = await page.evaluate(async () => (await fetch('/api/auth', { method: 'POST',
      headers: { 'Content-Type': 'application/x-infosys-command' }, body: 'SESSION' })).status);
    assert.equal(r, 401);
  } finally { await b.close(); }
});

test('admin unlocks a locked user', async () => {
  const f = facility();
  for (let i = 0; i < 10; i++) {
    await post('/api/auth', `LOGIN facility=${f.code} user=staff password=wrong-password-${i}`);
  }
  assert.equal(sql(`SELECT locked_at IS NOT NULL FROM users WHERE facility_id = ${f.id} AND name = 'staff'`)[0][0], '1');
  for (const size of SIZES) {
    const b = await browser(size);
    try {
      const { page } = b;
      await signIn(page, f, 'boss');
      await page.getByRole('link', { name: 'Admin' }).click();
      await page.getByRole('heading', { name: 'Administration' }).waitFor();
      await page.locator('#audit-out table').waitFor();
      if (size === 'desktop') {
        await page.getByRole('button', { name: 'Unlock staff' }).waitFor();
        await noViolations(page, 'admin');
        await shot(page, 'admin', size);
        await page.getByRole('button', { name: 'Unlock staff' }).click();
        await page.getByText('staff was unlocked.').waitFor();
      } else {
        await page.getByRole('button', { name: /Reset password of boss/ }).waitFor();
        await noViolations(page, 'admin');
        await shot(page, 'admin', size);
      }
    } finally { await b.close(); }
  }
  const b = await browser('phone');
  try {
    await signIn(b.page, f, 'staff');
    await b.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  } finally { await b.close(); }
});

test('forced password change after an admin reset', async () => {
  const f = facility();
  let temp;
  const a = await browser('desktop');
  try {
    await signIn(a.page, f, 'boss');
    await a.page.getByRole('link', { name: 'Admin' }).click();
    await a.page.getByRole('button', { name: 'Reset password of staff' }).click();
    await a.page.getByRole('dialog').getByRole('button', { name: 'Reset password' }).click();
    await a.page.getByText(/Temporary password for staff/).waitFor();
    temp = (await a.page.locator('.reset-box .secret').textContent()).trim();
    assert.ok(temp.length >= 12);
  } finally { await a.close(); }
  const b = await browser('phone');
  try {
    const { page } = b;
    await signIn(page, f, 'staff', temp);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await noViolations(page, 'password change');
    await shot(page, 'password-change', 'phone');
    const fresh = 'Fresh-Correct-Horse-42';
    await page.locator('#view-password').getByLabel('Current (or temporary) password').fill(temp);
    await page.locator('#view-password').getByLabel('New password', { exact: true }).fill(fresh);
    await page.locator('#view-password').getByLabel('New password again').fill(fresh);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, f, 'staff', fresh);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  } finally { await b.close(); }
});

test('the web app manifest and the CSP are served', async () => {
  const res = await fetch(BASE + '/manifest.webmanifest');
  assert.equal(res.status, 200);
  const m = await res.json();
  assert.equal(m.display, 'standalone');
  const page = await fetch(BASE + '/');
  assert.match(page.headers.get('content-security-policy'), /script-src 'self'/);
});
