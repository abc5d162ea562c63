// Issue 11, bug 1, at phone and desktop sizes: the idle warning is fully visible wherever the page is scrolled (it
// was pinned under a header that is 123 px high on a phone).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, facility, noViolations, pcSync, scrollToBottom, seen, signIn, ts } from './lib.js';

const SIZES = ['phone', 'desktop'];

function devices(n) {
  return [...Array(n).keys()].flatMap((i) => [
    `DEVICE.UPSERT device=D-${i} kind=room location="Room ${i}" low=15 high=25`,
    `READING.PUSH device=D-${i} ts=${ts(-60)} value=20`,
  ]);
}

for (const size of SIZES) {
  test(`bug 1: the idle warning is fully visible on a scrolled page (${size})`, async () => {
    const f = facility({ idle_timeout_s: 66 });
    await pcSync(f, devices(8));
    const b = await browser(size);
    try {
      const { page } = b;
      await signIn(page, f, 'staff');
      await page.locator('li.device').nth(7).waitFor();
      await scrollToBottom(page);
      const warning = page.getByRole('alertdialog');
      await warning.waitFor({ timeout: 20000 });
      await scrollToBottom(page);
      assert.ok(await seen(page.getByRole('button', { name: 'Stay signed in' })), 'Stay signed in is hidden');
      assert.ok(await seen(page.locator('#idle-warning-text')), 'the countdown is hidden');
      await noViolations(page, 'idle warning');
      await page.getByRole('button', { name: 'Stay signed in' }).click();
      await warning.waitFor({ state: 'hidden' });
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });
}
