// Issue 11, item 10: fewer re-logins without
// weaker sessions. Typing restarts the server's idle clock, the facility
// code and user name are remembered on the device, and after an idle
// sign-out the same person returns to the page they were on with the text
// they had not sent.
import assert from 'node:assert/strict';
import { browser, facility, noViolations, signIn, sql } from './lib.js';

// The journey at one size (one test file per size: each file has the
// runner's time limit).
export async function keepJourney(size) {
  const f = facility();
  const b = await browser(size);
  try {
    const { page } = b;
    await signIn(page, f, 'staff');
    await page.getByRole('link', { name: 'Commands' }).click();
    const text = page.getByRole('textbox', { name: /^Message/ });
    // Past the 15 s between touches, a keystroke restarts the server's clock.
    await new Promise((r) => setTimeout(r, 16000));
    const touch = page.waitForRequest((r) => r.url().endsWith('/api/auth') && r.postData() === 'SESSION');
    await text.pressSequentially('Lab closes');
    await touch;

    // Idle sign-out (8 s from now on), back to the same page and text.
    sql(`UPDATE password_policy SET idle_timeout_s = 8 WHERE facility_id = ${f.id}`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(await page.locator('#si-facility').inputValue(), f.code);
    assert.equal(await page.locator('#si-user').inputValue(), 'staff');
    assert.equal(await page.locator('#si-password').inputValue(), '');
    await page.getByLabel('Password', { exact: true }).fill(f.passwords.staff);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Commands' }).click();
    await text.fill('Lab closes at 5 pm today');
    await page.getByText(/signed out after .* without activity/).waitFor({ timeout: 20000 });
    assert.equal(await page.locator('#si-user').inputValue(), 'staff');
    await noViolations(page, 'sign-in after an idle sign-out');
    await page.getByLabel('Password', { exact: true }).fill(f.passwords.staff);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Commands', level: 1 }).waitFor();
    assert.equal(await text.inputValue(), 'Lab closes at 5 pm today');
    assert.deepEqual(b.errors, []);
  } finally { await b.close(); }
}
