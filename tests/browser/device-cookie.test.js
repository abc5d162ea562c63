// Issue 8 item 10: the browser keeps the device cookie a sign-in sets and
// sends it with the next sign-in, which then goes through the known-device
// lane: it succeeds while the ordinary sign-in pool answers nothing (its
// workers stopped, as a guessing flood would keep them busy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { browser, facility, signIn } from './lib.js';

function workers(pool) {
  const dir = process.env.INFOSYS_TEST_VAR;
  const parent = readFileSync(join(dir, 'run', `${pool}.pid`), 'utf8').trim();
  return readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8')
    .trim().split(/\s+/).map(Number);
}

test('a known browser signs in while the ordinary sign-in pool is stuck', async () => {
  const f = facility();
  const b = await browser('phone');
  try {
    const { page } = b;
    await signIn(page, f, 'staff');
    await page.getByRole('button', { name: 'Sign out', exact: true }).first().waitFor();
    const cookies = await page.context().cookies();
    const dev = cookies.find((c) => c.name === '__Secure-idev');
    assert.ok(dev, 'no device cookie');
    assert.equal(dev.path, '/api/auth');
    assert.equal(dev.httpOnly, true);
    assert.equal(dev.secure, true);
    assert.equal(dev.sameSite, 'Strict');
    assert.ok(dev.expires * 1000 > Date.now() + 170 * 86400 * 1000, 'not long-lived');
    await page.getByRole('button', { name: 'Sign out', exact: true }).first().click();
    await page.getByLabel('Password', { exact: true }).waitFor();

    const stopped = workers('auth');
    try {
      stopped.forEach((pid) => process.kill(pid, 'SIGSTOP'));
      const answer = page.waitForResponse((r) => r.url().endsWith('/api/auth') &&
        r.request().postData().startsWith('LOGIN'));
      // The page is already there: a reload would ask the stuck pool.
      await page.getByLabel('Facility code', { exact: true }).first().fill(f.code);
      await page.getByLabel('User name', { exact: true }).first().fill('staff');
      await page.getByLabel('Password', { exact: true }).fill(f.passwords.staff);
      await page.getByRole('button', { name: 'Sign in' }).click();
      assert.equal((await answer).status(), 200);
    } finally {
      stopped.forEach((pid) => process.kill(pid, 'SIGCONT'));
    }
    await page.getByRole('button', { name: 'Sign out', exact: true }).first().waitFor();
    assert.deepEqual(b.errors, []);
  } finally { await b.close(); }
});
