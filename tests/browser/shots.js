// `make screenshots`: the pictures in docs/screenshots from fixed data on
// a fresh stack, with the browser's clock stopped at one instant in UTC,
// so that the same portal gives the same pictures. Also writes
// docs/screenshots/SOURCES.json: the hash of the www/ files each picture
// shows, which screenshots.test.js compares to find the stale ones.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE, SHOTS, browser, facility, pcSync, shot, signIn, sql } from './lib.js';
import { SOURCES, sourceHash } from './shots-sources.js';

const T0 = Date.parse('2026-03-02T14:00:00Z');
const at = (min) => new Date(T0 + min * 60000).toISOString().slice(0, 19) + 'Z';
const OPTS = { timezoneId: 'UTC', locale: 'en-GB' };

process.env.INFOSYS_SCREENSHOTS = '1';

async function seed(f) {
  const wave = (i, mean, amp) => (mean + Math.sin(i / 5) * amp).toFixed(2);
  await pcSync(f, [
    'DEVICE.UPSERT device=FR-PHARM kind=fridge location="Pharmacy" name="Vaccine fridge" low=2 high=8',
    'DEVICE.UPSERT device=FR-WARD2 kind=fridge location="Ward 2" name="Ward 2 medication fridge" low=2 high=8',
    'DEVICE.UPSERT device=FZ-LAB kind=freezer location="Lab" name="Lab freezer" low=-25 high=-15',
    'DEVICE.UPSERT device=RM-STORE kind=room location="Store" name="Central store room" low=15 high=25',
    ...[...Array(48).keys()].flatMap((i) => [
      `READING.PUSH device=FR-PHARM ts=${at(-30 * (48 - i))} value=${wave(i, 4.8, 1.2)}`,
      `READING.PUSH device=FR-WARD2 ts=${at(-30 * (48 - i))} value=${i > 44 ? (8 + (i - 44) * 0.6).toFixed(2) : wave(i, 5.1, 1)}`,
      `READING.PUSH device=FZ-LAB ts=${at(-30 * (48 - i))} value=${wave(i, -20, 2)}`,
      `READING.PUSH device=RM-STORE ts=${at(-30 * (48 - i))} value=${wave(i, 21, 1.5)}`,
    ]),
    `QUEUE.PUSH queue=Lab ts=${at(-2)} length=6 wait_min=20`,
    `QUEUE.PUSH queue=Front-desk ts=${at(-1)} length=2 wait_min=5`,
    `ALARM.PUSH alarm=AL-7 device=FR-WARD2 status=active severity=high ts=${at(-20)} message="Ward 2 fridge above 8 C"`,
    `REPORT.PUSH report=STOCK-0302 kind=inventory title="Stock on hand" ts=${at(-30)} columns="Item\\tLot\\tOn hand" rows=4`,
    ...[['Nitrile gloves, box of 100', 'L-2291', 38], ['Syringes 5 ml', 'L-0412', 250],
      ['Influenza vaccine, 10 doses', 'FLU-26-118', 12], ['Alcohol swabs', 'L-7730', 900]]
      .map(([item, lot, n], i) => `REPORT.ROW report=STOCK-0302 row=${i + 1} cells="${item}\\t${lot}\\t${n}"`),
  ]);
  // As if the PC last checked in a minute before T0.
  sql(`UPDATE request_log SET ts = '${at(-1).replace('T', ' ').slice(0, 19)}' WHERE facility_id = ${f.id} AND pc_id IS NOT NULL`);
}

async function page(size, time = T0, opts = {}) {
  // No service worker: every answer goes through the route below.
  const b = await browser(size, { ...OPTS, serviceWorkers: 'block', ...opts });
  await b.page.clock.setFixedTime(time);
  // The server's clock is not stopped with the browser's: how long each
  // PC has been quiet (DASHBOARD pcs quiet_s) is said as at `time`, when
  // the data was made.
  await b.page.route('**/api/portal', async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    for (const pc of (body.data && body.data.pcs) || []) {
      pc.quiet_s = Math.round((time - Date.parse(pc.last_seen)) / 1000);
    }
    await route.fulfill({ response: res, json: body });
  });
  return b;
}

async function views(f, size) {
  const b = await page(size);
  try {
    const p = b.page;
    await p.goto(BASE + '/');
    await p.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot(p, 'signin', size);
    await signIn(p, f, 'staff', 'not-the-password-1');
    await p.getByRole('alert').filter({ hasText: 'not right' }).waitFor();
    await shot(p, 'signin-error', size);
    await p.getByText('Forgot your password?').click();
    await shot(p, 'recovery', size);
    await signIn(p, f, 'boss');
    await p.locator('svg.chart').nth(3).waitFor();
    await shot(p, 'dashboard', size);
    await p.getByRole('button', { name: 'Change range of Lab freezer' }).click();
    await p.locator('li.device', { hasText: 'Lab freezer' }).getByLabel('Lowest (°C)').fill('-30');
    await shot(p, 'device-range', size);
    await p.getByRole('link', { name: 'Commands' }).click();
    await p.getByRole('button', { name: 'Clock in' }).click();
    await p.locator('#cmdlist li').first().waitFor();
    await shot(p, 'commands', size);
    await p.getByRole('link', { name: 'Admin' }).click();
    await p.locator('#audit-out table').waitFor();
    await shot(p, 'admin', size);
    await p.goto(BASE + '/#device/FR-WARD2');
    await p.locator('#device-chart canvas').first().waitFor();
    await shot(p, 'device-page', size);
    await p.goto(BASE + '/#report/STOCK-0302');
    await p.locator('#rv-out tbody tr').first().waitFor();
    await shot(p, 'report', size);
    await p.getByRole('link', { name: 'Account' }).click();
    await p.locator('#sessions li').first().waitFor();
    await shot(p, 'account', size);
  } finally { await b.close(); }
}

async function phoneOnly(f) {
  let b = await page('phone');
  try {
    const p = b.page;
    await signIn(p, f, 'staff');
    await p.locator('svg.chart').nth(3).waitFor();
    // 4 min 10 s later: the idle warning is up.
    await p.clock.setFixedTime(T0 + 250000);
    await p.getByRole('alertdialog').waitFor();
    await shot(p, 'idle-warning', 'phone');
    await p.clock.setFixedTime(T0 + 301000);
    await p.getByText(/signed out after .* without activity/).waitFor();
    await shot(p, 'idle-signed-out', 'phone');
  } finally { await b.close(); }
  sql(`UPDATE request_log SET ts = '${at(-41).replace('T', ' ').slice(0, 19)}' WHERE facility_id = ${f.id} AND pc_id IS NOT NULL`);
  b = await page('phone');
  try {
    await signIn(b.page, f, 'staff');
    await b.page.getByText('The facility PC has gone quiet.').waitFor();
    await shot(b.page, 'pc-quiet', 'phone');
  } finally { await b.close(); }
  b = await page('phone', T0, { locale: 'es-ES' });
  try {
    await signIn(b.page, f, 'staff');
    await b.page.getByText('El PC del centro ha dejado de conectarse.').waitFor();
    await shot(b.page, 'dashboard-es', 'phone');
  } finally { await b.close(); }
  sql(`UPDATE users SET must_change_password = 1 WHERE facility_id = ${f.id} AND name = 'staff'`);
  b = await page('phone');
  try {
    await signIn(b.page, f, 'staff');
    await b.page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await shot(b.page, 'password-change', 'phone');
  } finally { await b.close(); }
}

function hashes() {
  return Object.fromEntries(Object.keys(SOURCES).map((n) => [n, sourceHash(n)]));
}

const f = facility({}, { code: 'RIVERSIDE', name: 'Riverside Clinic', password: 'Riverside-Demo-2026' });
await seed(f);
for (const size of ['phone', 'desktop']) await views(f, size);
await phoneOnly(f);
writeFileSync(join(SHOTS, 'SOURCES.json'), JSON.stringify(hashes(), null, 2) + '\n');
console.log(`screenshots written to ${SHOTS}`);
