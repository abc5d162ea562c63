// Issue 11, bug 7, at phone and desktop sizes: people read plain words: no rule names, key names or raw JSON, and no
// word broken across lines in the audit table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { audit, browser, column, facility, noViolations, signIn, sql } from './lib.js';

const SIZES = ['phone', 'desktop'];

for (const size of SIZES) {
  test(`bug 7: plain words, never rule names, keys or raw JSON (${size})`, async () => {
    const f = facility();
    sql(`UPDATE users SET must_change_password = 1 WHERE facility_id = ${f.id} AND name = 'staff'`);
    const b = await browser(size);
    try {
      const { page } = b;
      await signIn(page, f, 'staff');
      const view = page.locator('#view-password');
      await view.getByRole('heading', { name: 'Choose a new password' }).waitFor();
      await view.getByLabel('Current (or temporary) password').fill(f.passwords.staff);
      await view.getByLabel('New password', { exact: true }).fill('short-1');
      await view.getByLabel('New password again').fill('short-1');
      await page.getByRole('button', { name: 'Change password' }).click();
      const msg = page.locator('#password-msg');
      await msg.getByText(/^The password needs at least 12 characters/).waitFor();
      assert.doesNotMatch(await msg.textContent(), /min_length|:/);
      await page.getByRole('button', { name: 'Sign out' }).click();

      await signIn(page, f, 'boss');
      await page.getByRole('link', { name: 'Admin' }).click();
      await page.getByLabel(/Sign out after idle/).fill('0');
      await page.getByRole('button', { name: 'Save policy' }).click();
      await page.locator('#policy-msg', { hasText: 'Sign out after idle must be a whole number from 1 to 30.' }).waitFor();
      await page.getByLabel(/Sign out after idle/).fill('15');
      await page.getByRole('button', { name: 'Save policy' }).click();
      await page.locator('#policy-msg', { hasText: 'The policy was saved.' }).waitFor();
      assert.doesNotMatch(await page.locator('main').innerText(), /idle_timeout_s|min_length/);

      await audit(page, 'Activity');
      const details = await column(page, 'Activity:', 'Detail');
      assert.ok(details.includes('sign out after 15 min idle'), `details: ${details}`);
      assert.ok(details.every((d) => !/[{}"]/.test(d)), `raw JSON in ${details}`);
      const what = await column(page, 'Activity:', 'What');
      assert.ok(what.includes('changed the security policy'), `what: ${what}`);
      // No word in the table is broken across two lines.
      const broken = await page.locator('#audit-out td').evaluateAll((tds) => tds.filter((td) => {
        const text = td.textContent.trim();
        if (!text || /\s/.test(text)) return false;
        const r = document.createRange();
        r.selectNodeContents(td);
        return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 1;
      }).map((td) => td.textContent));
      assert.deepEqual(broken, []);
      await noViolations(page, 'activity log');
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });
}

// Found by the test above on a busy machine: what an admin typed into the
// policy form before the policy had loaded was overwritten by it, and
// "Save policy" then said nothing had changed. The form stays closed until
// the policy is there.
test('the policy form opens only once the policy has loaded', async () => {
  const f = facility();
  const b = await browser('desktop');
  try {
    const { page } = b;
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route('**/api/portal', async (route) => {
      if ((route.request().postData() || '').startsWith('POLICY.GET')) await held;
      await route.continue();
    });
    await signIn(page, f, 'boss');
    await page.getByRole('link', { name: 'Admin' }).click();
    const idle = page.getByLabel(/Sign out after idle/);
    await idle.waitFor();
    assert.equal(await idle.isDisabled(), true);
    assert.equal(await page.getByRole('button', { name: 'Save policy' }).isDisabled(), true);
    release();
    await idle.fill('0');
    assert.equal(await idle.inputValue(), '0');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.locator('#policy-msg', { hasText: 'Sign out after idle must be a whole number from 1 to 30.' }).waitFor();
    assert.deepEqual(b.errors, []);
  } finally { await b.close(); }
});
