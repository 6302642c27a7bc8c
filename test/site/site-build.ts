/**
 * The browser test's site: built by scripts/docs/build.ts into artifacts/site-test/dist with the
 * base path `/normlab/` (so the test also covers sub-path deployments such as GitHub Pages), or
 * reused when that build is newer than everything it is made from.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const TEST_BASE = '/normlab/';
export const TEST_DIST = join(ROOT, 'artifacts', 'site-test', 'dist');
const IGNORED = new Set(['node_modules', 'cache', 'dist', '.git']);

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of readdirSync(path)) {
    if (IGNORED.has(name)) continue;
    latest = Math.max(latest, newest(join(path, name)));
  }
  return latest;
}

/** Build the test's copy of the site unless a fresh one exists; returns how it was obtained. */
export function ensureSite(): { reused: boolean; log: string } {
  const marker = join(TEST_DIST, 'normlab-build.json');
  if (existsSync(marker) && process.env.NORMLAB_SITE_REBUILD !== '1') {
    const built = JSON.parse(readFileSync(marker, 'utf8')) as { base: string };
    // Generated pages (docs/api, docs/notebooks, docs/public/generated) are rewritten by every
    // build, so they are newer than the marker's inputs only when someone rebuilt since.
    const anyBuild = process.env.NORMLAB_SITE_REUSE === '1';
    if (built.base === TEST_BASE && (anyBuild || statSync(marker).mtimeMs > newestSourceInput())) {
      return { reused: true, log: 'reused a fresh build' };
    }
  }
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'scripts', 'docs', 'build.ts'),
      '--notebooks',
      process.env.NORMLAB_DOCS_NOTEBOOKS ?? 'reuse',
      // The notebooks have their own tests; here a failing one must not hide the rest of the site.
      '--keep-going',
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, DOCS_BASE: TEST_BASE, DOCS_OUT_DIR: TEST_DIST },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const log = `${result.stdout}\n${result.stderr}`;
  if (result.status !== 0)
    throw new Error(`the site build failed (exit ${result.status}):\n${log.slice(-6000)}`);
  return { reused: false, log };
}

/** Inputs a human edits (not the generated folders, which every build rewrites). */
function newestSourceInput(): number {
  const generated = new Set(['api', 'notebooks', '.vitepress']);
  let latest = 0;
  const docs = join(ROOT, 'docs');
  for (const name of readdirSync(docs)) {
    if (generated.has(name)) continue;
    latest = Math.max(latest, newest(join(docs, name)));
  }
  for (const name of ['config.mts', 'theme', 'notebook-links.ts', 'env.d.ts']) {
    latest = Math.max(latest, newest(join(docs, '.vitepress', name)));
  }
  for (const p of [
    'lib',
    'notebooks',
    'artifacts/notebooks',
    'artifacts/study',
    'results',
    'scripts/docs',
    'typedoc.json',
  ]) {
    latest = Math.max(latest, newest(join(ROOT, p)));
  }
  return latest;
}
