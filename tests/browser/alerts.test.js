// Security alerts in the admin view (issue 12): an account locked by
// failed sign-ins shows as an alert the admin acknowledges, and the admin
// chooses which kinds of alert are mailed; WCAG 2.1 AA on the way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axe, browser, facility, post, signIn, sql } from './lib.js';

test('an admin sees a locked account as an alert and acknowledges it', async () => {
  const f = facility();
  for (let i = 0; i < 10; i++) {
    await post('/api/auth', `LOGIN facility=${f.code} user=staff password=wrong-password-${i}`);
  }
  const b = await browser('desktop');
  try {
    const { page } = b;
    await signIn(page, f, 'boss');
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Security alerts' }).waitFor();
    const ack = page.getByRole('button', { name: 'Acknowledge “Account locked” (staff)' });
    await ack.waitFor();
    const v = await axe(page);
    assert.deepEqual(v, [], `axe violations on the alerts:\n${v.join('\n')}`);
    await ack.click();
    await page.getByText('“Account locked” was acknowledged.').waitFor();
    await page.getByText('No open alerts.').waitFor();
    await page.getByText('Which alerts are mailed to the admins').click();
    await page.getByLabel(/^Account locked:/).uncheck();
    await page.getByText('“Account locked” alerts are no longer mailed to the admins.').waitFor();
  } finally { await b.close(); }
  assert.deepEqual(sql(`SELECT acked_by FROM alerts WHERE facility_id = ${f.id} AND rule = 'account_locked'`), [['boss']]);
  assert.deepEqual(sql(`SELECT mail FROM alert_rule_mail WHERE facility_id = ${f.id} AND rule = 'account_locked'`), [['0']]);
});
