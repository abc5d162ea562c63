// The commands page hears from the server when a PC settles a command
// (the facility's events, PROTOCOL.md §6): no click, no timer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, facility, pcSync, signIn } from './lib.js';

test('commands: the PC settling a command shows without asking', async () => {
  const f = facility();
  const b = await browser('desktop');
  try {
    const { page } = b;
    await signIn(page, f, 'staff');
    await page.getByRole('link', { name: 'Commands' }).click();
    await page.getByRole('heading', { name: 'Commands', level: 1 }).waitFor();
    await page.getByRole('combobox', { name: 'Report' }).selectOption('temperature');
    await page.getByRole('button', { name: 'Request report' }).click();
    await page.getByText(/Report requested/).waitFor();
    await page.locator('#cmdlist .badge', { hasText: 'Waiting for the PC' }).waitFor();

    const poll = await pcSync(f, ['COMMAND.POLL']);
    const [cmd] = poll.data.commands;
    await pcSync(f, [`COMMAND.ACK id=${cmd.id} status=done result="report printed"`]);

    await page.getByText(`The PC has carried out command ${cmd.id}.`).waitFor();
    await page.getByText('report printed').waitFor();
    assert.equal(await page.locator('#cmdlist .badge').first().textContent(), 'Done');
    assert.deepEqual(b.errors, []);
  } finally { await b.close(); }
});
