// The mobile wrapper that loads the portal's own URL (way a of
// docs/protocol.md's app channel): the cookie as in a browser, the
// sign-in logged as "app" by the launch parameter or the user-agent token
// the wrapper sets; a plain browser still signs in as "web".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, browser, facility } from './lib.js';
import { lastLogin } from './applib.js';

test('wrapper loading the portal itself (?app=1): the cookie as in a browser, sign-in logged as app', async () => {
  const f = facility();
  const b = await browser('phone');
  try {
    const { page } = b;
    await page.goto(BASE + '/?app=1');
    assert.equal(await page.getByLabel('Server address').isHidden(), true);
    await page.getByLabel('Facility code', { exact: true }).first().fill(f.code);
    await page.getByLabel('User name', { exact: true }).first().fill('staff');
    await page.getByLabel('Password', { exact: true }).fill(f.passwords.staff);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const cookies = await page.context().cookies([BASE]);
    assert.equal(cookies.filter((c) => c.name === '__Host-sid').length, 1);
    assert.deepEqual(lastLogin(f, 'staff'), [['app', 'success']]);
    // The marker lasts for the tab: a reload is still the app.
    await page.reload();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    assert.deepEqual(b.errors, []);
  } finally { await b.close(); }
});

test('wrapper loading the portal itself with its user-agent token: sign-in logged as app', async () => {
  const f = facility();
  const b = await browser('phone');
  try {
    const { page } = b;
    // What Capacitor's appendUserAgent does to the web view's user agent.
    const cdp = await page.context().newCDPSession(page);
    const { userAgent } = await cdp.send('Browser.getVersion');
    await cdp.send('Emulation.setUserAgentOverride', { userAgent: userAgent + ' InfosysApp/1.0' });
    await page.goto(BASE + '/');
    await page.getByLabel('Facility code', { exact: true }).first().fill(f.code);
    await page.getByLabel('User name', { exact: true }).first().fill('staff');
    await page.getByLabel('Password', { exact: true }).fill(f.passwords.staff);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    assert.deepEqual(lastLogin(f, 'staff'), [['app', 'success']]);
    assert.deepEqual(b.errors, []);
  } finally { await b.close(); }
});

test('the portal in a plain browser still signs in as web', async () => {
  const f = facility();
  const b = await browser('desktop');
  try {
    const { page } = b;
    await page.goto(BASE + '/');
    await page.getByLabel('Facility code', { exact: true }).first().fill(f.code);
    await page.getByLabel('User name', { exact: true }).first().fill('staff');
    await page.getByLabel('Password', { exact: true }).fill(f.passwords.staff);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    assert.deepEqual(lastLogin(f, 'staff'), [['web', 'success']]);
    assert.equal(await page.getByLabel('Server address').isHidden(), true);
  } finally { await b.close(); }
});
