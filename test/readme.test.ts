/**
 * The README is for users: short, without run history (commit hashes, issue numbers: those live in
 * the provenance files), every file it names exists, and CI runs exactly its test command.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { currentReadmeBlock, expectedReadmeBlock, README_RESULTS } from '../scripts/docs/readme-scorecard';

const ROOT = join(__dirname, '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

test('the README is at most 250 lines and carries no commit hashes or issue numbers', () => {
  const lines = readme.split('\n').length - (readme.endsWith('\n') ? 1 : 0);
  assert.ok(lines <= 250, `README.md has ${lines} lines`);
  const hashes = readme.match(/\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}\b/g) ?? [];
  assert.deepEqual(hashes, [], 'no commit hashes');
  assert.deepEqual(readme.match(/\bissues? #?\d+|#\d{1,4}\b/gi) ?? [], [], 'no issue numbers');
});

test('every repository path the README names in backticks exists', () => {
  const named = [
    ...readme.matchAll(/`((?:lib|docs|bench|scripts|test|results|notebooks|deploy)\/[^`\s*<]+)`/g),
  ].map((m) => m[1]);
  assert.ok(named.length > 10, `the README names files (${named.length})`);
  // The built site is made by npm run docs:build, not committed.
  const sources = named.filter((p) => !p.startsWith('docs/.vitepress/dist'));
  const missing = sources.filter((p) => !existsSync(join(ROOT, p.replace(/\/$/, ''))));
  assert.deepEqual(missing, [], 'paths named in README.md that do not exist');
});

test("CI runs exactly the README's test command, and the README's commands are package scripts", () => {
  const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
  const commands = ci.split('\n').filter((l) => l.trim() && !l.startsWith('#') && !/^(set|cd) /.test(l));
  assert.deepEqual(commands, ['npm test']);
  assert.match(readme, /^npm test\s+#/m);
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<
    string,
    string
  >;
  for (const m of readme.matchAll(/^npm (?:run )?([\w:-]+)/gm)) {
    const name = m[1];
    if (name === 'pack') continue; // npm's own command
    assert.ok(name in scripts, `npm ${name} is a script of package.json`);
  }
});

test('the verdict table is the one the committed full study generates', {
  skip: existsSync(join(ROOT, README_RESULTS)) ? false : `${README_RESULTS} is not in this copy`,
}, () => {
  const current = currentReadmeBlock(readme);
  assert.ok(current, 'README.md has the generated verdict block between its markers');
  assert.equal(
    current,
    expectedReadmeBlock(),
    'stale verdict table: run node --import tsx scripts/docs/readme-scorecard.ts',
  );
});
