/**
 * Running a notebook in JupyterLab saves its outputs into the tracked .ipynb. The git clean filter
 * that setup installs (nbstripout with the project's options: scripts/notebooks.py install-filter,
 * .gitattributes) keeps the repository clean anyway: `git status`/`git diff` show nothing and the
 * notebook check of `npm run check` passes. Without the filter, the same file is a change and the
 * check fails.
 */
import assert from 'node:assert/strict';
import { execFileSync, execSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const PYTHON = join(ROOT, '.venv', 'bin', 'python');
const NOTEBOOK = 'notebooks/04-comparative-study.ipynb';
const dir = mkdtempSync(join(tmpdir(), 'normlab-nbfilter-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
const check = () =>
  spawnSync(PYTHON, ['scripts/notebooks.py', 'check', NOTEBOOK], { cwd: dir, encoding: 'utf8' });

/** The notebook as JupyterLab saves it after a run: outputs, counts, timings, the kernel's language info. */
function executed(clean: string): string {
  const nb = JSON.parse(clean);
  nb.metadata.language_info = { ...nb.metadata.language_info, version: '3.7.2', mimetype: 'text/typescript' };
  let count = 0;
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'code') continue;
    count += 1;
    cell.execution_count = count;
    cell.metadata.execution = { 'iopub.status.busy': '2026-11-26T12:00:00.000Z' };
    cell.outputs = [{ output_type: 'stream', name: 'stdout', text: [`output of cell ${count}\n`] }];
  }
  return `${JSON.stringify(nb, null, 1)}\n`;
}

test('the clean filter keeps a run notebook out of git status, git diff and the notebook check', () => {
  mkdirSync(join(dir, 'notebooks'));
  mkdirSync(join(dir, 'scripts'));
  for (const f of [NOTEBOOK, 'scripts/notebooks.py', '.gitattributes'])
    copyFileSync(join(ROOT, f), join(dir, f));
  // The clone's own environment, as setup makes it (the filter runs .venv/bin/python -m nbstripout).
  execFileSync('ln', ['-s', join(ROOT, '.venv'), join(dir, '.venv')]);
  writeFileSync(join(dir, '.gitignore'), '.venv\n');
  git('init', '-q');
  git('config', 'user.email', 'test@example.org');
  git('config', 'user.name', 'test');
  // A clone set up before nbstripout has the hand-written filter's config: installing removes it.
  git('config', 'filter.normlab-notebook.clean', '.venv/bin/python scripts/notebooks.py clean');
  assert.match(
    execFileSync(PYTHON, ['scripts/notebooks.py', 'install-filter'], { cwd: dir, encoding: 'utf8' }),
    /installed/,
  );
  const command = git('config', '--get', 'filter.nbstripout.clean').trim();
  assert.match(
    command,
    /^\.venv\/bin\/python -m nbstripout --keep-id --extra-keys '[^']*metadata\.language_info\.version/,
  );
  assert.equal(git('config', '--get-regexp', '^filter\\.').split('\n').filter(Boolean).length, 2);
  assert.match(git('check-attr', 'filter', '--', NOTEBOOK), /: filter: nbstripout$/m);
  assert.match(
    execFileSync(PYTHON, ['scripts/notebooks.py', 'install-filter'], { cwd: dir, encoding: 'utf8' }),
    /already installed/,
  );
  git('add', '.');
  git('commit', '-q', '-m', 'clean notebooks');
  const clean = readFileSync(join(dir, NOTEBOOK), 'utf8');
  assert.equal(git('status', '--porcelain'), '', 'the committed notebook passes the filter unchanged');

  writeFileSync(join(dir, NOTEBOOK), executed(clean));
  assert.equal(git('diff'), '', 'a run notebook is no change to git diff');
  git('add', NOTEBOOK);
  // (Before it is staged, `git status` may list it: git trusts a changed file size without
  // rereading the file through the filter. Staging stores nothing new.)
  assert.equal(git('status', '--porcelain'), '', 'staging it changes nothing');
  assert.equal(git('show', `:${NOTEBOOK}`), clean, 'the index holds the clean form');
  git('commit', '-q', '--allow-empty', '-m', 'after a run');
  assert.equal(git('show', '--stat', '--format=', 'HEAD'), '', 'committing after a run commits nothing');
  const withFilter = check();
  assert.equal(withFilter.status, 0, withFilter.stderr);
  assert.match(readFileSync(join(dir, NOTEBOOK), 'utf8'), /output of cell 1/, 'the reader keeps the outputs');

  // Without the filter the same file is a change and the check fails: what the filter prevents.
  git('config', '--remove-section', 'filter.nbstripout');
  // A later modification time makes git reread the file (now without a filter).
  const later = new Date(Date.now() + 5000);
  utimesSync(join(dir, NOTEBOOK), later, later);
  assert.match(
    git('diff', '--stat'),
    /04-comparative-study\.ipynb/,
    'without the filter, the outputs are a change',
  );
  const withoutFilter = check();
  assert.notEqual(withoutFilter.status, 0);
  assert.match(withoutFilter.stderr, /04-comparative-study\.ipynb: has outputs, execution counts/);
  assert.match(
    withoutFilter.stderr,
    /\+\s+"execution_count": null,/,
    'the check shows the first differences',
  );
});

test('the filter is the identity on every committed notebook and strips an executed one', () => {
  // The command install-filter configures, run as git runs it: through the shell, from the top.
  const repo = mkdtempSync(join(tmpdir(), 'normlab-nbfilter-cmd-'));
  execFileSync('git', ['init', '-q'], { cwd: repo });
  mkdirSync(join(repo, 'scripts'));
  copyFileSync(join(ROOT, 'scripts', 'notebooks.py'), join(repo, 'scripts', 'notebooks.py'));
  execFileSync(PYTHON, ['scripts/notebooks.py', 'install-filter'], { cwd: repo, encoding: 'utf8' });
  const command = execFileSync('git', ['config', '--get', 'filter.nbstripout.clean'], {
    cwd: repo,
    encoding: 'utf8',
  }).trim();
  rmSync(repo, { recursive: true, force: true });
  const clean = (input: string): string =>
    execSync(command, {
      cwd: ROOT,
      input,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'ignore'],
    });
  const notebooks = readdirSync(join(ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb'));
  assert.ok(notebooks.length >= 7);
  for (const name of notebooks) {
    const text = readFileSync(join(ROOT, 'notebooks', name), 'utf8');
    assert.equal(clean(text), text, `${name} passes through unchanged`);
    assert.equal(clean(executed(text)), text, `${name} run and cleaned is the committed file again`);
    assert.ok(
      JSON.parse(text).cells.every((c: { id?: string }) => typeof c.id === 'string'),
      `every cell of ${name} has an id (the filter would give it a random one at each commit)`,
    );
  }
});
