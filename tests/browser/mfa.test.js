// An admin sets up two-step sign-in and signs in with a code, in a real
// browser (apart from account.test.js: it waits for the next 30 s step,
// and each file has the runner's time limit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, facility, noViolations, shot, signIn, totp } from './lib.js';

test('an admin sets up two-step sign-in, then signs in with a code', async () => {
  const f = facility({ mfa_admins: 1 });
  const b = await browser('phone');
  try {
    const { page } = b;
    await signIn(page, f, 'boss');
    await page.getByRole('heading', { name: 'Set up two-step sign-in' }).waitFor();
    await noViolations(page, 'MFA set-up');
    await page.getByRole('button', { name: 'Create my key' }).click();
    await page.locator('#enroll-qr svg').waitFor();
    const secret = (await page.locator('#enroll-secret').textContent()).replace(/\s/g, '');
    await noViolations(page, 'MFA set-up with key');
    await shot(page, 'mfa-setup', 'phone');
    await page.getByLabel('The code your app shows now').fill(await totp(secret));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    // A code works once: wait for the next 30 s step before signing in.
    await new Promise((r) => setTimeout(r, 30000 - (Date.now() % 30000) + 500));
    await signIn(page, f, 'boss');
    await page.getByLabel('One-time code from your authenticator app').fill(await totp(secret));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    assert.deepEqual(b.errors, []);
  } finally { await b.close(); }
});
