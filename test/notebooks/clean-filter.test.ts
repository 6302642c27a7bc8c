/**
 * Running a notebook in JupyterLab saves its outputs into the tracked .ipynb. The git clean filter
 * that setup installs (scripts/notebooks.py install-filter, .gitattributes) keeps the repository
 * clean anyway: `git status`/`git diff` show nothing and the notebook check of `npm run check`
 * passes. Without the filter, the same file is a change and the check fails.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
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
  mkdirSync(join(dir, '.venv', 'bin'), { recursive: true });
  for (const f of [NOTEBOOK, 'scripts/notebooks.py', '.gitattributes'])
    copyFileSync(join(ROOT, f), join(dir, f));
  // The clone's own environment, as setup makes it (the filter runs .venv/bin/python).
  execFileSync('ln', ['-s', PYTHON, join(dir, '.venv', 'bin', 'python')]);
  writeFileSync(join(dir, '.gitignore'), '.venv/\n');
  git('init', '-q');
  git('config', 'user.email', 'test@example.org');
  git('config', 'user.name', 'test');
  assert.match(
    execFileSync(PYTHON, ['scripts/notebooks.py', 'install-filter'], { cwd: dir, encoding: 'utf8' }),
    /installed/,
  );
  assert.equal(
    git('config', '--get', 'filter.normlab-notebook.clean').trim(),
    '.venv/bin/python scripts/notebooks.py clean',
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
  git('config', '--unset', 'filter.normlab-notebook.clean');
  git('config', '--unset', 'filter.normlab-notebook.smudge');
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
  assert.match(withoutFilter.stderr, /has outputs, execution counts or run metadata/);
});

test('notebooks.py clean is the identity on every committed notebook and strips an executed one', () => {
  for (const name of ['00-setup-check', '01-batch-norm-step-by-step', '05-claims-scorecard']) {
    const text = readFileSync(join(ROOT, 'notebooks', `${name}.ipynb`), 'utf8');
    const out = execFileSync(PYTHON, [join(ROOT, 'scripts', 'notebooks.py'), 'clean'], {
      input: text,
      encoding: 'utf8',
    });
    assert.equal(out, text, `${name} passes through unchanged`);
    const stripped = execFileSync(PYTHON, [join(ROOT, 'scripts', 'notebooks.py'), 'clean'], {
      input: executed(text),
      encoding: 'utf8',
    });
    assert.equal(stripped, text, `${name} run and cleaned is the committed file again`);
  }
});
