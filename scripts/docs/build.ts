/**
 * `npm run docs:build`: the whole site, from notebooks to static files.
 *
 * 1. notebooks: each `notebooks/*.ipynb` needs an executed copy in `artifacts/notebooks/`; a copy
 *    newer than its notebook and than every file under `lib/` is reused, otherwise the notebook is
 *    executed with `scripts/execute_notebook.py` (nbclient + the project's tslab kernel);
 * 2. the executed notebooks become pages (`scripts/docs/notebook-to-page.ts` → `docs/notebooks/`,
 *    figure data in `docs/public/generated/`);
 * 3. the scorecard for the home page (`docs/public/generated/scorecard.json`), from the study's
 *    results when the library and a results file are there;
 * 4. the API reference: TypeDoc (`typedoc.json`) → `docs/api/` (warnings fail the build);
 * 5. `vitepress build docs` → `docs/.vitepress/dist/`.
 *
 * Usage: node --import tsx scripts/docs/build.ts [--notebooks fresh|reuse|skip] [--keep-going] [--no-site]
 *   fresh (default): execute notebooks whose executed copy is missing or stale;
 *   reuse: execute only missing ones, accept stale copies (with a warning);
 *   skip: execute nothing, convert whatever executed copies exist.
 *   --keep-going: a notebook that fails to execute still gets its page (outputs up to the error)
 *   and the build goes on, with a warning; by default the build stops.
 *   --no-site: stop before `vitepress build` (for `docs:dev`).
 * Environment: DOCS_BASE, the site's base path (default `/`); DOCS_OUT_DIR, the output folder
 * (default docs/.vitepress/dist).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { Command, Option } from 'commander';
import { convertAll } from './notebook-to-page';
import { writeScorecard } from './scorecard';

const ROOT = join(__dirname, '..', '..');
type NotebookPolicy = 'fresh' | 'reuse' | 'skip';

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestMtime(path) : stat.mtimeMs);
  }
  return newest;
}

function stage<T>(title: string, run: () => T): T {
  const start = Date.now();
  console.log(`[docs] ${title}`);
  const result = run();
  console.log(`[docs]   done in ${((Date.now() - start) / 1000).toFixed(1)} s`);
  return result;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    throw new Error(`${relative(ROOT, command) || command} ${args.join(' ')} failed (exit ${result.status})`);
  }
}

/** The executed copy of each notebook, executing the ones the policy asks for. */
export function executedNotebooks(
  policy: NotebookPolicy,
  keepGoing = false,
  failed: string[] = [],
): string[] {
  const sourceDir = join(ROOT, 'notebooks');
  const outDir = join(ROOT, 'artifacts', 'notebooks');
  const libMtime = newestMtime(join(ROOT, 'lib'));
  const sources = readdirSync(sourceDir)
    .filter((f) => f.endsWith('.ipynb'))
    .sort();
  const executed: string[] = [];
  for (const file of sources) {
    const source = join(sourceDir, file);
    const out = join(outDir, file);
    const exists = existsSync(out);
    const fresh = exists && statSync(out).mtimeMs > Math.max(statSync(source).mtimeMs, libMtime);
    if (fresh || (exists && policy !== 'fresh')) {
      if (!fresh) console.log(`[docs]   ${file}: reusing a stale executed copy (--notebooks ${policy})`);
      else console.log(`[docs]   ${file}: executed copy is up to date`);
      executed.push(out);
      continue;
    }
    if (policy === 'skip') {
      console.log(`[docs]   ${file}: no executed copy, skipped (--notebooks skip)`);
      continue;
    }
    console.log(`[docs]   ${file}: executing (${exists ? 'stale' : 'no executed copy'})`);
    try {
      run(join(ROOT, '.venv', 'bin', 'python'), [
        join(ROOT, 'scripts', 'execute_notebook.py'),
        source,
        '--out',
        out,
      ]);
    } catch (error) {
      if (!keepGoing || !existsSync(out)) throw error;
      // Keep the partly executed copy for its page, but date it so it is never taken as fresh.
      utimesSync(out, 0, 0);
      failed.push(file);
      console.log(`[docs]   ${file}: FAILED; its page shows the outputs up to the error (--keep-going)`);
    }
    executed.push(out);
  }
  return executed;
}

interface BuildOptions {
  notebooks: NotebookPolicy;
  keepGoing: boolean;
  site: boolean;
}

/** The command line (see the header); a bad value is an error naming the option and its choices. */
function parseOptions(): BuildOptions {
  return new Command()
    .name('docs:build')
    .description('build the site: notebooks, their pages, the scorecard, the API reference, vitepress')
    .addOption(
      new Option('--notebooks <policy>', 'which notebooks to execute (see the file header)')
        .choices(['fresh', 'reuse', 'skip'])
        .default('fresh'),
    )
    .option('--keep-going', 'a notebook that fails still gets its page; the build goes on', false)
    .option('--no-site', 'stop before vitepress build')
    .showHelpAfterError()
    .parse()
    .opts<BuildOptions>();
}

function main(): void {
  const started = Date.now();
  const { notebooks: policy, keepGoing, site } = parseOptions();
  const failed: string[] = [];
  const executed = stage(`notebooks (policy: ${policy})`, () => executedNotebooks(policy, keepGoing, failed));
  stage('notebook pages', () => {
    for (const n of convertAll(executed)) {
      console.log(`[docs]   ${basename(n.page)}: ${n.outputs} outputs, ${n.figures} charts`);
    }
  });
  stage('scorecard', () => {
    try {
      console.log(`[docs]   ${writeScorecard()}`);
    } catch (error) {
      console.log(
        `[docs]   WARNING: no scorecard, the results could not be read: ${(error as Error).message}`,
      );
    }
  });
  stage('API reference (typedoc)', () => run(join(ROOT, 'node_modules', '.bin', 'typedoc'), []));
  if (!site) return;
  const outDir = process.env.DOCS_OUT_DIR ?? join(ROOT, 'docs', '.vitepress', 'dist');
  stage(`site (vitepress build, base ${process.env.DOCS_BASE ?? '/'})`, () =>
    run(join(ROOT, 'node_modules', '.bin', 'vitepress'), ['build', 'docs']),
  );
  const marker = {
    base: process.env.DOCS_BASE ?? '/',
    builtAt: new Date().toISOString(),
    notebooks: executed.length,
  };
  writeFileSync(join(outDir, 'normlab-build.json'), `${JSON.stringify(marker, null, 2)}\n`);
  if (failed.length) console.log(`[docs] WARNING: these notebooks failed to execute: ${failed.join(', ')}`);
  console.log(
    `[docs] built ${relative(ROOT, outDir)} in ${((Date.now() - started) / 1000).toFixed(0)} s; serve it with npm run docs:preview`,
  );
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`[docs] ${(error as Error).message}`);
    process.exit(1);
  }
}
