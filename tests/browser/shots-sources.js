import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './lib.js';

// The www/ files each screenshot shows (name without the -size.png):
// a change to one of them makes that picture stale, and only that one.
const SHELL = ['index.html', 'css/app.css', 'js/app.js', 'js/dom.js', 'js/proto.js', 'js/idle.js',
  'js/i18n.js'];
const DASH = [...SHELL, 'js/dashboard.js', 'js/chart.js', 'js/alarms.js'];

export const SOURCES = {
  'signin': SHELL,
  'signin-error': SHELL,
  'recovery': SHELL,
  'dashboard': DASH,
  'device-range': DASH,
  'pc-quiet': DASH,
  'dashboard-es': [...DASH, 'i18n/es.js'],
  'idle-warning': DASH,
  'idle-signed-out': SHELL,
  'commands': [...SHELL, 'js/commands.js', 'js/words.js'],
  'admin': [...SHELL, 'js/admin.js', 'js/words.js'],
  'password-change': SHELL,
  'device-page': [...SHELL, 'js/device.js', 'js/dashboard.js', 'js/i18n.js', 'vendor/uPlot.esm.js'],
  'report': [...SHELL, 'js/reports.js', 'js/i18n.js'],
  'account': [...SHELL, 'js/account.js'],
};

// The hash of the files a screenshot shows, as SOURCES.json records it.
export function sourceHash(name) {
  const h = createHash('sha256');
  for (const f of SOURCES[name]) h.update(f + '\0').update(readFileSync(join(REPO, 'www', f)));
  return h.digest('hex');
}
