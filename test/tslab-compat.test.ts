/**
 * Guards the module layout that tslab needs: notebooks' kernels compile lib/ with tslab's own
 * TypeScript (5.0.4, ESNext modules, Node10 resolution, declarations on) and cannot resolve folder
 * imports or files outside the kernel's working directory (the project root).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..');

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, ext);
    return name.endsWith(ext) ? [path] : [];
  });
}

test("lib/ compiles under tslab's own TypeScript with tslab's options", () => {
  const tsc = join(root, 'node_modules', '@tslab', 'typescript-for-tslab', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.tslab.json')], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, `tslab's compiler rejected lib/:\n${result.stdout}${result.stderr}`);
});

test('relative imports in lib/ name files, not folders (tslab cannot resolve folder imports)', () => {
  const offenders: string[] = [];
  for (const file of files(join(root, 'lib'), '.ts')) {
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/from\s+'(\.{1,2}\/[^']*)'/g)) {
      const target = join(file, '..', m[1]);
      let isDir = false;
      try {
        isDir = statSync(target).isDirectory();
      } catch {
        // not a folder: a file import (resolved with .ts by the compiler check above)
      }
      if (isDir) offenders.push(`${file}: '${m[1]}'`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('notebooks import the library by file from the project root', () => {
  for (const file of files(join(root, 'notebooks'), '.ipynb')) {
    const nb = JSON.parse(readFileSync(file, 'utf8')) as {
      cells: { cell_type: string; source: string | string[] }[];
    };
    const code = nb.cells
      .filter((c) => c.cell_type === 'code')
      .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source))
      .join('\n');
    for (const m of code.matchAll(/from\s+'(\.{1,2}\/[^']*)'/g)) {
      assert.ok(m[1].startsWith('./lib/'), `${file} imports '${m[1]}': notebooks run in the project root`);
      const target = join(root, m[1]);
      let isDir = false;
      try {
        isDir = statSync(target).isDirectory();
      } catch {
        // a file import: './lib/index' resolves to lib/index.ts
      }
      assert.ok(!isDir, `${file}: '${m[1]}' is a folder; name the file`);
    }
  }
});
