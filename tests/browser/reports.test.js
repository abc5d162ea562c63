// Issue 11, item 15: the reports the PC made, in the portal: a list with a
// kind, a period and pages; one report as a table a page of rows at a
// time, as CSV; and the audit views with a period and pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { browser, facility, noViolations, pcSync, signIn, ts } from './lib.js';

const TAB = '\\t';

async function site() {
  const f = facility();
  const lines = [];
  // 24 empty attendance reports a day apart, then the stock report.
  for (let i = 24; i >= 1; i--) {
    lines.push(`REPORT.PUSH report=A-${i} kind=attendance title="Attendance ${i}" ts=${ts(-86400 * i)} columns="Day${TAB}Staff" rows=0`);
  }
  lines.push(`REPORT.PUSH report=STOCK-1 kind=inventory title="Stock on hand" ts=${ts(-60)} columns="Item${TAB}Lot${TAB}On hand" rows=150`);
  for (let n = 1; n <= 150; n++) {
    lines.push(`REPORT.ROW report=STOCK-1 row=${n} cells="Item ${n}, boxed${TAB}L-${1000 + n}${TAB}${n * 2}"`);
  }
  await pcSync(f, lines);
  return f;
}

for (const size of ['phone', 'desktop']) {
  test(`reports from the PC: list, pages, one report, CSV (${size})`, async () => {
    const f = await site();
    const b = await browser(size, { acceptDownloads: true });
    try {
      const { page } = b;
      await signIn(page, f, 'staff');
      await page.getByRole('link', { name: 'Reports' }).click();
      await page.waitForURL(/#reports$/);
      const rows = page.locator('#reports-out tbody tr');
      await rows.first().waitFor();
      assert.equal(await rows.count(), 20);
      assert.match(await rows.first().textContent(), /Stock on hand.*Inventory.*150.*the PC itself/);
      await noViolations(page, `reports (${size})`);
      await page.getByRole('button', { name: 'Older reports' }).click();
      await page.locator('#reports-out tbody tr', { hasText: 'Attendance 24' }).waitFor();
      assert.equal(await rows.count(), 5);
      assert.equal(await page.getByRole('button', { name: 'Older reports' }).isDisabled(), true);
      await page.getByRole('button', { name: 'Newer reports' }).click();
      await page.locator('#reports-out tbody tr', { hasText: 'Stock on hand' }).waitFor();
      // Kind and period.
      await page.getByLabel('Kind').selectOption('inventory');
      await page.getByRole('button', { name: 'Show', exact: true }).click();
      await page.waitForFunction(() => document.querySelectorAll('#reports-out tbody tr').length === 1);
      await page.getByLabel('Kind').selectOption('');
      const d = new Date(Date.now() - 86400000 * 3);
      const ymd = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
      await page.getByLabel('Made from').fill(ymd);
      await page.getByLabel('Made until (included)').fill(ymd);
      await page.getByRole('button', { name: 'Show', exact: true }).click();
      // The inventory list before also had one row: wait for the new one.
      await page.locator('#reports-out tbody tr', { hasText: 'Attendance 3' }).waitFor();
      assert.equal(await rows.count(), 1);

      // One report, a hundred rows a page.
      await page.getByLabel('Made from').fill('');
      await page.getByLabel('Made until (included)').fill('');
      await page.getByRole('button', { name: 'Show', exact: true }).click();
      await page.getByRole('link', { name: 'Stock on hand' }).click();
      await page.waitForURL(/#report\/STOCK-1$/);
      await page.getByRole('heading', { name: 'Stock on hand' }).waitFor();
      const cells = page.locator('#rv-out tbody tr');
      await cells.first().waitFor();
      assert.equal(await cells.count(), 100);
      assert.deepEqual(await page.locator('#rv-out th').allTextContents(), ['Item', 'Lot', 'On hand']);
      assert.deepEqual(await cells.first().locator('td').allTextContents(), ['Item 1, boxed', 'L-1001', '2']);
      await page.getByRole('button', { name: 'Next rows' }).click();
      await page.getByText('Rows 101 to 150 of 150').waitFor();
      assert.equal(await cells.count(), 50);
      await noViolations(page, `one report (${size})`);
      const wait = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download the report (CSV)' }).click();
      const lines = readFileSync(await (await wait).path(), 'utf8').trim().split('\r\n');
      assert.equal(lines.length, 151);
      assert.equal(lines[0], 'Item,Lot,On hand');
      assert.equal(lines[150], '"Item 150, boxed",L-1150,300');
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });
}

test('audit views: a period and pages (desktop)', async () => {
  const f = facility();
  await pcSync(f, ['ERROR.REPORT message="disk 1 full"', 'ERROR.REPORT message="disk 2 full"',
    'ERROR.REPORT message="disk 3 full"']);
  const b = await browser('desktop');
  try {
    const { page } = b;
    await signIn(page, f, 'boss');
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByLabel('Log').selectOption('SYNC.LOG');
    await page.getByLabel('Rows').fill('2');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    const body = page.locator('#audit-out table').last().locator('tbody tr');
    await page.locator('#audit-out caption', { hasText: 'PC sync and errors: 2 rows' }).waitFor();
    assert.match(await body.first().textContent(), /disk 3 full/);
    await page.getByRole('button', { name: 'Older rows' }).click();
    await page.locator('#audit-out caption', { hasText: '1 older row,' }).waitFor();
    assert.match(await body.first().textContent(), /disk 1 full/);
    assert.equal(await page.getByRole('button', { name: 'Older rows' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Newer rows' }).click();
    await page.locator('#audit-out caption', { hasText: 'PC sync and errors: 2 rows' }).waitFor();
    // Until yesterday: nothing of today.
    const y = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
    await page.getByLabel('Until (included)', { exact: true }).fill(y);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.locator('#audit-out caption', { hasText: 'PC sync and errors: 0 rows' }).waitFor();
    await noViolations(page, 'audit pages');
    assert.deepEqual(b.errors, []);
  } finally { await b.close(); }
});
