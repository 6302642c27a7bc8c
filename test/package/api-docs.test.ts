/**
 * The API reference's source check, without building the site: TypeDoc (typedoc.json, the two
 * entry points) runs with `--emit none` and must report no warning. Its validation fails when a
 * public signature mentions a type the entry points do not export, when a doc comment links to a
 * name users cannot import, or when an export lacks documentation, so a name added to the public
 * API without its types or docs fails here, in seconds, instead of in the site build.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..');

test('TypeDoc validates both entry points without a warning', () => {
  const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'typedoc'), ['--emit', 'none'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  const output = `${result.stdout}${result.stderr}`;
  const problems = output.split('\n').filter((line) => /\[(warning|error)\]/.test(line));
  assert.deepEqual(problems, [], 'TypeDoc reports nothing');
  assert.equal(result.status, 0, output);
});
