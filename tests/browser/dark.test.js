// Issue 11, item 16 (dark mode), at phone and desktop sizes: with the
// device set to dark, the portal is dark and axe-core finds no contrast
// or other WCAG 2.1 AA problem on any signed-in page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, browser, facility, noViolations, pcSync, signIn, ts } from './lib.js';

for (const size of ['phone', 'desktop']) {
  test(`dark mode follows the device and stays AA (${size})`, async () => {
    const f = facility();
    await pcSync(f, [
      'DEVICE.UPSERT device=FR-2 kind=fridge location="Ward 2" low=2 high=8',
      `READING.PUSH device=FR-2 ts=${ts(-60)} value=9.1`,
      `ALARM.PUSH alarm=AL-1 device=FR-2 status=active severity=high ts=${ts(-50)} message="Ward 2 fridge above 8 C"`,
    ]);
    const b = await browser(size, { colorScheme: 'dark' });
    try {
      const { page } = b;
      await page.goto(BASE + '/');
      await noViolations(page, 'dark sign-in');
      await signIn(page, f, 'boss');
      await page.getByText('Ward 2 fridge above 8 C').waitFor();
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const [r, g, bl] = bg.match(/\d+/g).map(Number);
      assert.ok(r + g + bl < 150, `background ${bg} is not dark`);
      await noViolations(page, 'dark dashboard');
      await page.getByRole('link', { name: 'Commands' }).click();
      await page.getByRole('button', { name: 'Clock in' }).click();
      await page.locator('#clock-msg', { hasText: 'Clock-in sent' }).waitFor();
      await noViolations(page, 'dark commands');
      await page.getByRole('link', { name: 'Admin' }).click();
      await page.locator('#audit-out table').waitFor();
      await noViolations(page, 'dark admin');
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });
}
