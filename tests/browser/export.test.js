// Issue 11, item 11 (part): the temperature log leaves the portal for an
// inspection, at phone and desktop sizes: a CSV file per device with the
// range each reading was checked against, and a print layout that the
// browser's "Save as PDF" turns into a PDF.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { browser, facility, pcSync, signIn, ts } from './lib.js';

for (const size of ['phone', 'desktop']) {
  test(`temperature log as CSV and as a printable page (${size})`, async () => {
    const f = facility();
    const first = ts(-7200);
    await pcSync(f, [
      'DEVICE.UPSERT device=FR-5 kind=fridge location="Pharmacy" name="Vaccine fridge, main" low=2 high=8',
      `READING.PUSH device=FR-5 ts=${first} value=4.25`,
      `READING.PUSH device=FR-5 ts=${ts(-3600)} value=5`,
      `READING.PUSH device=FR-5 ts=${ts(-60)} value=9.4`,
    ]);
    const b = await browser(size, { acceptDownloads: true });
    try {
      const { page } = b;
      await signIn(page, f, 'staff');
      const wait = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Temperature log of Vaccine fridge, main, last 24 h (CSV)' }).click();
      const dl = await wait;
      assert.match(dl.suggestedFilename(), /^FR-5-\d{4}-\d\d-\d\d\.csv$/);
      const lines = readFileSync(await dl.path(), 'utf8').trim().split('\r\n');
      assert.equal(lines[0], 'device,name,time_utc,value_C,range_low,range_high,out_of_range');
      assert.equal(lines.length, 4);
      assert.equal(lines[1], `FR-5,"Vaccine fridge, main",${first},4.25,2,8,no`);
      assert.match(lines[3], /,9\.40,2,8,yes$/);

      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('nav').isVisible(), false);
      assert.equal(await page.getByRole('button', { name: 'Print or save as PDF' }).isVisible(), false);
      assert.ok(await page.locator('li.device', { hasText: 'Vaccine fridge, main' }).isVisible());
      const pdf = await page.pdf();
      assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });
}
