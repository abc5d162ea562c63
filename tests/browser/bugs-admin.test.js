// Issue 11, bugs 3 and 4 at phone and desktop sizes: the result of an
// action appears where the person is looking (and is announced), and a
// temporary password stays until dismissed, with every destructive
// action confirmed first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, browser, facility, noViolations, seen, signIn, sql } from './lib.js';

const SIZES = ['phone', 'desktop'];

// Locked as ten wrong passwords would lock it, without spending this
// address's failure allowance (the stack's throttle is shared by all tests).
function lock(f, user) {
  sql(`UPDATE users SET failed_logins = 10, locked_at = UTC_TIMESTAMP() WHERE facility_id = ${f.id} AND name = '${user}'`);
}

for (const size of SIZES) {
  test(`bug 3: results appear where the person is looking (${size})`, async () => {
    const f = facility();
    lock(f, 'staff');
    const b = await browser(size);
    try {
      const { page } = b;
      await page.goto(BASE + '/');
      await page.getByText('Forgot your password?').click();
      await page.locator('#fp-facility').fill(f.code);
      await page.locator('#fp-user').fill('staff');
      await page.getByRole('button', { name: 'Send a reset code' }).click();
      const sent = page.locator('#forgot-pw-msg', { hasText: 'a message is on its way' });
      await sent.waitFor();
      assert.ok(await seen(sent), 'the answer to "Send a reset code" is off-screen');

      await signIn(page, f, 'boss');
      await page.getByRole('link', { name: 'Admin' }).click();
      const unlock = page.getByRole('button', { name: 'Unlock staff' });
      await unlock.scrollIntoViewIfNeeded();
      await unlock.click();
      const toast = page.getByRole('status').filter({ hasText: 'staff was unlocked.' });
      await toast.waitFor();
      assert.ok(await seen(toast), 'the answer to Unlock is off-screen');

      const save = page.getByRole('button', { name: 'Save policy' });
      await page.getByLabel(/Sign out after idle/).fill('10');
      await save.scrollIntoViewIfNeeded();
      await save.click();
      const saved = page.locator('#policy-msg', { hasText: 'The policy was saved.' });
      await saved.waitFor();
      assert.ok(await seen(saved), 'the answer to Save policy is off-screen');
      assert.equal(sql(`SELECT idle_timeout_s FROM password_policy WHERE facility_id = ${f.id}`)[0][0], '600');

      await page.getByRole('link', { name: 'Commands' }).click();
      const req = page.getByRole('button', { name: 'Request report' });
      await req.scrollIntoViewIfNeeded();
      await req.click();
      const requested = page.locator('#report-msg', { hasText: 'Report requested' });
      await requested.waitFor();
      assert.ok(await seen(requested), 'the answer to Request report is off-screen');
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });

  test(`bug 4: a temporary password stays until dismissed; destructive actions are confirmed (${size})`, async () => {
    const f = facility();
    f.add('nurse', 'user');
    lock(f, 'nurse');
    const b = await browser(size);
    try {
      const { page } = b;
      await signIn(page, f, 'boss');
      await page.getByRole('link', { name: 'Admin' }).click();
      const dialog = page.getByRole('dialog');
      await page.getByRole('button', { name: 'Reset password of staff' }).click();
      await dialog.waitFor();
      await noViolations(page, 'confirmation dialog');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      assert.equal(await page.locator('.reset-box').count(), 0);
      assert.equal(sql(`SELECT must_change_password FROM users WHERE facility_id = ${f.id} AND name = 'staff'`)[0][0], '0');

      await page.getByRole('button', { name: 'Reset password of staff' }).click();
      await dialog.getByRole('button', { name: 'Reset password' }).click();
      const box = page.locator('#reset-staff');
      await box.getByText(/Temporary password for staff/).waitFor();
      const first = (await box.locator('.secret').textContent()).trim();
      // The user list reloads (another user unlocked): the password stays.
      await page.getByRole('button', { name: 'Unlock nurse' }).click();
      await page.getByRole('status').filter({ hasText: 'nurse was unlocked.' }).waitFor();
      await page.getByRole('button', { name: 'Unlock nurse' }).waitFor({ state: 'detached' });
      assert.equal((await box.locator('.secret').textContent()).trim(), first);
      // A second reset says what it does to the first.
      await page.getByRole('button', { name: 'Reset password of staff' }).click();
      await dialog.getByText(/temporary password shown now stops working/).waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      assert.equal((await box.locator('.secret').textContent()).trim(), first);
      // Disable asks first; Cancel leaves the user as they were.
      await page.getByRole('button', { name: 'Disable nurse' }).click();
      await dialog.getByText(/Disable nurse\? They are signed out at once/).waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      assert.equal(sql(`SELECT status FROM users WHERE facility_id = ${f.id} AND name = 'nurse'`)[0][0], 'active');
      await page.getByRole('button', { name: 'Done, hide the password of staff' }).click();
      await box.waitFor({ state: 'detached' });
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });
}
