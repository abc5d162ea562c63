// Helpers of the app-channel browser tests (app-*.test.js).
import assert from 'node:assert/strict';
import { BASE, sql } from './lib.js';

const PORT = new URL(BASE).port;
// nginx's *.localhost server of the test stack serves the bundled pages:
// app.localhost is on the stack's [app] origins, other.localhost is not.
export const APP = `http://app.localhost:${PORT}`;
export const OTHER = `http://other.localhost:${PORT}`;

export async function appSignIn(page, origin, f, user) {
  await page.goto(origin + '/');
  await page.getByLabel('Server address').fill(BASE);
  await page.getByLabel('Facility code', { exact: true }).first().fill(f.code);
  await page.getByLabel('User name', { exact: true }).first().fill(user);
  await page.getByLabel('Password', { exact: true }).fill(f.passwords[user]);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

// Nothing of the session may sit where other scripts or a backup could
// read it: no cookie for the API, no token in either web storage.
export async function noStoredSession(page) {
  const cookies = await page.context().cookies([BASE, APP]);
  assert.deepEqual(cookies.filter((c) => c.name === '__Host-sid'), []);
  const stored = await page.evaluate(() => ({ ...localStorage, ...sessionStorage }));
  // What the page may keep: the server's address, who signed in last (the
  // facility code and user name), a tab's unsent text. Never a token.
  const allowed = ['infosys-server', 'infosys.signin', 'infosys.drafts'];
  assert.deepEqual(Object.keys(stored).filter((k) => !allowed.includes(k)), []);
  assert.equal(stored['infosys-server'], BASE);
  for (const v of Object.values(stored)) assert.doesNotMatch(v, /[A-Za-z0-9_-]{43}/);
}

export function lastLogin(f, user) {
  return sql(`SELECT channel, result FROM login_log WHERE facility_id = ${f.id}` +
             ` AND user_name = '${user}' ORDER BY id DESC LIMIT 1`);
}
