// Self-service recovery in the portal (issue 5): "forgot password" and
// "forgot user name", in a real browser at phone and desktop sizes. The
// outbox is delivered by `infosysctl mail run` to a loopback SMTP sink
// served from this process, and the codes and names are read from the
// delivered messages, as a user would read them from their mailbox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { BASE, axe, browser, facility, mailRun, password, pcSync, shot, signIn, sql } from './lib.js';

const SIZES = ['phone', 'desktop'];
const NEUTRAL = /^If the details match an account with a recovery e-mail address, a message is on its way/;

// A minimal SMTP server on loopback that keeps every message it is given
// ({ from, rcpt, data }); enough for libcurl's SMTP client, nothing more.
async function smtpSink() {
  const messages = [];
  const socks = new Set();
  const server = net.createServer((sock) => {
    socks.add(sock);
    sock.on('close', () => socks.delete(sock));
    sock.setEncoding('utf8');
    let buf = '';
    let env = { rcpt: [] };
    let data = null;
    const reply = (line) => sock.write(line + '\r\n');
    const onLine = (line) => {
      if (data) {
        if (line !== '.') return data.push(line.startsWith('.') ? line.slice(1) : line);
        messages.push({ ...env, data: data.join('\r\n') });
        data = null;
        return reply('250 queued');
      }
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'MAIL') env = { from: line.slice(10).trim(), rcpt: [] };
      if (verb === 'RCPT') env.rcpt.push(line.slice(8).trim());
      if (verb === 'DATA') { data = []; return reply('354 go on'); }
      if (verb === 'QUIT') { reply('221 bye'); return sock.end(); }
      return reply('250 ok');
    };
    sock.on('data', (chunk) => {
      buf += chunk;
      for (let i; (i = buf.indexOf('\r\n')) >= 0; buf = buf.slice(i + 2)) onLine(buf.slice(0, i));
    });
    reply('220 sink ESMTP');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    messages,
    url: `smtp://127.0.0.1:${server.address().port}`,
    to: (addr) => messages.filter((m) => m.rcpt.includes(`<${addr}>`)),
    close() { for (const s of socks) s.destroy(); return new Promise((r) => server.close(r)); },
  };
}

async function noViolations(page, where) {
  const v = await axe(page);
  assert.deepEqual(v, [], `axe violations on ${where}:\n${v.join('\n')}`);
}

// Submits form (a locator) and waits for its answer in the status line
// msg; the form says "Sending…" first, so an answer that reads the same
// as the one before is still a fresh one.
async function submit(page, form, button, msg) {
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/auth'));
  await form.getByRole('button', { name: button }).click();
  await answered;
  await page.waitForFunction((sel) => !/^Sending/.test(document.querySelector(sel).textContent), msg);
  return (await page.locator(msg).textContent()).trim();
}

async function openForgot(page, which) {
  await page.goto(BASE + '/');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.locator('summary', { hasText: which }).click();
}

function outboxCount(f) {
  return Number(sql(`SELECT COUNT(*) FROM mail_outbox WHERE facility_id = ${f.id}`)[0][0]);
}

for (const size of SIZES) {
  test(`forgot password: neutral answer, code by mail, reset, sign in (${size})`, async () => {
    const f = facility();
    const addr = `staff.${f.code.toLowerCase()}@example.org`;
    await pcSync(f, [`USER.UPSERT user=staff role=user email=${addr}`]);
    const sink = await smtpSink();
    const b = await browser(size);
    try {
      const { page } = b;
      await openForgot(page, 'Forgot your password?');
      const ask = page.locator('#forgot-pw-form');
      const msg = '#forgot-pw-msg';

      // An unknown user and a known one get the same answer; only the
      // known one gets mail.
      await ask.getByLabel('Facility code').fill(f.code);
      await ask.getByLabel('User name').fill('nobody-here');
      const unknown = await submit(page, ask, 'Send a reset code', msg);
      assert.match(unknown, NEUTRAL);
      assert.equal(outboxCount(f), 0);
      await ask.getByLabel('Facility code').fill(f.code);
      await ask.getByLabel('User name').fill('staff');
      const known = await submit(page, ask, 'Send a reset code', msg);
      assert.equal(known, unknown);
      assert.equal(outboxCount(f), 1);

      const run = await mailRun(sink.url);
      assert.match(run.output, /mail: [1-9]\d* sent/);
      const mail = sink.to(addr);
      assert.equal(mail.length, 1, `one message to ${addr}`);
      assert.match(mail[0].data, /^Subject: Infosys password reset$/m);
      const code = mail[0].data.match(/reset code: (\S+)/)[1];
      assert.ok(code.length >= 16);

      // The reset form comes filled with what was just asked for.
      const reset = page.locator('#reset-pw-form');
      assert.equal(await reset.getByLabel('Facility code').inputValue(), f.code);
      assert.equal(await reset.getByLabel('User name').inputValue(), 'staff');
      const fresh = password();
      await reset.getByLabel('Reset code').fill(code);
      await reset.getByLabel('New password').fill(fresh);
      assert.match(await submit(page, reset, 'Set the new password', '#reset-pw-msg'), /Your password was set/);

      // The code works once.
      await reset.getByLabel('Facility code').fill(f.code);
      await reset.getByLabel('User name').fill('staff');
      await reset.getByLabel('Reset code').fill(code);
      await reset.getByLabel('New password').fill(password());
      assert.match(await submit(page, reset, 'Set the new password', '#reset-pw-msg'), /reset code is wrong, used or expired/);
      assert.equal(await page.locator('#reset-pw-msg').getAttribute('class'), 'msg msg-error');

      // The old password no longer works, the new one does.
      await signIn(page, f, 'staff');
      await page.getByRole('alert').filter({ hasText: 'not right' }).waitFor();
      await signIn(page, f, 'staff', fresh);
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); await sink.close(); }
  });

  test(`forgot user name: neutral answer, names by mail (${size})`, async () => {
    const f = facility();
    const addr = `desk.${f.code.toLowerCase()}@example.org`;
    await pcSync(f, [`USER.UPSERT user=staff role=user email=${addr}`,
      `USER.UPSERT user=boss role=admin email=${addr}`]);
    const sink = await smtpSink();
    const b = await browser(size);
    try {
      const { page } = b;
      await openForgot(page, 'Forgot your user name?');
      const form = page.locator('#forgot-user-form');
      const msg = '#forgot-user-msg';
      const unknownAddr = `nobody.${f.code.toLowerCase()}@example.org`;

      await form.getByLabel('Facility code').fill(f.code);
      await form.getByLabel('Recovery e-mail address').fill(unknownAddr);
      const unknown = await submit(page, form, 'Send my user names', msg);
      assert.match(unknown, NEUTRAL);
      await form.getByLabel('Facility code').fill(f.code);
      await form.getByLabel('Recovery e-mail address').fill(addr);
      assert.equal(await submit(page, form, 'Send my user names', msg), unknown);

      const run = await mailRun(sink.url);
      assert.match(run.output, /mail: [1-9]\d* sent/);
      assert.equal(sink.to(unknownAddr).length, 0);
      const mail = sink.to(addr);
      assert.equal(mail.length, 1, `one message to ${addr}`);
      assert.match(mail[0].data, /^Subject: Infosys user names$/m);
      assert.match(mail[0].data, new RegExp(`user names of facility ${f.code}`));
      const names = mail[0].data.split('\r\n').map((l) => l.trim());
      assert.ok(names.includes('staff') && names.includes('boss'), mail[0].data);
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); await sink.close(); }
  });

  test(`recovery forms: WCAG 2.1 AA and screenshots (${size})`, async () => {
    const f = facility();
    const b = await browser(size);
    try {
      const { page } = b;
      await openForgot(page, 'Forgot your password?');
      await page.locator('summary', { hasText: 'Forgot your user name?' }).click();
      await noViolations(page, 'both recovery forms open');
      const ask = page.locator('#forgot-pw-form');
      await ask.getByLabel('Facility code').fill(f.code);
      await ask.getByLabel('User name').fill('staff');
      await submit(page, ask, 'Send a reset code', '#forgot-pw-msg');
      const names = page.locator('#forgot-user-form');
      await names.getByLabel('Facility code').fill(f.code);
      await names.getByLabel('Recovery e-mail address').fill('someone@example.org');
      await submit(page, names, 'Send my user names', '#forgot-user-msg');
      await noViolations(page, 'recovery forms with their answers');
      await shot(page, 'recovery', size);
      // The error state too: a reset form sent empty is answered in the
      // page, without a round trip.
      const reset = page.locator('#reset-pw-form');
      await reset.getByLabel('Facility code').fill('');
      await reset.getByRole('button', { name: 'Set the new password' }).click();
      await page.locator('#reset-pw-msg', { hasText: 'Fill in every field.' }).waitFor();
      await noViolations(page, 'recovery form with an error');
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });
}
