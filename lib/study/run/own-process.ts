/**
 * Runs that execute in a process of their own. Claim 7 compares the step times of the norm kinds,
 * and its replicates are only independent when each starts from a fresh process: one process
 * carries its heap, its allocator's state and TensorFlow's thread pools from one run to the next,
 * so replicates timed in it share whatever that state does to a step. The study CLI therefore
 * runs every `overhead` run in a child process, through {@link ownProcessExecutor}.
 *
 * The protocol is one JSON document on the child's stdin (`{ "config": RunConfig, ... }`) and JSON
 * lines on its stdout: `{ "step": RunStepProgress }` while it runs, then `{ "outcome": RunOutcome }`.
 * JSON carries no NaN or infinity, which is why this is for runs whose outcomes are finite (the
 * timings of overhead runs), not for training runs whose losses may diverge.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import type { RunConfig } from '../spec/run-config';
import type { RunExecutor, RunOutcome, RunStepProgress } from './runner';

/** The child process that executes one run. */
export interface ChildCommand {
  /** The executable (normally `process.execPath`). */
  command: string;
  /** Its arguments (for the CLI: `--import tsx scripts/study-run-child.ts`). */
  args: string[];
  /** Its environment (default: this process'). */
  env?: NodeJS.ProcessEnv;
  /** More fields of the stdin document, beside `config` (the CLI passes its executor options). */
  input?: Record<string, unknown>;
}

/** The last `max` characters of a child's stderr, for an error message. */
function tail(text: string, max = 2000): string {
  const t = text.trim();
  return t.length > max ? `...${t.slice(t.length - max)}` : t;
}

/**
 * Execute one run in a new child process and resolve with its outcome.
 *
 * @param child - the command that reads the run from stdin and writes its outcome (see the module).
 * @param config - the run.
 * @param onStep - progress reports relayed from the child.
 * @throws when the child exits without an outcome, with its exit status and the end of its stderr.
 */
export function executeInChild(
  child: ChildCommand,
  config: RunConfig,
  onStep?: (p: RunStepProgress) => void,
): Promise<RunOutcome> {
  return new Promise((resolve, reject) => {
    const proc = spawn(child.command, child.args, {
      env: child.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // A parent that exits (an interrupt ends the study with process.exit) takes its child along.
    const killChild = () => proc.kill('SIGTERM');
    process.once('exit', killChild);
    let outcome: RunOutcome | undefined;
    let stdout = '';
    let stderr = '';
    let protocolError: string | undefined;
    const readLine = (line: string) => {
      if (!line.trim()) return;
      let message: { step?: RunStepProgress; outcome?: RunOutcome };
      try {
        message = JSON.parse(line);
      } catch {
        protocolError ??= `it printed a line that is not JSON: ${line.slice(0, 200)}`;
        return;
      }
      if (message.outcome) outcome = message.outcome;
      else if (message.step) onStep?.(message.step);
    };
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      let nl = stdout.indexOf('\n');
      while (nl >= 0) {
        readLine(stdout.slice(0, nl));
        stdout = stdout.slice(nl + 1);
        nl = stdout.indexOf('\n');
      }
    });
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-20000);
    });
    proc.on('error', (error) => {
      process.removeListener('exit', killChild);
      reject(new Error(`could not start the run's own process (${child.command}): ${error.message}`));
    });
    proc.on('close', (code, signal) => {
      process.removeListener('exit', killChild);
      readLine(stdout);
      if (code === 0 && outcome && !protocolError) {
        resolve(outcome);
        return;
      }
      const status = signal ? `was ended by ${signal}` : `exited with status ${code}`;
      const why = protocolError ?? (outcome ? '' : 'it wrote no outcome');
      reject(
        new Error(
          `the run's own process ${status}${why ? `; ${why}` : ''}.` +
            (stderr.trim() ? `\nIts last output on stderr:\n${tail(stderr)}` : ''),
        ),
      );
    });
    proc.stdin.on('error', () => {
      // The child died before reading its input; 'close' reports it.
    });
    proc.stdin.end(`${JSON.stringify({ ...child.input, config })}\n`);
  });
}

/**
 * An executor that runs the runs `inOwnProcess` selects (by default: `overhead` runs) each in a
 * child process of its own, and every other run with `inner` in this process.
 *
 * @param inner - the executor of the other runs (and, in the child, of these).
 * @param child - the child command (see the module for its protocol).
 * @param inOwnProcess - which runs get their own process.
 *
 * @example
 * ```ts
 * const executor = ownProcessExecutor(trainingExecutor(), {
 *   command: process.execPath,
 *   args: ['--import', 'tsx', 'scripts/study-run-child.ts'],
 * });
 * ```
 */
export function ownProcessExecutor(
  inner: RunExecutor,
  child: ChildCommand,
  inOwnProcess: (config: RunConfig) => boolean = (config) => config.kind === 'overhead',
): RunExecutor {
  return {
    execute: (config, onStep) =>
      inOwnProcess(config) ? executeInChild(child, config, onStep) : inner.execute(config, onStep),
  };
}
