// Issue 11, bug 5, at phone and desktop sizes: every audit filter is honoured, and the PC's routine check-ins are
// shown in "PC sync and errors".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { audit, browser, column, facility, noViolations, pcSync, signIn, sql } from './lib.js';

const SIZES = ['phone', 'desktop'];

function day(offsetDays) {
  return new Date(Date.now() + offsetDays * 86400000).toISOString().slice(0, 10);
}

for (const size of SIZES) {
  test(`bug 5: every audit filter is honoured; PC check-ins are shown (${size})`, async () => {
    const f = facility();
    await pcSync(f, [`DAILYSYNC.CLAIM date=${day(0)}`, `DAILYSYNC.REPORT date=${day(0)} status=ok`]);
    const b = await browser(size);
    try {
      const { page } = b;
      await signIn(page, f, 'staff');
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await signIn(page, f, 'boss');
      await page.getByRole('link', { name: 'Admin' }).click();
      await page.locator('#audit-out table').waitFor();

      await audit(page, 'Requests', { user: 'staff' });
      const users = await column(page, 'Requests:', 'User');
      assert.ok(users.length > 0 && users.every((u) => u === 'staff'), `users: ${users}`);
      // Staff's requests and the PC's check-in as if made three days ago.
      sql(`UPDATE request_log SET ts = ts - INTERVAL 3 DAY WHERE facility_id = ${f.id} AND (user_name = 'staff' OR pc_id IS NOT NULL)`);
      sql(`UPDATE sync_log SET ts = ts - INTERVAL 3 DAY WHERE facility_id = ${f.id}`);
      await audit(page, 'Requests', { user: 'staff', from: day(-1) });
      await page.locator('caption', { hasText: 'Requests: 0 rows' }).waitFor();
      await audit(page, 'PC sync and errors', { from: day(-4) });
      assert.deepEqual(await column(page, 'PC check-ins since', 'PC'), ['PC-1']);
      // The daily sync is named by its day in the reader's form.
      const shown = await page.evaluate((d) => new Date(d + 'T00:00').toLocaleDateString([],
        { day: 'numeric', month: 'short', year: 'numeric' }), day(0));
      assert.ok((await column(page, 'PC sync and errors:', 'What')).includes(`Daily sync of ${shown}`));
      await noViolations(page, 'PC sync view');
      await audit(page, 'PC sync and errors', { from: day(-1) });
      await page.locator('caption', { hasText: 'PC sync and errors: 0 rows' }).waitFor();
      assert.deepEqual(await column(page, 'PC check-ins since', 'PC'), []);
      await audit(page, 'PC sync and errors', { from: day(2), fresh: false });
      await page.getByText('Since is after today').waitFor();
      await audit(page, 'PC sync and errors', { user: 'staff' });
      await page.getByText('the User filter does not apply to them').waitFor();
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });
}
