// Helpers of the browser tests: the stack under test (named by
// tools/run_tests.py in INFOSYS_TEST_VAR / _PORT / _BIN), facilities and
// users made with infosysctl, data pushed like a facility PC, and a fresh
// headless Chromium (Debian's) per test at phone or desktop size.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '..', '..');
const VAR = resolve(REPO, process.env.INFOSYS_TEST_VAR || 'var/test');
const PORT = process.env.INFOSYS_TEST_PORT || '18080';
const BIN = resolve(REPO, process.env.INFOSYS_TEST_BIN || 'bin');
export const BASE = `http://127.0.0.1:${PORT}`;
const AXE_SRC = readFileSync(join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
export const SHOTS = join(REPO, 'docs', 'screenshots');

export const SIZES = {
  phone: { width: 360, height: 740 },
  desktop: { width: 1366, height: 900 },
};

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
  '--disable-background-networking', '--no-first-run', '--disable-component-update',
  '--disable-sync', '--disable-quic', '--disable-dev-shm-usage'];

function ctl(args, input) {
  return execFileSync(join(BIN, 'infosysctl'), args, {
    input, env: { ...process.env, INFOSYS_CONF: join(VAR, 'infosys.conf') },
    encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export function sql(query) {
  return execFileSync('mariadb', ['--no-defaults', `--socket=${join(VAR, 'run', 'mariadb.sock')}`,
    '-u', 'root', '-N', '-B', 'infosys', '-e', query], { encoding: 'utf8' })
    .trim().split('\n').filter(Boolean).map((l) => l.split('\t'));
}

export function password() {
  return 'Pw-' + randomBytes(9).toString('base64url') + '-7x';
}

// A new facility with an admin "boss" and a user "staff"; MFA off and the
// given policy (idle_timeout_s etc.) set directly in the table. fixed
// (for screenshots): { code, name, password } instead of random ones.
export function facility(policy = {}, fixed = {}) {
  const code = fixed.code || ('B' + randomBytes(5).toString('hex')).toUpperCase();
  const key = ctl(['facility', 'create', code, fixed.name || 'Browser Test Clinic']).trim().split('\n').pop().trim();
  const id = sql(`SELECT id FROM facilities WHERE code = '${code}'`)[0][0];
  const f = { code, key, id, passwords: {} };
  f.add = (name, role) => {
    const pw = fixed.password || password();
    ctl(['user', 'add', code, name, '--role', role], pw + '\n');
    f.passwords[name] = pw;
    return pw;
  };
  f.add('boss', 'admin');
  f.add('staff', 'user');
  const p = { idle_timeout_s: 300, min_length: 12, require_digit: 0, require_special: 0,
    require_mixed_case: 0, max_age_days: 0, history: 5, mfa_admins: 0, ...policy };
  sql(`REPLACE INTO password_policy (facility_id, ${Object.keys(p).join(', ')}) ` +
      `VALUES (${id}, ${Object.values(p).map(Number).join(', ')})`);
  return f;
}

export async function post(path, body, headers = {}) {
  const res = await fetch(BASE + path, { method: 'POST', body,
    headers: { 'Content-Type': 'application/x-infosys-command', ...headers } });
  return { status: res.status, body: await res.json() };
}

// Lines sent as the facility's PC.
export async function pcSync(f, lines, pc = 'PC-1') {
  const r = await post('/api/sync', lines.join('\n'),
    { Authorization: `Bearer ${f.key}`, 'Infosys-PC': pc });
  if (!r.body.ok) throw new Error('sync refused: ' + JSON.stringify(r.body));
  return r.body;
}

export function ts(offsetS = 0) {
  return new Date(Date.now() + offsetS * 1000).toISOString().slice(0, 19) + 'Z';
}

// A fresh browser profile at size (opts: more context options, e.g. a
// timezoneId); close() removes it.
export async function browser(size = 'phone', opts = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'infosys-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', headless: true, args: ARGS,
    viewport: SIZES[size], ignoreDefaultArgs: ['--enable-automation'], ...opts,
  });
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // A refused request is logged by Chromium as "Failed to load resource"; the
  // protocol answers 401/403/422 on purpose, so only other errors count
  // (a CSP refusal among them).
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text());
  });
  return {
    page, errors,
    async close() { await context.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

// By the fields' ids, so that it signs in whatever the page's language.
export async function signIn(page, f, user, pw = f.passwords[user]) {
  await page.goto(BASE + '/');
  await page.locator('#si-facility').fill(f.code);
  await page.locator('#si-user').fill(user);
  await page.locator('#si-password').fill(pw);
  await page.locator('#signin-form button[type=submit]').click();
}

// A screenshot for docs/screenshots, written only by `make screenshots`
// (INFOSYS_SCREENSHOTS=1): a test run leaves the work tree as it was.
export async function shot(page, name, size) {
  if (!process.env.INFOSYS_SCREENSHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), fullPage: true });
}

// axe-core's WCAG 2.1 A and AA rules on the page as it is now.
export async function axe(page) {
  // Evaluated through the driver, not as a <script>: the page's CSP
  // (rightly) refuses inline scripts.
  await page.evaluate(AXE_SRC + '\n;0');
  const res = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  return res.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

// The current RFC 6238 code of a base32 secret (SHA-1, 6 digits, 30 s).
export async function totp(secretB32, at = Date.now()) {
  const { createHmac } = await import('node:crypto');
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secretB32.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alpha.indexOf(ch).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(at / 30000)));
  const mac = createHmac('sha1', key).update(msg).digest();
  const o = mac[19] & 15;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// `infosysctl mail run --smtp url`: the outbox delivered once. Asynchronous,
// so that an SMTP sink served by this same node process can answer it.
// Resolves to { status, output } even when some message was not sent (the
// outbox is shared with whatever ran before on the stack); the caller
// checks what its own sink received.
export function mailRun(url) {
  return new Promise((res, rej) => {
    execFile(join(BIN, 'infosysctl'), ['mail', 'run', '--smtp', url], {
      env: { ...process.env, INFOSYS_CONF: join(VAR, 'infosys.conf') }, encoding: 'utf8',
    }, (e, stdout, stderr) => {
      if (e && typeof e.code !== 'number') return rej(e);
      return res({ status: e ? e.code : 0, output: stdout + stderr });
    });
  });
}

export async function noViolations(page, where) {
  const v = await axe(page);
  if (v.length) throw new Error(`axe violations on ${where}:\n${v.join('\n')}`);
}

// True when the element is wholly inside the viewport and nothing (a
// sticky header, say) covers its middle: the person can see it.
export async function seen(locator) {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) return false;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return !!hit && (el === hit || el.contains(hit));
  });
}

export async function scrollToBottom(page) {
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
}

// Shows an audit view and waits for its new table (fresh: false when the
// page answers without asking the server).
export async function audit(page, view, { user = '', from = '', fresh = true } = {}) {
  await page.getByLabel('Log').selectOption({ label: view });
  await page.getByLabel('User', { exact: true }).fill(user);
  await page.getByLabel('Since').fill(from);
  await page.locator('#audit-out').evaluate((el) => { for (const c of el.children) c.dataset.old = '1'; });
  await page.locator('#audit-form').getByRole('button', { name: 'Show' }).click();
  if (fresh) await page.locator('#audit-out > table:not([data-old])').first().waitFor();
}

// The texts of one column of the audit table with the given caption.
export async function column(page, caption, heading) {
  const t = page.locator('#audit-out table:not([data-old])', { has: page.locator('caption', { hasText: caption }) });
  await t.waitFor();
  const i = (await t.locator('thead th').allTextContents()).indexOf(heading);
  return t.locator(`tbody tr td:nth-child(${i + 1})`).allTextContents();
}
