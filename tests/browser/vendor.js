// Copies the portal's third-party browser files into www/vendor/:
// qrcode-generator (MIT), the QR encoder of the MFA set-up page, and
// zxcvbn-ts (MIT), the password-strength estimator of the password forms'
// meter (the server scores with the C port of the same estimator), and
// uPlot (MIT), the device page's temperature chart.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', '..', 'www', 'vendor');
const mod = (name) => join(here, 'node_modules', name);
const version = (name) => JSON.parse(readFileSync(join(mod(name), 'package.json'), 'utf8')).version;

// [package, file inside it, name in www/vendor, credit]
const FILES = [
  ['qrcode-generator', 'qrcode.js', 'qrcode.js', 'MIT licence, by Kazuhiko Arase'],
  ['@zxcvbn-ts/core', 'dist/zxcvbn-ts.js', 'zxcvbn-core.js', 'MIT licence, zxcvbn-ts contributors'],
  ['@zxcvbn-ts/language-common', 'dist/zxcvbn-ts.js', 'zxcvbn-common.js', 'MIT licence, zxcvbn-ts contributors'],
  ['@zxcvbn-ts/language-en', 'dist/zxcvbn-ts.js', 'zxcvbn-en.js', 'MIT licence, zxcvbn-ts contributors'],
  ['uplot', 'dist/uPlot.esm.js', 'uPlot.esm.js', 'MIT licence, by Leon Sorokin'],
  ['uplot', 'dist/uPlot.min.css', 'uPlot.min.css', 'MIT licence, by Leon Sorokin'],
];

mkdirSync(out, { recursive: true });
const lines = [];
for (const [pkg, file, name, credit] of FILES) {
  copyFileSync(join(mod(pkg), file), join(out, name));
  lines.push(`${name}: ${pkg} ${version(pkg)} (npm, ${credit}),`);
  console.log(`vendored ${pkg} ${version(pkg)}`);
}
writeFileSync(join(out, 'README'), lines.join('\n') + '\ncopied here by `npm run vendor` in tests/browser. Do not edit.\n');
