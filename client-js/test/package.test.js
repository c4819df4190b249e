// The package itself: its source map, its type declarations and what `npm pack` puts in it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as parley from '../parley.js';

const read = (name) => readFileSync(new URL(`../${name}`, import.meta.url), 'utf8');

test('the source map maps every line of parley.js to itself', () => {
  const source = read('parley.js');
  const map = JSON.parse(read('parley.js.map'));
  assert.equal(map.version, 3);
  assert.equal(map.file, 'parley.js');
  assert.deepEqual(map.sources, ['parley.js']);
  const lines = map.mappings.split(';');
  assert.equal(lines[0], 'AAAA');
  assert.ok(lines.slice(1).every((segment) => segment === 'AACA'), 'each line one below the previous one');
  assert.ok(source.split('\n').length <= lines.length,
    `parley.js has more lines than the map covers (${lines.length}): make the map longer`);
  assert.match(source, /\n\/\/# sourceMappingURL=parley\.js\.map\n$/);
});

test('the type declarations declare every export', () => {
  const declarations = read('parley.d.ts');
  for (const name of Object.keys(parley)) {
    assert.match(declarations, new RegExp(`export (declare )?(const|class|function) ${name}\\b`), name);
  }
});

test('npm pack ships the module, its map, its types and the README', (t) => {
  let listing;
  try {
    listing = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: new URL('..', import.meta.url), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (error) {
    if (error.code === 'ENOENT') {
      t.skip('npm is not installed');
      return;
    }
    throw error;
  }
  const [packed] = JSON.parse(listing);
  assert.deepEqual(packed.files.map((file) => file.path).sort(),
    ['README.md', 'package.json', 'parley.d.ts', 'parley.js', 'parley.js.map']);
});
