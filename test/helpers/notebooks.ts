/**
 * Test helper: execute a notebook through nbclient with the real tslab kernel of the project's
 * venv (scripts/execute_notebook.py) and return what it produced.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** One Plotly figure a notebook displayed. */
export interface NotebookFigure {
  cell: number;
  traces: number;
  tracesWithData: number;
  title?: string | null;
}

/** What executing a notebook produced (see scripts/execute_notebook.py). */
export interface NotebookRun {
  errors: { cell: number; ename: string; evalue: string }[];
  stderr: { cell: number; text: string }[];
  figures: NotebookFigure[];
  mimeTypes: string[];
  codeCells: number;
  executed: string;
  failed: string | null;
}

const root = join(__dirname, '..', '..');

/** Execute `notebooks/<name>` headlessly; the executed copy goes to artifacts/notebooks/. */
export function executeNotebook(name: string, timeoutSeconds = 600): NotebookRun {
  const result = spawnSync(
    join(root, '.venv', 'bin', 'python'),
    [
      join(root, 'scripts', 'execute_notebook.py'),
      join(root, 'notebooks', name),
      '--timeout',
      String(timeoutSeconds),
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const line = result.stdout.trim().split('\n').pop() ?? '';
  if (!line.startsWith('{')) {
    throw new Error(`executing ${name} printed no summary (exit ${result.status}):\n${result.stderr}`);
  }
  return JSON.parse(line) as NotebookRun;
}
