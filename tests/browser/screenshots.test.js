// The pictures in docs/screenshots are not stale: each was written by
// `make screenshots` from the www/ files it shows as they are now. Only a
// picture whose own files changed is named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, SHOTS } from './lib.js';
import { SOURCES, sourceHash } from './shots-sources.js';

test('the screenshots in docs/screenshots show the portal as it is', () => {
  const recorded = JSON.parse(readFileSync(join(SHOTS, 'SOURCES.json'), 'utf8'));
  const stale = [];
  for (const name of Object.keys(SOURCES)) {
    if (recorded[name] !== sourceHash(name)) stale.push(name);
  }
  assert.deepEqual(stale, [], `stale screenshots (run make screenshots): ${stale.join(', ')}`);
});

test('every screenshot the README shows exists', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const shown = [...readme.matchAll(/docs\/screenshots\/([a-z-]+\.png)/g)].map((m) => m[1]);
  assert.ok(shown.length >= 6);
  for (const png of shown) assert.ok(existsSync(join(SHOTS, png)), png);
});
