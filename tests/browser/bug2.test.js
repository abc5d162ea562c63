// Issue 11, bug 2, at phone and desktop sizes: readings are flagged by the range the PC alarms on (DEVICE.UPSERT
// low/high), and an admin may override it in the portal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, facility, noViolations, pcSync, signIn, sql, ts } from './lib.js';

const SIZES = ['phone', 'desktop'];

for (const size of SIZES) {
  test(`bug 2: readings are flagged by the PC's range; an admin overrides it (${size})`, async () => {
    const f = facility();
    await pcSync(f, [
      'DEVICE.UPSERT device=FZ-9 kind=freezer location="Store" name="Vaccine freezer" low=-25 high=-15',
      `READING.PUSH device=FZ-9 ts=${ts(-60)} value=-30`,
    ]);
    const b = await browser(size);
    try {
      const { page } = b;
      await signIn(page, f, 'staff');
      const card = page.locator('li.device', { hasText: 'Vaccine freezer' });
      await card.getByText('out of range').waitFor();
      await card.getByText('Acceptable -25 to -15 °C').waitFor();
      assert.equal(await card.getByRole('button', { name: /Change range/ }).count(), 0, 'a user may not change it');
      await page.getByRole('button', { name: 'Sign out' }).click();

      await signIn(page, f, 'boss');
      await card.getByText('out of range').waitFor();
      await card.getByRole('button', { name: 'Change range of Vaccine freezer' }).click();
      await card.getByText('The PC alarms at -25 to -15 °C.').waitFor();
      await card.getByLabel('Lowest (°C)').fill('-35');
      await noViolations(page, 'range form');
      await card.getByRole('button', { name: 'Save range' }).click();
      await card.getByText('Acceptable -35 to -15 °C (set by an admin)').waitFor();
      await page.getByRole('status').filter({ hasText: 'Vaccine freezer: acceptable range now -35 to -15 °C.' }).waitFor();
      assert.equal(await card.getByText('out of range').count(), 0);
      // The PC restating its range does not undo the override.
      await pcSync(f, ['DEVICE.UPSERT device=FZ-9 kind=freezer location="Store" low=-25 high=-15']);
      await card.getByRole('button', { name: 'Change range of Vaccine freezer' }).click();
      await card.getByRole('button', { name: "Use the PC's range" }).click();
      await card.getByText('out of range').waitFor();
      await card.getByText('Acceptable -25 to -15 °C').waitFor();
      assert.equal(sql(`SELECT admin_low IS NULL FROM devices WHERE facility_id = ${f.id}`)[0][0], '1');
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });
}
