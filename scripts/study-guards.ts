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

/** What is saved at a given moment, for the interrupt message. */
export interface SavedState {
  /** Runs of this invocation already in the results file. */
  done: number;
  /** Runs of this invocation in total. */
  total: number;
}

/**
 * While a study runs: on SIGINT or SIGTERM, stop the display (which shows the cursor again), say
 * what is saved and the command that resumes, and exit with 130 (SIGINT) or 143 (SIGTERM). The
 * results file holds only complete records (each is written synchronously), and the file's lock
 * is released on exit.
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
    const { done, total } = options.saved();
    process.stderr.write(
      `\ninterrupted (${signal}): ${done} of ${total} runs are saved in ${options.resultsPath}; the run in progress ` +
        `did not finish and will be trained again. Resume with:\n  ${options.resumeCommand}\n`,
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
