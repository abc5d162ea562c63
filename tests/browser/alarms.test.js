// Issue 11, item 9, at phone and desktop sizes: a new alarm is noticed. It
// is announced in a live region, counted in the page title, marked until
// acknowledged, and its tone can be muted on this device.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, facility, noViolations, pcSync, signIn, ts } from './lib.js';

for (const size of ['phone', 'desktop']) {
  test(`a new alarm is announced, counted in the title and marked until acknowledged (${size})`, async () => {
    const f = facility();
    await pcSync(f, [
      'DEVICE.UPSERT device=FR-2 kind=fridge location="Ward 2" name="Ward 2 fridge" low=2 high=8',
      `READING.PUSH device=FR-2 ts=${ts(-60)} value=9.1`,
      `ALARM.PUSH alarm=AL-1 device=FR-2 status=active severity=high ts=${ts(-50)} message="Ward 2 fridge above 8 C"`,
    ]);
    const b = await browser(size);
    try {
      const { page } = b;
      await signIn(page, f, 'staff');
      await page.getByText('Ward 2 fridge above 8 C').waitFor();
      assert.match(await page.title(), /^\(1\) Dashboard/);
      await page.getByLabel('Sound for new alarms on this device').uncheck();

      await pcSync(f, [`ALARM.PUSH alarm=AL-2 device=FR-2 status=active severity=critical ts=${ts(-5)} message="Ward 2 fridge at 12 C"`]);
      await page.getByRole('link', { name: 'Commands' }).click();
      await page.getByRole('link', { name: 'Dashboard' }).click();
      await page.locator('#alarm-live', { hasText: 'New alarm on Ward 2 fridge: Ward 2 fridge at 12 C' }).waitFor();
      assert.equal(await page.locator('#alarm-live').getAttribute('role'), 'alert');
      await page.waitForFunction(() => document.title.startsWith('(2) '));
      assert.equal(await page.locator('li.alarm-new').count(), 2);
      await noViolations(page, 'dashboard with a new alarm');

      await page.getByRole('button', { name: 'Acknowledge alarm AL-2' }).click();
      await page.getByRole('button', { name: 'Send acknowledgement' }).click();
      await page.getByText(/Acknowledged by staff/).waitFor();
      await page.waitForFunction(() => document.title.startsWith('(1) '));
      assert.equal(await page.locator('li.alarm-new').count(), 1);
      // The mute is remembered on this device.
      await page.reload();
      await page.getByText('Ward 2 fridge at 12 C').waitFor();
      assert.equal(await page.getByLabel('Sound for new alarms on this device').isChecked(), false);
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });
}
