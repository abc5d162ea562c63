// The portal in a real browser (Debian's headless Chromium), at phone
// and desktop sizes, against the test stack: sign-in, the dashboard with
// a PC's data, acknowledging an alarm that the PC then settles, commands,
// and an axe-core WCAG 2.1 AA scan of every view (account journeys are
// in account.test.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, axe, browser, facility, pcSync, shot, signIn, ts } from './lib.js';

const SIZES = ['phone', 'desktop'];

async function noViolations(page, where) {
  const v = await axe(page);
  assert.deepEqual(v, [], `axe violations on ${where}:\n${v.join('\n')}`);
}

async function seed(f) {
  await pcSync(f, [
    'DEVICE.UPSERT device=FR-1 kind=fridge location="Lab" name="Lab fridge" low=2 high=8',
    'DEVICE.UPSERT device=FZ-2 kind=freezer location="Pharmacy freezer" low=-25 high=-15',
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
      await page.getByText('Inventory report requested by staff').waitFor();
      assert.equal(await page.getByText('REPORT.REQUEST').count(), 0);
      await noViolations(page, 'commands');
      await shot(page, 'commands', size);
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });
}
