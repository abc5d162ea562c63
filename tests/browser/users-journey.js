// Issue 11, item 13 (the list part): an admin
// finds a user among many: search, filters (locked, disabled, admins),
// sort by failed sign-ins, and pages of 20.
import assert from 'node:assert/strict';
import { browser, facility, noViolations, signIn, sql } from './lib.js';

// The journey at one size (a test file per size: each file has the
// runner's time limit).
export async function usersJourney(size) {
  const f = facility();
  // 22 more users as copies of staff (straight into the table: hashing
  // 22 passwords would take most of the test's time).
  const cols = sql(`SELECT GROUP_CONCAT(COLUMN_NAME) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
    AND TABLE_NAME = 'users' AND COLUMN_NAME NOT IN ('id', 'name')`)[0][0];
  for (let i = 1; i <= 22; i++) {
    sql(`INSERT INTO users (name, ${cols}) SELECT 'nurse${String(i).padStart(2, '0')}', ${cols}
      FROM users WHERE facility_id = ${f.id} AND name = 'staff'`);
  }
  sql(`UPDATE users SET failed_logins = 10, locked_at = UTC_TIMESTAMP() WHERE facility_id = ${f.id} AND name = 'nurse07'`);
  sql(`UPDATE users SET failed_logins = 3 WHERE facility_id = ${f.id} AND name = 'nurse15'`);
  sql(`UPDATE users SET status = 'disabled' WHERE facility_id = ${f.id} AND name = 'nurse20'`);
  const b = await browser(size);
  try {
    const { page } = b;
    await signIn(page, f, 'boss');
    await page.getByRole('link', { name: 'Admin' }).click();
    const count = page.locator('#users-count');
    await count.getByText('Users 1–20 of 24').waitFor();
    await page.getByRole('button', { name: 'Next users' }).click();
    await count.getByText('Users 21–24 of 24').waitFor();
    assert.equal(await page.locator('#users > li').count(), 4);
    await noViolations(page, 'user list, second page');

    await page.getByLabel('Search').fill('nurse1');
    await count.getByText('of 10').waitFor();
    await page.getByLabel('Show users').selectOption({ label: 'Locked' });
    await page.getByLabel('Search').fill('');
    await count.getByText('Users 1–1 of 1').waitFor();
    await page.locator('#users li', { hasText: 'nurse07' }).getByText('Failed sign-ins: 10').waitFor();
    await page.getByLabel('Show users').selectOption({ label: 'Disabled' });
    await page.locator('#users li', { hasText: 'nurse20' }).waitFor();
    await page.getByLabel('Show users').selectOption({ label: 'Admins' });
    await count.getByText('of 1').waitFor();
    await page.locator('#users li strong', { hasText: /^boss$/ }).waitFor();
    await page.getByLabel('Show users').selectOption({ label: 'Everyone' });
    await page.getByLabel('Sort by').selectOption({ label: 'Failed sign-ins' });
    await page.waitForFunction(() => document.querySelector('#users li strong').textContent === 'nurse07');
    assert.equal(await page.locator('#users li strong').nth(1).textContent(), 'nurse15');
    assert.deepEqual(b.errors, []);
  } finally { await b.close(); }
}
