// The account page and the admin's account controls: the live
// strength meter, changing one's own password, one's sessions with "sign
// out everywhere else", and an admin's enable / sessions / sign-out /
// two-step reset buttons with confirmation for the destructive ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, axe, browser, facility, password, signIn, sql } from './lib.js';

async function noViolations(page, where) {
  const v = await axe(page);
  assert.deepEqual(v, [], `axe violations on ${where}:\n${v.join('\n')}`);
}

const send = (body, headers = {}) => fetch(BASE + '/api/auth', { method: 'POST', body,
  headers: { 'Content-Type': 'application/x-infosys-command', ...headers } });

// A session of user opened elsewhere (not in the browser): its cookie.
async function login(f, user) {
  const r = await send(`LOGIN facility=${f.code} user=${user} password=${f.passwords[user]}`);
  assert.equal(r.status, 200);
  return (r.headers.get('set-cookie') || '').split(';')[0];
}

async function sessionWorks(cookie) {
  const s = await fetch(BASE + '/api/auth', { method: 'POST', body: 'SESSION',
    headers: { 'Content-Type': 'application/x-infosys-command', Cookie: cookie } });
  return s.status === 200;
}

// staff signs in and opens their account page, sessions listed.
async function openAccount(page, f) {
  await signIn(page, f, 'staff');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.getByRole('link', { name: 'Account' }).click();
  await page.getByRole('heading', { name: 'Your account' }).waitFor();
  await page.locator('#sessions').getByText('this device').waitFor();
}

test('account page: meter, password change, sign out everywhere else', async () => {
  const f = facility();
  const elsewhere = await login(f, 'staff');
  assert.ok(await sessionWorks(elsewhere));
  for (const size of ['phone', 'desktop']) {
    const b = await browser(size);
    try {
      const { page } = b;
      await openAccount(page, f);
      const acc = page.locator('#view-account');
      if (size === 'phone') {
        // The meter judges as the user types, before anything is sent.
        const meter = page.locator('#ac-strength');
        await acc.getByLabel('New password', { exact: true }).fill('passwordpassword');
        await meter.getByText(/Strength: (Very weak|Weak)\./).waitFor();
        await acc.getByLabel('New password', { exact: true }).fill('Lanterns over the frozen Vltava, 1987?');
        await meter.getByText(/Strength: Very strong\./).waitFor();
        await noViolations(page, 'account');
        // A guessable password is refused by the server too, in words.
        await acc.getByLabel('Current password').fill(f.passwords.staff);
        await acc.getByLabel('New password', { exact: true }).fill('Dragon2024dragon');
        await acc.getByLabel('New password again').fill('Dragon2024dragon');
        await acc.getByRole('button', { name: 'Change password' }).click();
        await page.getByText(/too easy to guess/).waitFor();
        const fresh = password();
        await acc.getByLabel('Current password').fill(f.passwords.staff);
        await acc.getByLabel('New password', { exact: true }).fill(fresh);
        await acc.getByLabel('New password again').fill(fresh);
        await acc.getByRole('button', { name: 'Change password' }).click();
        await page.getByText(/Your password was changed/).waitFor();
        f.passwords.staff = fresh;
        assert.equal(await sessionWorks(elsewhere), false);
      } else {
        const other = await login(f, 'staff');
        await page.reload();
        await page.getByRole('link', { name: 'Account' }).click();
        await page.getByRole('button', { name: 'Sign out everywhere else' }).waitFor();
        page.once('dialog', (d) => d.accept());
        await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
        await page.getByText('You were signed out on every other device.').waitFor();
        assert.equal(await sessionWorks(other), false);
        await page.getByRole('heading', { name: 'Your account' }).waitFor();
      }
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  }
});

test('admin: sessions and sign-out, disable and enable, two-step reset', async () => {
  const f = facility();
  f.add('boss2', 'admin');
  sql(`UPDATE users SET mfa_enabled = 1 WHERE facility_id = ${f.id} AND name = 'boss2'`);
  const staff = await login(f, 'staff');
  const b = await browser('desktop');
  try {
    const { page } = b;
    await signIn(page, f, 'boss');
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('button', { name: 'Sessions of staff' }).click();
    await page.getByRole('button', { name: 'Sign staff out everywhere' }).waitFor();
    // Declined: nothing happens.
    const dialog = page.getByRole('dialog');
    await page.getByRole('button', { name: 'Sign staff out everywhere' }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.ok(await sessionWorks(staff));
    await page.getByRole('button', { name: 'Sign staff out everywhere' }).click();
    await dialog.getByRole('button', { name: 'Sign staff out' }).click();
    await page.getByText('staff was signed out everywhere.').waitFor();
    assert.equal(await sessionWorks(staff), false);

    await page.getByRole('button', { name: 'Disable staff' }).click();
    await dialog.getByRole('button', { name: 'Disable staff' }).click();
    await page.getByText('staff was disabled.').waitFor();
    await page.getByRole('button', { name: 'Enable staff' }).click();
    await page.getByText('staff can sign in again.').waitFor();
    assert.equal(sql(`SELECT status FROM users WHERE facility_id = ${f.id} AND name = 'staff'`)[0][0], 'active');

    // Only another admin's two-step can be reset, never one's own.
    assert.equal(await page.getByRole('button', { name: 'Reset two-step of boss', exact: true }).count(), 0);
    await page.getByRole('button', { name: 'Reset two-step of boss2' }).click();
    await dialog.getByRole('button', { name: 'Reset two-step sign-in' }).click();
    await page.getByText('Two-step sign-in of boss2 was reset.').waitFor();
    assert.equal(sql(`SELECT mfa_enabled FROM users WHERE facility_id = ${f.id} AND name = 'boss2'`)[0][0], '0');
    await noViolations(page, 'admin with account controls');
    assert.deepEqual(b.errors, []);
  } finally { await b.close(); }
});

// Issue 11 item 12: one's own recovery address, with the password again.
test('account page: set and remove the recovery e-mail address', async () => {
  const f = facility();
  const emailHash = () => sql(`SELECT COALESCE(email_hash, 'none') FROM users WHERE facility_id = ${f.id} AND name = 'staff'`)[0][0];
  const told = () => Number(sql(`SELECT COUNT(*) FROM mail_outbox WHERE facility_id = ${f.id} AND kind = 'notice_email'`)[0][0]);
  for (const size of ['phone', 'desktop']) {
    const b = await browser(size);
    try {
      const { page } = b;
      await openAccount(page, f);
      const panel = page.locator('#view-account section', { has: page.getByRole('heading', { name: 'Recovery e-mail' }) });
      if (size === 'phone') {
        await panel.getByText('You have no recovery address').waitFor();
        assert.equal(await panel.getByRole('button', { name: 'Remove address' }).isVisible(), false);
        await panel.getByLabel('New recovery e-mail address').fill(`nurse.${f.code}@example.org`);
        await panel.getByLabel('Your password').fill('Not-the-password-8');
        await panel.getByRole('button', { name: 'Save address' }).click();
        await page.locator('#account-msg', { hasText: 'The password is not right.' }).waitFor();
        assert.equal(emailHash(), 'none');
        await panel.getByLabel('Your password').fill(f.passwords.staff);
        await panel.getByRole('button', { name: 'Save address' }).click();
        await page.locator('#account-msg', { hasText: 'Your recovery address was saved.' }).waitFor();
        await panel.getByText('Reset codes are sent to n…@example.org.').waitFor();
        assert.notEqual(emailHash(), 'none');
        assert.equal(told(), 1);
        await noViolations(page, 'account with a recovery address');
      } else {
        await panel.getByText('Reset codes are sent to n…@example.org.').waitFor();
        await panel.getByLabel('Your password').fill(f.passwords.staff);
        page.once('dialog', (d) => d.accept());
        await panel.getByRole('button', { name: 'Remove address' }).click();
        await page.locator('#account-msg', { hasText: 'Your recovery address was removed.' }).waitFor();
        await panel.getByText('You have no recovery address').waitFor();
        assert.equal(emailHash(), 'none');
        assert.equal(told(), 2);
        await noViolations(page, 'account without a recovery address');
      }
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  }
});
