// Issue 11, bug 8, at phone and desktop sizes: a facility PC that went quiet is said so on the dashboard.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, facility, noViolations, pcSync, signIn, sql, ts } from './lib.js';

const SIZES = ['phone', 'desktop'];

for (const size of SIZES) {
  test(`bug 8: a facility PC that went quiet is said so (${size})`, async () => {
    const f = facility();
    await pcSync(f, [
      'DEVICE.UPSERT device=FR-3 kind=fridge location="Ward 3" low=2 high=8',
      `READING.PUSH device=FR-3 ts=${ts(-2460)} value=5`,
    ]);
    // As if the PC's last request was 41 minutes ago.
    sql(`UPDATE request_log SET ts = ts - INTERVAL 41 MINUTE WHERE facility_id = ${f.id} AND pc_id IS NOT NULL`);
    const b = await browser(size);
    try {
      const { page } = b;
      await signIn(page, f, 'staff');
      const status = page.locator('#dash-pc');
      await status.getByText('The facility PC has gone quiet.').waitFor();
      assert.match(await status.textContent(), /41 minutes ago/);
      await page.locator('li.device', { hasText: 'Ward 3' }).getByText(/No new reading for 41 minutes/).waitFor();
      await noViolations(page, 'dashboard with a quiet PC');
      // The PC comes back: the notice goes on the next refresh.
      await pcSync(f, ['PING']);
      await page.getByRole('link', { name: 'Commands' }).click();
      await page.getByRole('link', { name: 'Dashboard' }).click();
      await status.getByText(/Facility PC checked in at/).waitFor();
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });
}
