/**
 * `npm run docs:build`: the whole site, from notebooks to static files.
 *
 * 1. notebooks: each `notebooks/*.ipynb` needs an executed copy in `artifacts/notebooks/`; a copy
 *    made from the notebook's current cells and the current `lib/` is reused (running a notebook
 *    in JupyterLab changes neither), otherwise the notebook is executed with
 *    `scripts/execute_notebook.py` (nbclient + the project's tslab kernel), its output captured
 *    (scripts/docs/executed-notebooks.ts);
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
 * Output: the stages, one line per notebook and page, and problems (a notebook cell that raised or
 * wrote to stderr, a tool's warnings, the end of a failing tool's output); tools' own progress and
 * the kernel's TensorFlow log lines are not shown.
 * Environment: DOCS_BASE, the site's base path (default `/`); DOCS_OUT_DIR, the output folder
 * (default docs/.vitepress/dist).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { Command, Option } from 'commander';
import { executedNotebooks, NOTEBOOK_POLICIES, type NotebookPolicy } from './executed-notebooks';
import { convertAll } from './notebook-to-page';
import { writeScorecard } from './scorecard';

const ROOT = join(__dirname, '..', '..');

function stage<T>(title: string, run: () => T): T {
  const start = Date.now();
  console.log(`[docs] ${title}`);
  const result = run();
  console.log(`[docs]   done in ${((Date.now() - start) / 1000).toFixed(1)} s`);
  return result;
}

/**
 * Run a tool with its output captured: its warnings (lines that say so) are printed, the rest only
 * when it fails (with the end of its output), so the build's own lines stay readable.
 */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  // Terminal colour codes and spinner frames are noise once captured.
  const lines = stripVTControlCharacters(output)
    .split(/\r?\n|\r/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  const name = relative(ROOT, command) || command;
  if (result.status !== 0) {
    for (const line of lines.slice(-40)) console.log(`[docs]     | ${line}`);
    throw new Error(`${name} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
  }
  for (const line of lines.filter((l) => /\b(warn(ing)?|error)\b/i.test(l)))
    console.log(`[docs]     ${line.trim()}`);
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
        .choices([...NOTEBOOK_POLICIES])
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
  const executed = stage(`notebooks (policy: ${policy})`, () =>
    executedNotebooks({ policy, keepGoing, failed, root: ROOT }),
  );
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
