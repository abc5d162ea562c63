// The dashboard's charts come from one DASHBOARD.SERIES request, however
// many devices there are, and a short excursion still shows on them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, facility, pcSync, signIn, ts } from './lib.js';

test('dashboard: every chart from one request, excursions kept', async () => {
  const f = facility();
  const devices = ['D-1', 'D-2', 'D-3', 'D-4', 'D-5'];
  await pcSync(f, [
    ...devices.map((d) => `DEVICE.UPSERT device=${d} kind=fridge location="Room ${d}"`),
    ...devices.flatMap((d) => [...Array(120).keys()].map((i) =>
      `READING.PUSH device=${d} ts=${ts(-600 * (i + 1))} value=${i === 30 ? '14.00' : '4.00'}`)),
  ]);
  const b = await browser('desktop');
  try {
    const { page } = b;
    const verbs = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/portal')) verbs.push((r.postData() || '').split(' ')[0]);
    });
    await signIn(page, f, 'staff');
    await page.locator('svg.chart').nth(devices.length - 1).waitFor();
    assert.equal(verbs.filter((v) => v === 'READINGS').length, 0);
    assert.equal(verbs.filter((v) => v === 'DASHBOARD.SERIES').length, 1);
    const label = await page.locator('svg.chart').first().getAttribute('aria-label');
    assert.match(label, /120 readings in the last 24 hours, from 4\.0 to 14\.0/);
    assert.deepEqual(b.errors, []);
  } finally { await b.close(); }
});
