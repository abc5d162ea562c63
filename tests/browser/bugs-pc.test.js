// Issue 11, bugs 6 and 8 at phone and desktop sizes: a sent command's
// state follows the PC without pressing Show, and a facility PC that went
// quiet is said so on the dashboard.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, facility, noViolations, pcSync, signIn, sql, ts } from './lib.js';

const SIZES = ['phone', 'desktop'];

for (const size of SIZES) {
  test(`bug 6: sent commands follow the PC without pressing Show (${size})`, async () => {
    const f = facility();
    const b = await browser(size);
    try {
      const { page } = b;
      await signIn(page, f, 'staff');
      await page.getByRole('link', { name: 'Commands' }).click();
      await page.getByRole('button', { name: 'Clock in' }).click();
      const item = page.locator('#cmdlist li', { hasText: 'staff clocked in' });
      await item.getByText('Waiting for the PC').waitFor();
      const poll = await pcSync(f, ['COMMAND.POLL']);
      await item.getByText('Picked up by the PC').waitFor({ timeout: 15000 });
      await pcSync(f, [`COMMAND.ACK id=${poll.data.commands[0].id} status=done result="clocked in at 08:00"`]);
      await item.getByText('Done').waitFor({ timeout: 15000 });
      await item.getByText('The PC said: clocked in at 08:00').waitFor();
      await noViolations(page, 'commands after the PC settled one');
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });

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
