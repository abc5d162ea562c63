// Issue 11, item 16: the page's words in one catalogue, English and
// Spanish, the language picked from the browser. Every sentence of
// index.html and every t('…') in www/js has its Spanish (the catalogue
// cannot rot), and a Spanish browser gets the whole portal in Spanish at
// phone and desktop sizes, WCAG 2.1 AA clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE, REPO, browser, facility, noViolations, pcSync, ts } from './lib.js';
import { ES } from '../../www/i18n/es.js';

const JS = join(REPO, 'www', 'js');
const LITERAL = /\bt\(\s*(?:'((?:\\.|[^'\\])*)'|"((?:\\.|[^"\\])*)")/g;

function literals() {
  const out = new Set();
  for (const f of readdirSync(JS).filter((x) => x.endsWith('.js'))) {
    const src = readFileSync(join(JS, f), 'utf8');
    // A template literal would be a different key for every value.
    assert.doesNotMatch(src, /\bt\(\s*`/, `${f}: t() with a template literal; use {placeholders}`);
    for (const m of src.matchAll(LITERAL)) out.add((m[1] ?? m[2]).replace(/\\(['"\\])/g, '$1'));
  }
  return out;
}

const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');

test('every sentence of the portal has its Spanish, and the catalogue nothing else', async () => {
  const b = await browser('desktop');
  try {
    const { page } = b;
    await page.goto(BASE + '/');
    // index.html as written (before the page's scripts change it).
    const html = await page.evaluate(async () => {
      const doc = new DOMParser().parseFromString(await (await fetch('/index.html')).text(), 'text/html');
      const i18n = await import('/js/i18n.js');
      return { strings: i18n.pageStrings(doc.documentElement),
        picks: [['fr-FR', 'es-MX', 'en'], ['de', 'en-GB', 'es'], ['pt-BR'], []].map(i18n.pickLanguage) };
    });
    assert.deepEqual(html.picks, ['es', 'en', 'en', 'en']);
    assert.ok(html.strings.includes('Sign in') && html.strings.includes('Skip to content'));
    assert.ok(!html.strings.includes('Infosys'), 'the brand (translate="no") is not translated');
    const keys = new Set([...html.strings, ...literals()]);
    assert.deepEqual([...keys].filter((k) => !(k in ES)), [], 'sentences without Spanish in www/i18n/es.js');
    assert.deepEqual(Object.keys(ES).filter((k) => !keys.has(k)), [], 'Spanish for sentences no longer used');
    for (const [en, es] of Object.entries(ES)) assert.equal(holes(es), holes(en), `placeholders of "${en}"`);
  } finally { await b.close(); }
});

for (const size of ['phone', 'desktop']) {
  test(`a Spanish browser gets the portal in Spanish (${size})`, async () => {
    const f = facility();
    await pcSync(f, [
      'DEVICE.UPSERT device=FR-2 kind=fridge location="Ward 2" name="Ward 2 fridge" low=2 high=8',
      `READING.PUSH device=FR-2 ts=${ts(-60)} value=9.1`,
      `ALARM.PUSH alarm=AL-1 device=FR-2 status=active severity=high ts=${ts(-50)} message="Ward 2 fridge above 8 C"`,
    ]);
    const b = await browser(size, { locale: 'es-ES' });
    try {
      const { page } = b;
      await page.goto(BASE + '/');
      await page.getByRole('heading', { name: 'Iniciar sesión' }).waitFor();
      assert.equal(await page.getAttribute('html', 'lang'), 'es');
      assert.equal(await page.title(), 'Iniciar sesión · Portal Infosys');
      await noViolations(page, 'sign-in in Spanish');
      await page.getByLabel('Código del centro', { exact: true }).first().fill(f.code);
      await page.getByLabel('Nombre de usuario', { exact: true }).first().fill('staff');
      await page.getByLabel('Contraseña', { exact: true }).fill('not-the-password');
      await page.getByRole('button', { name: 'Iniciar sesión' }).click();
      await page.locator('#signin-msg', { hasText: 'no son correctos' }).waitFor();
      await page.getByLabel('Contraseña', { exact: true }).fill(f.passwords.staff);
      await page.getByRole('button', { name: 'Iniciar sesión' }).click();

      await page.getByRole('heading', { name: 'Panel', exact: true }).waitFor();
      await page.getByRole('heading', { name: 'Alarmas activas' }).waitFor();
      await page.getByRole('button', { name: 'Confirmar la alarma AL-1' }).waitFor();
      await page.locator('li.device', { hasText: 'fuera de rango' }).getByText(/Aceptable de 2 a 8 °C/).waitFor();
      assert.match(await page.title(), /^\(1\) Panel · Portal Infosys$/);
      await noViolations(page, 'dashboard in Spanish');

      await page.getByRole('link', { name: 'Órdenes' }).click();
      await page.getByRole('button', { name: 'Fichar entrada' }).click();
      await page.locator('#clock-msg', { hasText: 'Entrada enviada al PC. El PC la ejecutará la próxima vez que se conecte.' }).waitFor();
      await page.getByText('staff fichó la entrada').waitFor();
      await noViolations(page, 'commands in Spanish');
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });
}
