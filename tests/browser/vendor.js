// Copies the portal's one third-party browser file into www/vendor/:
// qrcode-generator (MIT), the QR encoder of the MFA set-up page.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', '..', 'www', 'vendor');
const pkg = join(here, 'node_modules', 'qrcode-generator');
mkdirSync(out, { recursive: true });
copyFileSync(join(pkg, 'qrcode.js'), join(out, 'qrcode.js'));
const version = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version;
writeFileSync(join(out, 'README'), `qrcode.js: qrcode-generator ${version} (npm, MIT licence, by Kazuhiko Arase),\n` +
  'copied here by `npm run vendor` in tests/browser. Do not edit.\n');
console.log(`vendored qrcode-generator ${version}`);
