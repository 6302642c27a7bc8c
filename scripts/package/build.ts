/**
 * `npm run build`: the installable package in dist/.
 *
 * 1. lib/ → CommonJS JavaScript in dist/cjs and .d.ts declarations in dist/types (TypeScript,
 *    scripts/package/tsconfig.build.json);
 * 2. one ES-module wrapper per entry point in dist/esm (`import` of the CommonJS module, then its
 *    runtime names as named exports), so `import { normLayer } from 'normlab'` and
 *    `require('normlab')` load the same module instance (one layer registry, one `instanceof`).
 *
 * The entry points are listed in scripts/package/entry-points.ts; package.json's `exports` maps
 * them. Usage: `node --import tsx scripts/package/build.ts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { exportedNames, PACKAGE_ENTRIES } from './entry-points';

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist');

function log(message: string): void {
  console.log(`[build] ${message}`);
}

/** The ES-module wrapper of a CommonJS entry module exporting `names`. */
function esmWrapper(cjsFromEsm: string, names: readonly string[]): string {
  return [
    '// ES-module entry: the CommonJS build, re-exported by name (one module instance for import and require).',
    `import cjs from '${cjsFromEsm}';`,
    '',
    `export const {\n${names.map((n) => `  ${n},`).join('\n')}\n} = cjs;`,
    '',
  ].join('\n');
}

function main(): void {
  const staging = join(ROOT, 'dist.tmp');
  rmSync(staging, { recursive: true, force: true });
  log('TypeScript: lib/ → dist/cjs (CommonJS) + dist/types (.d.ts)');
  const tsc = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      join(ROOT, 'scripts', 'package', 'tsconfig.build.json'),
      '--outDir',
      join(staging, 'cjs'),
      '--declarationDir',
      join(staging, 'types'),
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (tsc.status !== 0) throw new Error(`tsc failed (exit ${tsc.status})`);
  for (const entry of PACKAGE_ENTRIES) {
    const { values } = exportedNames(join(ROOT, entry.source));
    if (values.length === 0) throw new Error(`${entry.source} exports no runtime value`);
    const esm = join(staging, relative('dist', entry.esm));
    const cjs = join(staging, relative('dist', entry.cjs));
    mkdirSync(dirname(esm), { recursive: true });
    let specifier = relative(dirname(esm), cjs);
    if (!specifier.startsWith('.')) specifier = `./${specifier}`;
    writeFileSync(esm, esmWrapper(specifier, values));
    log(`${entry.importName}: ${entry.esm} (${values.length} runtime names) → ${entry.cjs}`);
  }
  // Replace dist/ only once everything built.
  rmSync(DIST, { recursive: true, force: true });
  renameSync(staging, DIST);
  log('done: dist/');
}

main();
