// The package itself: its modules, its type declarations and what `npm pack` puts in it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

import * as parley from '../parley.js';

const read = (name) => readFileSync(new URL(`../${name}`, import.meta.url), 'utf8');

test('parley.js and its modules import only each other, by relative paths that exist', () => {
  // relative specifiers resolve the same on disk (Node) and under the server's URLs (/parley.js, /parley/…)
  const files = ['parley.js', ...readdirSync(new URL('../parley/', import.meta.url)).map((name) => `parley/${name}`)];
  for (const file of files) {
    const source = read(file);
    const specifiers = [...source.matchAll(/^(?:import [^;]*?|export \{[^}]*\}) from '([^']+)';$/gm)].map((match) => match[1]);
    const statements = source.match(/^(?:import |export \{[^}]*\} from )/gm) ?? [];
    assert.equal(specifiers.length, statements.length, `${file}: every import understood`);
    for (const specifier of specifiers) {
      assert.match(specifier, /^\.\.?\/[\w/.-]+\.js$/, `${file} imports ${specifier}`);
      const target = new URL(specifier, new URL(`../${file}`, import.meta.url));
      assert.ok(existsSync(target), `${file} imports ${specifier}, which does not exist`);
      assert.ok(target.pathname.startsWith(new URL('../', import.meta.url).pathname), `${file} imports outside the package`);
    }
    assert.ok(source.split('\n').length <= 400, `${file} has more than 400 lines`);
    assert.doesNotMatch(source, /sourceMappingURL/, `${file} points to a source map: the files are served as written`);
  }
});

test('the type declarations declare every export', () => {
  const declarations = read('parley.d.ts');
  for (const name of Object.keys(parley)) {
    assert.match(declarations, new RegExp(`export (declare )?(const|class|function) ${name}\\b`), name);
  }
});

test('npm pack ships the entry point, its modules, its types and the README', (t) => {
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
  const modules = readdirSync(new URL('../parley/', import.meta.url)).map((name) => `parley/${name}`);
  assert.ok(modules.length > 1, 'the modules');
  assert.deepEqual(packed.files.map((file) => file.path).sort(),
    ['README.md', 'package.json', 'parley.d.ts', 'parley.js', ...modules].sort());
});
