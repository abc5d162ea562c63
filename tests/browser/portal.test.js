// The portal in a real browser (Debian's headless Chromium), at phone
// and desktop sizes, against the test stack: sign-in, the dashboard with
// a PC's data, acknowledging an alarm that the PC then settles, commands,
// idle sign-out, admin unlock, forced password change, two-step set-up
// and sign-in, and an axe-core WCAG 2.1 AA scan of every view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, axe, browser, facility, pcSync, post, shot, signIn, sql, ts, totp } from './lib.js';

const SIZES = ['phone', 'desktop'];

async function noViolations(page, where) {
  const v = await axe(page);
  assert.deepEqual(v, [], `axe violations on ${where}:\n${v.join('\n')}`);
}

async function seed(f) {
  await pcSync(f, [
    'DEVICE.UPSERT device=FR-1 kind=fridge location="Lab fridge"',
    'DEVICE.UPSERT device=FZ-2 kind=freezer location="Pharmacy freezer"',
    ...[...Array(24).keys()].map((i) =>
      `READING.PUSH device=FR-1 ts=${ts(-3600 * (24 - i) + 60)} value=${(4 + Math.sin(i / 3) * 1.5).toFixed(2)}`),
    `READING.PUSH device=FR-1 ts=${ts(-30)} value=9.4`,
    ...[...Array(12).keys()].map((i) =>
      `READING.PUSH device=FZ-2 ts=${ts(-7200 * (12 - i) + 60)} value=${(-20 + (i % 3)).toFixed(2)}`),
    `QUEUE.PUSH queue=Lab ts=${ts(-60)} length=6 wait_min=20`,
    `QUEUE.PUSH queue=Front-desk ts=${ts(-20)} length=2 wait_min=5`,
    `ALARM.PUSH alarm=AL-7 device=FR-1 status=active severity=high ts=${ts(-25)} message="Lab fridge above 8 C"`,
  ]);
}

for (const size of SIZES) {
  test(`sign-in: wrong then right password (${size})`, async () => {
    const f = facility();
    const b = await browser(size);
    try {
      const { page } = b;
      await page.goto(BASE + '/');
      await noViolations(page, 'sign-in');
      await shot(page, 'signin', size);
      await signIn(page, f, 'staff', 'not-the-password-1');
      await page.getByRole('alert').filter({ hasText: 'not right' }).waitFor();
      await shot(page, 'signin-error', size);
      await signIn(page, f, 'staff');
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      assert.match(await page.locator('#who').textContent(), /staff/);
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });

  test(`dashboard shows the PC's data; an alarm is acknowledged and settled (${size})`, async () => {
    const f = facility();
    await seed(f);
    const b = await browser(size);
    try {
      const { page } = b;
      await signIn(page, f, 'staff');
      await page.getByText('Lab fridge above 8 C').waitFor();
      const fridge = page.locator('li.device', { hasText: 'FR-1' });
      await fridge.getByText('9.4 °C').waitFor();
      assert.equal(await fridge.getAttribute('class'), 'device device-bad');
      await fridge.getByText('out of range').waitFor();
      assert.equal(await page.locator('li.device', { hasText: 'FZ-2' }).getAttribute('class'), 'device');
      assert.equal(await page.locator('svg.chart').count(), 2);
      await page.locator('li.tile', { hasText: 'Lab' }).locator('.tile-big', { hasText: /^6 waiting$/ }).waitFor();
      await noViolations(page, 'dashboard');
      await shot(page, 'dashboard', size);

      await page.getByRole('button', { name: 'Acknowledge alarm AL-7' }).click();
      await page.getByLabel('Note for alarm AL-7 (optional)').fill('Door was open, closed it');
      await noViolations(page, 'dashboard with the acknowledge form');
      await page.getByRole('button', { name: 'Send acknowledgement' }).click();
      await page.getByText(/Acknowledged by staff .* waiting for the PC/).waitFor();

      const poll = await pcSync(f, ['COMMAND.POLL']);
      const cmds = poll.data.commands;
      assert.equal(cmds.length, 1);
      assert.equal(cmds[0].command, 'ALARM.ACK alarm=AL-7 user=staff note="Door was open, closed it"');
      await pcSync(f, [`COMMAND.ACK id=${cmds[0].id} status=done result="acknowledged at the PC"`]);

      await page.getByRole('link', { name: 'Commands' }).click();
      await page.getByText('acknowledged at the PC').waitFor();
      await page.getByRole('link', { name: 'Dashboard' }).click();
      await page.getByText(/Acknowledged by staff .* confirmed by the PC/).waitFor();
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });

  test(`commands: clock in, message, report, PHI refused (${size})`, async () => {
    const f = facility();
    const b = await browser(size);
    try {
      const { page } = b;
      await signIn(page, f, 'staff');
      await page.getByRole('link', { name: 'Commands' }).click();
      await page.getByRole('heading', { name: 'Commands', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Clock in' }).click();
      await page.getByText(/Clock-in sent to the PC/).waitFor();
      await page.getByRole('textbox', { name: /^Message/ }).fill('Patient John Smith DOB 03/04/1961 is here');
      await page.getByRole('button', { name: 'Post message' }).click();
      await page.getByText(/looks like it contains a patient identifier/).waitFor();
      await page.getByRole('textbox', { name: /^Message/ }).fill('Lab closes at 5 pm today');
      await page.getByRole('button', { name: 'Post message' }).click();
      await page.getByText(/Message sent to the PC/).waitFor();
      await page.getByRole('combobox', { name: 'Report' }).selectOption('inventory');
      await page.getByRole('button', { name: 'Request report' }).click();
      await page.getByText(/Report requested/).waitFor();
      await page.locator('#cmdlist li').nth(2).waitFor();
      assert.equal(await page.locator('#cmdlist li').count(), 3);
      await page.getByText('REPORT.REQUEST kind=inventory user=staff').waitFor();
      await noViolations(page, 'commands');
      await shot(page, 'commands', size);
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });
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

test('the web app manifest and the CSP are served', async () => {
  const res = await fetch(BASE + '/manifest.webmanifest');
  assert.equal(res.status, 200);
  const m = await res.json();
  assert.equal(m.display, 'standalone');
  const page = await fetch(BASE + '/');
  assert.match(page.headers.get('content-security-policy'), /script-src 'self'/);
});
