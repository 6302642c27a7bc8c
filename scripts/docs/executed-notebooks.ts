/**
 * The site build's first stage: an executed copy of every notebook in `artifacts/notebooks/`,
 * executing only the ones whose copy is missing or out of date.
 *
 * A copy is up to date when it was made from the notebook's current cells and the current
 * library: the build records a fingerprint of both (hashes of the cells' sources and of every file
 * under `lib/`) in `artifacts/notebooks/fingerprints.json`. Outputs, execution counts and metadata
 * are not part of it, so running and saving a notebook in JupyterLab does not make it stale, and
 * neither does touching a file without changing it.
 *
 * Execution runs `scripts/execute_notebook.py` (nbclient + the project's tslab kernel) with its
 * output captured: the build prints one line per notebook and the problems (cells that raised or
 * wrote to stderr, a failed run with the end of its log), never the kernel's TensorFlow log lines
 * or the executor's JSON summary.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';

/** fresh: execute missing and out-of-date copies; reuse: only missing ones; skip: none. */
export type NotebookPolicy = 'fresh' | 'reuse' | 'skip';

/** The policies, for messages. */
export const NOTEBOOK_POLICIES: readonly NotebookPolicy[] = ['fresh', 'reuse', 'skip'];

/** Where the notebooks, their executed copies and the library are, and how to report. */
export interface ExecutedNotebooksOptions {
  /** Which notebooks to execute. */
  policy: NotebookPolicy;
  /** A notebook that fails keeps its partly executed copy (outputs up to the error). Default false. */
  keepGoing?: boolean;
  /** Names of the notebooks that failed (with `keepGoing`) are pushed here. */
  failed?: string[];
  /** The project root: its `.venv` and `scripts/execute_notebook.py` run the notebooks. */
  root: string;
  /** Default `<root>/notebooks`. */
  notebooksDir?: string;
  /** Default `<root>/artifacts/notebooks`. */
  outDir?: string;
  /** Default `<root>/lib`. */
  libDir?: string;
  /** Where progress and problems go. Default `console.log`. */
  log?: (line: string) => void;
}

/** What `scripts/execute_notebook.py` prints as its last line. */
interface ExecutionSummary {
  errors: { cell: number; ename: string; evalue: string }[];
  stderr: { cell: number; text: string }[];
  figures: unknown[];
  failed: string | null;
}

const FINGERPRINTS = 'fingerprints.json';

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A hash of every file under `dir` (paths and contents, in a fixed order). */
export function treeHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (at: string): void => {
    if (!existsSync(at)) return;
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else
        hash
          .update(`${relative(dir, path)}\0`)
          .update(readFileSync(path))
          .update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/** A hash of a notebook's cells as written (type and source), without outputs or metadata. */
export function cellsHash(notebookPath: string): string {
  const nb = JSON.parse(readFileSync(notebookPath, 'utf8')) as {
    cells: { cell_type: string; source: string | string[] }[];
  };
  const cells = nb.cells.map((c) => [c.cell_type, Array.isArray(c.source) ? c.source.join('') : c.source]);
  return sha256(JSON.stringify(cells));
}

function readFingerprints(outDir: string): Record<string, string> {
  const file = join(outDir, FINGERPRINTS);
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

function writeFingerprint(outDir: string, file: string, fingerprint: string | null): void {
  const all = readFingerprints(outDir);
  if (fingerprint === null) delete all[file];
  else all[file] = fingerprint;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, FINGERPRINTS), `${JSON.stringify(all, null, 2)}\n`);
}

/** The first line of a text, shortened. */
function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/**
 * Run one notebook with its output captured; returns whether it succeeded, after logging one line
 * and any problems.
 */
function execute(options: ExecutedNotebooksOptions, source: string, out: string, file: string): boolean {
  const log = options.log ?? console.log;
  const started = Date.now();
  const result = spawnSync(
    join(options.root, '.venv', 'bin', 'python'),
    [join(options.root, 'scripts', 'execute_notebook.py'), source, '--out', out],
    { cwd: options.root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const last = (result.stdout ?? '').trim().split('\n').pop() ?? '';
  let summary: ExecutionSummary | null = null;
  try {
    summary = last.startsWith('{') ? (JSON.parse(last) as ExecutionSummary) : null;
  } catch {
    summary = null;
  }
  const ok = result.status === 0 && summary !== null && summary.failed === null;
  if (ok && summary) {
    log(`[docs]   ${file}: executed in ${seconds} s (${summary.figures.length} charts)`);
  } else {
    log(`[docs]   ${file}: FAILED after ${seconds} s (exit ${result.status ?? result.signal})`);
  }
  for (const e of summary?.errors ?? [])
    log(`[docs]     cell ${e.cell} raised ${e.ename}: ${firstLine(e.evalue)}`);
  for (const s of summary?.stderr ?? [])
    log(`[docs]     cell ${s.cell} wrote to stderr: ${firstLine(s.text)}`);
  if (!ok) {
    // The executor's own account of the failure, else the end of what it printed.
    const detail = summary?.failed ?? `${result.stderr ?? ''}\n${result.error?.message ?? ''}`;
    const tail = detail.trim().split('\n').slice(-30);
    for (const line of tail) log(`[docs]     | ${line}`);
  }
  return ok;
}

/**
 * The executed copy of each notebook (sorted by name), executing those the policy asks for.
 *
 * @throws when a notebook fails to execute, unless `keepGoing` (then its partly executed copy is
 *   used, dated so that it is never taken as up to date, and its name goes to `failed`).
 */
export function executedNotebooks(options: ExecutedNotebooksOptions): string[] {
  const log = options.log ?? console.log;
  const sourceDir = options.notebooksDir ?? join(options.root, 'notebooks');
  const outDir = options.outDir ?? join(options.root, 'artifacts', 'notebooks');
  const libHash = treeHash(options.libDir ?? join(options.root, 'lib'));
  const recorded = readFingerprints(outDir);
  const sources = readdirSync(sourceDir)
    .filter((f) => f.endsWith('.ipynb'))
    .sort();
  const executed: string[] = [];
  for (const file of sources) {
    const source = join(sourceDir, file);
    const out = join(outDir, file);
    const exists = existsSync(out);
    const fingerprint = sha256(`${cellsHash(source)}:${libHash}`);
    const fresh = exists && recorded[file] === fingerprint;
    if (fresh || (exists && options.policy !== 'fresh')) {
      if (fresh) log(`[docs]   ${file}: executed copy is up to date`);
      else log(`[docs]   ${file}: reusing an out-of-date executed copy (--notebooks ${options.policy})`);
      executed.push(out);
      continue;
    }
    if (options.policy === 'skip') {
      log(`[docs]   ${file}: no executed copy, skipped (--notebooks skip)`);
      continue;
    }
    const why = !exists
      ? 'no executed copy'
      : recorded[file] === undefined
        ? 'not made by this build'
        : 'its cells or the library changed';
    log(`[docs]   ${file}: executing (${why})`);
    if (execute(options, source, out, file)) {
      writeFingerprint(outDir, file, fingerprint);
    } else {
      writeFingerprint(outDir, file, null);
      if (!options.keepGoing || !existsSync(out)) throw new Error(`${file} failed to execute`);
      // Keep the partly executed copy for its page; it has no fingerprint, so it is never fresh.
      utimesSync(out, 0, 0);
      options.failed?.push(file);
      log(`[docs]   ${file}: its page shows the outputs up to the error (--keep-going)`);
    }
    executed.push(out);
  }
  return executed;
}
