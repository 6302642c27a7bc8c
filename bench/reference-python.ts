/**
 * Find and run the reference Python environment (PyTorch) for the benchmarks that compare with it.
 *
 * The environment is the project's `.venv-ref` (PyTorch 2.13 CPU, TensorFlow, Keras; pinned in
 * requirements-ref.txt), created by `bash scripts/fixtures/setup-ref-venv.sh`. Another location can
 * be given with the `NORMLAB_REF_VENV` environment variable (the venv's directory; its
 * `bin/python` runs the scripts).
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The project root (bench/..). */
export const PROJECT_ROOT = resolve(__dirname, '..');

/** The reference venv's directory: `NORMLAB_REF_VENV`, or `.venv-ref` in the project root. */
export function referenceVenv(): string {
  return process.env.NORMLAB_REF_VENV
    ? resolve(process.env.NORMLAB_REF_VENV)
    : join(PROJECT_ROOT, '.venv-ref');
}

/**
 * The reference venv's Python, or an Error whose message says how to create the venv.
 */
export function referencePython(): string | Error {
  const venv = referenceVenv();
  const python = join(venv, 'bin', 'python');
  if (existsSync(python)) return python;
  return new Error(
    `the reference Python environment was not found at ${venv} (no bin/python). Create it with ` +
      "'bash scripts/fixtures/setup-ref-venv.sh' (it makes .venv-ref in the project root), or set " +
      'NORMLAB_REF_VENV to an existing venv with torch 2.13.',
  );
}

/**
 * How OpenMP's idle threads wait in the reference process: `'active'` is OpenMP's default
 * (`OMP_WAIT_POLICY` unset: a thread spins for a while before it sleeps, so it wakes at once for
 * the next parallel region), `'passive'` sleeps at once (`OMP_WAIT_POLICY=PASSIVE`).
 *
 * Neither is PyTorch's best everywhere. On a quiet machine spinning wins, most for models of small
 * ops (the MLP), whose threads would otherwise sleep and wake between every op. On a machine whose
 * CPUs other processes want, a spinning thread holds a CPU its preempted partner needs, and the
 * same model runs many times slower. So the speed benches time both, in the same round, and
 * compare with the faster (bench/PROVENANCE.md has the measurements).
 */
export type WaitPolicy = 'active' | 'passive';

/** Both {@link WaitPolicy} values, in the order the benches run them. */
export const WAIT_POLICIES: readonly WaitPolicy[] = ['active', 'passive'];

/** Options of {@link runReferenceScript}. */
export interface ReferenceRunOptions {
  /**
   * OpenMP's wait policy (default `'passive'`, unless the environment sets `OMP_WAIT_POLICY`).
   * `'active'` leaves `OMP_WAIT_POLICY` unset: OpenMP's own default.
   */
  waitPolicy?: WaitPolicy;
  /**
   * Stop the script after this many seconds and throw a {@link ReferenceTimeout} (default: no
   * limit). A setting that spins on a busy machine can run many times longer than the others
   * without any chance of being the fastest; the benches cap it instead of waiting it out.
   */
  timeoutSeconds?: number;
}

/** Thrown by {@link runReferenceScript} when the script ran past `timeoutSeconds`. */
export class ReferenceTimeout extends Error {
  constructor(
    readonly script: string,
    readonly seconds: number,
  ) {
    super(`bench/${script} stopped after ${seconds.toFixed(0)} s (its time limit)`);
    this.name = 'ReferenceTimeout';
  }
}

/**
 * Run a Python script of bench/ in the reference venv with `threads` intra-op threads and return
 * the JSON objects it prints, one per line.
 *
 * OpenMP's wait policy is `options.waitPolicy` (see {@link WaitPolicy}); without one, threads wait
 * passively unless the environment sets `OMP_WAIT_POLICY`.
 *
 * glibc's malloc keeps large blocks in its heap instead of handing them back to the system after
 * every free (`MALLOC_MMAP_THRESHOLD_` 32 MiB, `MALLOC_TRIM_THRESHOLD_` 256 MiB, unless the
 * environment sets them). PyTorch allocates its activations and gradients with malloc on the CPU;
 * with glibc's adaptive defaults the same model's speed depended on what the process had run
 * before, so one model's speed and the ratio between two models depended on their order; with the
 * fixed thresholds it is fast in every order. TensorFlow's speed does not change with them, so
 * only the reference process gets them: again PyTorch's best case.
 *
 * @throws {@link ReferenceTimeout} when the script runs past `options.timeoutSeconds`; an Error
 * when the venv is missing or the script fails (the message has the end of its stderr).
 */
export function runReferenceScript(
  script: string,
  args: string[],
  threads: number,
  options: ReferenceRunOptions = {},
): Record<string, unknown>[] {
  const python = referencePython();
  if (python instanceof Error) throw python;
  const env: NodeJS.ProcessEnv = {
    OMP_WAIT_POLICY: 'PASSIVE',
    MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024),
    MALLOC_TRIM_THRESHOLD_: String(256 * 1024 * 1024),
    ...process.env,
    OMP_NUM_THREADS: String(threads),
    MKL_NUM_THREADS: String(threads),
  };
  if (options.waitPolicy === 'passive') env.OMP_WAIT_POLICY = 'PASSIVE';
  // OpenMP's default, whatever this process' environment says.
  if (options.waitPolicy === 'active') delete env.OMP_WAIT_POLICY;
  const out = spawnSync(python, [join(PROJECT_ROOT, 'bench', script), ...args], {
    encoding: 'utf8',
    env,
    maxBuffer: 1 << 26,
    ...(options.timeoutSeconds !== undefined ? { timeout: Math.ceil(options.timeoutSeconds * 1000) } : {}),
  });
  if (
    options.timeoutSeconds !== undefined &&
    (out.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT'
  )
    throw new ReferenceTimeout(script, options.timeoutSeconds);
  if (out.status !== 0) {
    const tail = (out.stderr ?? String(out.error)).trim().split('\n').slice(-5).join('\n');
    throw new Error(`bench/${script} failed (exit ${out.status}):\n${tail}`);
  }
  return out.stdout
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * The time limit of each reference process in a bench that runs the reference in several
 * settings. None until a process has finished (without a yardstick, any limit could stop every
 * setting on a busy machine); then at most `factor` times the fastest process so far (but never
 * below `floorSeconds`), and at most `capSeconds`. A setting that takes `factor` times as long as
 * another on the same work cannot be the reference's best, so stopping it loses nothing the
 * comparison uses.
 */
export class ReferenceTimeLimit {
  private fastest = Number.POSITIVE_INFINITY;

  constructor(
    readonly capSeconds: number,
    readonly factor = 4,
    readonly floorSeconds = 60,
  ) {}

  /** The limit for the next process, or `undefined` (none) until one has finished. */
  seconds(): number | undefined {
    if (!Number.isFinite(this.fastest)) return undefined;
    return Math.min(this.capSeconds, Math.max(this.floorSeconds, this.factor * this.fastest));
  }

  /** Record how long a process that finished took. */
  finished(seconds: number): void {
    this.fastest = Math.min(this.fastest, seconds);
  }
}

/** One reference process' setting: OpenMP's wait policy and the intra-op thread count. */
export interface ProcessSetting {
  wait: WaitPolicy;
  threads: number;
}

/**
 * The order in which round `round` runs the reference's process settings. Even rounds start with
 * the setting a busy machine hurts least (passive waiting, fewest threads), so that the first
 * process of a run finishes and gives {@link ReferenceTimeLimit} its yardstick; odd rounds run the
 * reverse order, so no setting always runs first.
 */
export function settingOrder(
  waits: readonly WaitPolicy[],
  threads: readonly number[],
  round: number,
): ProcessSetting[] {
  const byWait = [...waits].sort((a, b) => (a === b ? 0 : a === 'passive' ? -1 : 1));
  const byThreads = [...threads].sort((a, b) => a - b);
  const order = byWait.flatMap((wait) => byThreads.map((t) => ({ wait, threads: t })));
  return round % 2 === 0 ? order : order.reverse();
}
