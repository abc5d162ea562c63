// Issue 11, bug 4, at phone and desktop sizes: a temporary password stays on screen until dismissed, and every
// destructive action is confirmed first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, facility, noViolations, signIn, sql } from './lib.js';

const SIZES = ['phone', 'desktop'];

// Locked as ten wrong passwords would lock it, without spending this
// address's failure allowance (the stack's throttle is shared by all tests).
function lock(f, user) {
  sql(`UPDATE users SET failed_logins = 10, locked_at = UTC_TIMESTAMP() WHERE facility_id = ${f.id} AND name = '${user}'`);
}

for (const size of SIZES) {
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
