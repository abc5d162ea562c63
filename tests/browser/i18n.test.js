// Issue 11, item 16: the page's words in one catalogue, English and
// Spanish, the language picked from the browser. Every sentence of
// index.html and every t('…') in www/js has its Spanish (the catalogue
// cannot rot), and a Spanish browser gets the whole portal in Spanish at
// phone and desktop sizes, WCAG 2.1 AA clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE, REPO, browser, facility, noViolations, pcSync, signIn, ts } from './lib.js';
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

// A device's page and the PC's reports in Spanish: headings, controls,
// figures in the Spanish way of writing numbers (9,5 °C), the print header
// of the inspection PDF, a refusal in plain Spanish words.
for (const size of ['phone', 'desktop']) {
  test(`a device page and the reports in Spanish (${size})`, async () => {
    const f = facility();
    const TAB = '\\t';
    await pcSync(f, [
      'DEVICE.UPSERT device=FR-2 kind=fridge location="Ward 2" name="Ward 2 fridge" low=2 high=8',
      `READING.PUSH device=FR-2 ts=${ts(-3 * 3600)} value=5.0`,
      `READING.PUSH device=FR-2 ts=${ts(-2 * 3600)} value=9.5`,
      `READING.PUSH device=FR-2 ts=${ts(-3600)} value=5.0`,
      `REPORT.PUSH report=INV-1 kind=inventory title="Stock on hand" ts=${ts(-60)} columns="Item${TAB}On hand" rows=2`,
      `REPORT.ROW report=INV-1 row=1 cells="Gloves${TAB}40"`,
      `REPORT.ROW report=INV-1 row=2 cells="Syringes${TAB}15"`,
    ]);
    const b = await browser(size, { locale: 'es-ES' });
    try {
      const { page } = b;
      await signIn(page, f, 'staff');
      await page.getByRole('link', { name: 'Ward 2 fridge' }).click();
      await page.getByRole('heading', { level: 1, name: 'Ward 2 fridge' }).waitFor();
      await page.getByRole('heading', { name: 'Cifras de las últimas 24 horas' }).waitFor();
      assert.equal(await page.title(), 'Ward 2 fridge · Portal Infosys');
      assert.equal(await page.locator('#device-about').textContent(), 'nevera · Ward 2 · identificador FR-2');
      await page.getByRole('link', { name: 'Volver al panel' }).waitFor();
      await page.getByRole('group', { name: 'Periodo' }).waitFor();
      await page.getByLabel('Últimos 7 días').waitFor();
      await page.getByRole('button', { name: 'Descargar el registro (CSV)' }).waitFor();
      await page.getByRole('heading', { name: 'Salidas de rango', exact: true }).waitFor();
      const stats = await page.locator('#device-stats dd').allTextContents();
      assert.deepEqual(await page.locator('#device-stats dt').allTextContents(),
        ['Lecturas', 'Mínima', 'Máxima', 'Media', 'Fuera de rango']);
      assert.deepEqual(stats.slice(0, 4), ['3', '5,0 °C', '9,5 °C', '6,5 °C']);
      assert.match(stats[4], /^1 lectura, .+ en 1 salida de rango$/);
      const exc = page.locator('#device-excursions table');
      assert.equal(await exc.locator('caption').textContent(),
        'Salidas de rango (aceptable: de 2 a 8 °C), las más recientes primero');
      assert.deepEqual(await exc.locator('th').allTextContents(), ['Inicio', 'Vuelta al rango', 'Duración', 'Pico']);
      assert.equal(await exc.locator('tbody td').nth(3).textContent(), '9,5 °C (demasiado calor)');
      await page.locator('#device-chart canvas').first().waitFor();
      assert.match(await page.locator('#device-chart').getAttribute('aria-label'),
        /^Temperatura de Ward 2 fridge en las últimas 24 horas: 3 lecturas de 5,0 °C a 9,5 °C$/);
      await noViolations(page, `device page in Spanish (${size})`);

      // The inspection PDF's header, in Spanish.
      await page.emulateMedia({ media: 'print' });
      assert.match(await page.locator('#device-print').textContent(), new RegExp('^Registro de temperaturas para inspección' +
        `Centro: ${f.code}Dispositivo: Ward 2 fridge \\(FR-2\\), Ward 2Periodo: las últimas 24 horas \\(del .+ al .+\\)` +
        'Rango aceptable: de 2 a 8 °CGenerado el .+ por staff$'));
      await page.emulateMedia({ media: 'screen' });

      // Dates the wrong way round: refused in Spanish.
      await page.getByLabel('Elegir fechas').check();
      await page.locator('#device-custom').getByLabel('Desde').fill('2026-11-20');
      await page.locator('#device-custom').getByLabel('Hasta (incluido)').fill('2026-11-10');
      await page.getByRole('button', { name: 'Mostrar estas fechas' }).click();
      await page.locator('#device-msg', { hasText: 'La fecha de inicio no puede ser posterior a la de fin.' }).waitFor();

      await page.getByRole('link', { name: 'Informes' }).click();
      await page.getByRole('heading', { level: 1, name: 'Informes' }).waitFor();
      const list = page.locator('#reports-out table');
      await list.locator('tbody tr').first().waitFor();
      assert.equal(await list.locator('caption').textContent(), 'Informes del PC, los más recientes primero');
      assert.deepEqual(await list.locator('th').allTextContents(),
        ['Informe', 'Tipo', 'Generado', 'Periodo', 'Filas', 'Pedido por']);
      assert.match(await list.locator('tbody tr').first().textContent(), /Stock on hand.*Inventario.*2.*el propio PC/);
      assert.equal(await page.getByLabel('Tipo').locator('option:checked').textContent(), 'Todos los tipos');
      await page.getByLabel('Generados hasta (incluido)').waitFor();
      await page.getByRole('button', { name: 'Informes más antiguos' }).waitFor();
      assert.equal(await page.title(), 'Informes · Portal Infosys');
      await noViolations(page, `reports in Spanish (${size})`);

      await page.getByRole('link', { name: 'Stock on hand' }).click();
      await page.getByRole('heading', { name: 'Stock on hand' }).waitFor();
      await page.locator('#rv-out caption', { hasText: 'Filas 1 a 2 de 2' }).waitFor();
      assert.match(await page.locator('#rv-about').textContent(), /^Inventario: informe generado por PC-1 \(.+\)$/);
      await page.getByRole('button', { name: 'Descargar el informe (CSV)' }).waitFor();
      await page.getByRole('button', { name: 'Filas siguientes' }).waitFor();
      await page.getByRole('link', { name: 'Todos los informes' }).waitFor();
      await noViolations(page, `one report in Spanish (${size})`);
      assert.deepEqual(b.errors, []);
    } finally { await b.close(); }
  });
}
