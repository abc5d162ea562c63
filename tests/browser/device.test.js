// Issue 11, item 11: a device's own page, reached from its dashboard card:
// a chosen period (24 h, 7 d, custom dates), its figures, a chart with a
// tooltip (uPlot, under the portal's CSP), the excursions with start, end,
// duration and peak, and the temperature log as CSV and as a PDF with an
// inspection header — from one DEVICE.HISTORY request per period.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { browser, facility, noViolations, pcSync, signIn, ts } from './lib.js';

// FR-9 reads 5 °C every ten minutes for eight days, except three readings
// at 11 °C two days ago (out of 2 to 8 for 30 minutes).
async function site() {
  const f = facility();
  const now = Math.floor(Date.now() / 600000) * 600;
  const lines = ['DEVICE.UPSERT device=FR-9 kind=fridge location="Pharmacy" name="Vaccine fridge" low=2 high=8',
    'DEVICE.UPSERT device=RM-1 kind=room location="Store room" low=15 high=25'];
  const at = (s) => new Date(s * 1000).toISOString().slice(0, 19) + 'Z';
  const hot = new Set([now - 2 * 86400, now - 2 * 86400 + 600, now - 2 * 86400 + 1200]);
  for (let i = 0; i < 8 * 144; i++) {
    const t = now - i * 600;
    lines.push(`READING.PUSH device=FR-9 ts=${at(t)} value=${hot.has(t) ? '11.00' : '5.00'}`);
  }
  lines.push(`READING.PUSH device=RM-1 ts=${ts(-60)} value=30`);
  for (let i = 0; i < lines.length; i += 1000) await pcSync(f, lines.slice(i, i + 1000));
  // Readings in the d days before `at` (ms; default now).
  const inDays = (d, at = Date.now()) => [...Array(8 * 144).keys()].filter((i) => i * 600 < d * 86400 - (at / 1000 - now)).length;
  return { f, inDays };
}

for (const size of ['phone', 'desktop']) {
  test(`device page: period, figures, chart, excursions, CSV and PDF (${size})`, async () => {
    const { f, inDays } = await site();
    const b = await browser(size, { acceptDownloads: true });
    try {
      const { page } = b;
      const verbs = [];
      page.on('request', (r) => {
        if (r.url().endsWith('/api/portal')) verbs.push((r.postData() || '').split(' ')[0]);
      });
      // The readings in the last 24 hours as the page will count them: as
      // of now, or one fewer if a ten-minute reading leaves the window
      // before the page asks.
      const day1 = inDays(1);
      await signIn(page, f, 'staff');
      // Out of range first on the phone: the store room leads.
      await page.locator('li.device').first().waitFor();
      assert.match(await page.locator('li.device').first().textContent(), /Store room/);
      await page.getByRole('link', { name: 'Vaccine fridge' }).click();
      await page.waitForURL(/#device\/FR-9$/);
      await page.getByRole('heading', { level: 1, name: 'Vaccine fridge' }).waitFor();
      assert.match(await page.title(), /^Vaccine fridge/);
      const stats = page.locator('#device-stats');
      await stats.getByText(new RegExp(`^(${day1}|${day1 - 1})$`)).waitFor();
      assert.match(await stats.textContent(), /Lowest5\.0 °C.*Highest5\.0 °C.*Mean5\.0 °C/);
      await page.getByText('No reading was out of range in the last 24 hours.').waitFor();
      await page.locator('#device-chart canvas').first().waitFor();
      assert.match(await page.locator('#device-chart').getAttribute('aria-label'),
        /Temperature of Vaccine fridge over the last 24 hours: \d+ readings from 5\.0 °C to 5\.0 °C/);
      await noViolations(page, `device page (${size})`);

      // Seven days: the excursion two days ago, listed and on the chart.
      // The page fixes the period's ends when it loads it: count as then
      // (a ten-minute reading may leave the window before the CSV).
      const before7 = Date.now();
      await page.getByLabel('Last 7 days').check();
      await page.waitForURL(/#device\/FR-9\/7d$/);
      const row = page.locator('#device-excursions tbody tr');
      await row.first().waitFor();
      assert.equal(await row.count(), 1);
      const cells = await row.locator('td').allTextContents();
      assert.equal(cells[2], '30 min');
      assert.equal(cells[3], '11.0 °C (too warm)');
      assert.match(await stats.textContent(), /Highest11\.0 °C/);
      assert.match(await stats.textContent(), /3 readings, 30 min in 1 excursion$/);

      // A tooltip where the pointer is.
      const over = page.locator('#device-chart .u-over');
      const box = await over.boundingBox();
      await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2);
      const tip = page.locator('.chart-tip');
      await tip.waitFor();
      assert.match(await tip.textContent(), /\d.*: 5\.0 °C/);

      // The server did the reducing: no reading travelled for the chart.
      assert.equal(verbs.filter((v) => v === 'READINGS').length, 0);
      assert.equal(verbs.filter((v) => v === 'DEVICE.HISTORY').length, 2);

      // The CSV holds every reading of the seven days.
      const wait = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download the log (CSV)' }).click();
      const dl = await wait;
      assert.match(dl.suggestedFilename(), /^FR-9-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.csv$/);
      const lines = readFileSync(await dl.path(), 'utf8').trim().split('\r\n');
      assert.equal(lines[0], 'device,name,time_utc,value_C,range_low,range_high,out_of_range');
      assert.ok([inDays(7, before7), inDays(7)].includes(lines.length - 1), `${lines.length - 1} readings`);
      assert.equal(lines.filter((l) => l.endsWith(',yes')).length, 3);

      // Custom dates: the day of the excursion alone.
      const day = new Date(Date.now() - 2 * 86400000);
      const ymd = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
      await page.getByLabel('Choose dates').check();
      await page.locator('#device-custom').getByLabel('From').fill(ymd);
      await page.locator('#device-custom').getByLabel('To (included)').fill(ymd);
      await page.getByRole('button', { name: 'Show these dates' }).click();
      await page.waitForURL(new RegExp(`#device/FR-9/${ymd}\\.\\.${ymd}$`));
      await page.locator('#device-stats-title', { hasText: 'to' }).waitFor();
      await row.first().waitFor();
      assert.equal(await row.count(), 1);

      // Print: the inspection header, no controls; a PDF comes out.
      await page.emulateMedia({ media: 'print' });
      const head = page.locator('#device-print');
      assert.ok(await head.isVisible());
      assert.match(await head.textContent(), new RegExp(`Facility: ${f.code}.*Device: Vaccine fridge \\(FR-9\\), Pharmacy.*Acceptable range: 2 to 8 °C.*Generated`));
      assert.equal(await page.getByRole('button', { name: 'Print or save as PDF' }).isVisible(), false);
      assert.equal(await page.locator('#device-period').isVisible(), false);
      const pdf = await page.pdf();
      assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
      await page.emulateMedia({ media: 'screen' });

      // A device of another facility, or none: said in plain words.
      await page.goto(page.url().replace(/#.*/, '#device/NOPE'));
      await page.getByText('This device is not in your facility, or it was removed.').waitFor();
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });
}
