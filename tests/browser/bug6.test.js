// Issue 11, bug 6, at phone and desktop sizes: a sent command's state follows the PC without pressing Show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, facility, noViolations, pcSync, signIn } from './lib.js';

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
}
