// Issue 11, bug 3, at phone and desktop sizes: the result of an action appears where the person is looking, next to
// the control or in the live toast, and is announced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, browser, facility, seen, signIn, sql } from './lib.js';

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
}
