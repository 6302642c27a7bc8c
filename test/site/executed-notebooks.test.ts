/**
 * The site build's notebook stage (scripts/docs/executed-notebooks.ts) on a one-cell notebook that
 * loads the native backend, executed for real through the project's tslab kernel: the build prints
 * progress lines only (not TensorFlow's log lines, not the executor's JSON summary); a notebook run
 * and saved in JupyterLab (outputs, execution counts, a newer file) is not executed again, while a
 * changed cell or a changed library file makes its copy out of date.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { executedNotebooks } from '../../scripts/docs/executed-notebooks';

const ROOT = join(__dirname, '..', '..');

interface Cell {
  cell_type: string;
  execution_count: number | null;
  id: string;
  metadata: Record<string, unknown>;
  outputs: unknown[];
  source: string[];
}

function notebook(source: string[]): { cells: Cell[]; [key: string]: unknown } {
  return {
    cells: [{ cell_type: 'code', execution_count: null, id: 'c1', metadata: {}, outputs: [], source }],
    metadata: {
      kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
      language_info: { name: 'typescript' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

test('the notebook stage prints progress only, and a notebook saved in JupyterLab stays up to date', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normlab-nbstage-'));
  const notebooksDir = join(dir, 'notebooks');
  const outDir = join(dir, 'artifacts', 'notebooks');
  const libDir = join(dir, 'lib');
  mkdirSync(notebooksDir);
  mkdirSync(libDir);
  writeFileSync(join(libDir, 'index.ts'), 'export const answer = 42;\n');
  const source = join(notebooksDir, 'tiny.ipynb');
  // The native backend writes TensorFlow's start-up lines to the kernel's stderr.
  const cells = [
    "import * as tf from '@tensorflow/tfjs-node';\n",
    'console.log(JSON.stringify({ sum: tf.tensor([1, 2, 3]).sum().dataSync()[0] }));',
  ];
  writeFileSync(source, JSON.stringify(notebook(cells), null, 1));
  const run = (policy: 'fresh' | 'skip') => {
    const lines: string[] = [];
    const executed = executedNotebooks({
      policy,
      root: ROOT,
      notebooksDir,
      outDir,
      libDir,
      log: (line) => lines.push(line),
    });
    return { executed, lines };
  };

  const first = run('fresh');
  assert.deepEqual(first.executed, [join(outDir, 'tiny.ipynb')]);
  const outputs = JSON.stringify(
    JSON.parse(readFileSync(join(outDir, 'tiny.ipynb'), 'utf8')).cells[0].outputs,
  );
  assert.match(outputs, /\{\\"sum\\":6\}/, 'the notebook ran');
  assert.deepEqual(
    first.lines.map((l) => l.replace(/\d+ s/, 'N s')),
    ['[docs]   tiny.ipynb: executing (no executed copy)', '[docs]   tiny.ipynb: executed in N s (0 charts)'],
    'one line before and one after, nothing from TensorFlow or the executor',
  );

  // JupyterLab: the same cells, now with outputs and execution counts, saved later.
  const saved = notebook(cells);
  saved.cells[0].execution_count = 1;
  saved.cells[0].outputs = [{ output_type: 'stream', name: 'stdout', text: ['{"sum":6}\n'] }];
  saved.metadata = { ...(saved.metadata as object), widgets: {} };
  writeFileSync(source, JSON.stringify(saved, null, 1));
  const later = new Date(Date.now() + 60_000);
  utimesSync(source, later, later);
  assert.deepEqual(run('fresh').lines, ['[docs]   tiny.ipynb: executed copy is up to date']);

  // A changed cell, or a changed library file, makes the copy out of date ('skip' executes nothing).
  const edited = notebook([...cells, '\nconsole.log(1);']);
  writeFileSync(source, JSON.stringify(edited, null, 1));
  assert.deepEqual(run('skip').lines, [
    '[docs]   tiny.ipynb: reusing an out-of-date executed copy (--notebooks skip)',
  ]);
  writeFileSync(source, JSON.stringify(saved, null, 1));
  assert.deepEqual(run('skip').lines, ['[docs]   tiny.ipynb: executed copy is up to date']);
  cpSync(join(libDir, 'index.ts'), join(libDir, 'extra.ts'));
  assert.deepEqual(run('skip').lines, [
    '[docs]   tiny.ipynb: reusing an out-of-date executed copy (--notebooks skip)',
  ]);
});

test('a notebook that fails prints the error and the end of its log, and stops the stage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'normlab-nbstage-fail-'));
  const notebooksDir = join(dir, 'notebooks');
  mkdirSync(notebooksDir);
  writeFileSync(
    join(notebooksDir, 'broken.ipynb'),
    JSON.stringify(notebook(["throw new Error('no data here');"])),
  );
  const lines: string[] = [];
  assert.throws(
    () =>
      executedNotebooks({
        policy: 'fresh',
        root: ROOT,
        notebooksDir,
        outDir: join(dir, 'out'),
        libDir: join(dir, 'lib'),
        log: (line) => lines.push(line),
      }),
    /broken\.ipynb failed to execute/,
  );
  const text = lines.join('\n');
  assert.match(text, /broken\.ipynb: FAILED after \d+ s/);
  // tslab reports a thrown error on the cell's stderr; the executor's account ends the lines.
  assert.match(text, /cell 0 wrote to stderr/);
  assert.match(text, /Error: no data here/);
  assert.ok(
    lines.every((l) => l.startsWith('[docs]')),
    `every line is the build's own:\n${text}`,
  );
});
