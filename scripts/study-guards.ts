/**
 * The study CLI's guards: an `--out` it can write to (one sentence naming the option otherwise),
 * the exact command that resumes a study, and what Ctrl-C / SIGTERM do during a run (say what is
 * saved and how to resume, show the cursor again, exit 130 / 143).
 */
import { accessSync, constants, existsSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const REASONS: Record<string, string> = {
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
};

/**
 * Make sure the output directory exists (it is created) and can be written to.
 *
 * @throws one sentence naming `--out` when it is (below) a file or cannot be written to.
 */
export function checkOutDir(dir: string): void {
  const name = `--out ${dir}`;
  let existing = resolve(dir);
  while (!existsSync(existing)) existing = dirname(existing);
  if (!statSync(existing).isDirectory())
    throw new Error(
      `${name}: ${existing} is a file, not a directory; choose a directory (it is created if missing)`,
    );
  try {
    // The nearest existing directory says why (recursive mkdir reports EROFS as ENOENT).
    if (resolve(dir) !== existing) accessSync(existing, constants.W_OK);
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.normlab-write-test-${process.pid}`);
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new Error(
      `${name}: cannot write there (${REASONS[e.code ?? ''] ?? e.message}); choose a directory you can write to`,
    );
  }
}

/** One argument quoted for a POSIX shell (left bare when it needs no quotes). */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command line that reruns the study CLI with the same arguments (run it in the project root). */
export function studyCommand(args: readonly string[]): string {
  return ['node --import tsx scripts/study.ts', ...args.map(shellQuote)].join(' ');
}

/**
 * A file-system error in words: the reason for the common codes (`read-only file system`, `no
 * space left on the device`, ...), else the error's message.
 */
export function fsReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return REASONS[e.code ?? ''] ?? e.message;
}

/** Whether a file-system error means the place cannot be written to at all (not a passing failure). */
export function isNotWritable(error: unknown): boolean {
  return ['EROFS', 'EACCES', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '');
}

/** What is saved at a given moment, for the interrupt message. */
export interface SavedState {
  /** Runs already in the results file. */
  done: number;
  /** Runs of this invocation in total, when known. */
  total?: number;
  /** While still waiting for another study's lock: who holds it (pid and host, in words). */
  waitingFor?: string;
  /** The run being trained, if one is (its label). */
  current?: string;
}

/** The interrupt message: what is saved, what was going on, how to resume. */
export function interruptMessage(
  signal: string,
  resultsPath: string,
  state: SavedState,
  resume: string,
): string {
  const saved = `${state.done}${state.total === undefined ? '' : ` of ${state.total}`} runs are saved in ${resultsPath}`;
  const doing = state.waitingFor
    ? `this study was still waiting for the results file (in use by ${state.waitingFor}) and trained nothing`
    : state.current
      ? `the run in progress (${state.current}) did not finish and will be trained again`
      : 'no run was in progress';
  return `\ninterrupted (${signal}): ${saved}; ${doing}. Resume with:\n  ${resume}\n`;
}

/**
 * While a study runs: on SIGINT or SIGTERM, stop the display (which shows the cursor again), say
 * what is saved, what was going on (waiting for the lock, a run in progress, or neither) and the
 * command that resumes, and exit with 130 (SIGINT) or 143 (SIGTERM). The results file holds only
 * complete records (each is written synchronously), and the file's lock is released on exit.
 *
 * @returns a function that removes the handlers.
 */
export function handleInterrupts(options: {
  resultsPath: string;
  resumeCommand: string;
  saved: () => SavedState;
  stopDisplay: () => void;
}): () => void {
  const handler = (signal: NodeJS.Signals) => {
    options.stopDisplay();
    if (process.stderr.isTTY) process.stderr.write('\x1b[?25h');
    process.stderr.write(
      interruptMessage(signal, options.resultsPath, options.saved(), options.resumeCommand),
    );
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
