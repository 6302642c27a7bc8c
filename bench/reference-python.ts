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
 * Run a Python script of bench/ in the reference venv with `threads` intra-op threads and return
 * the JSON objects it prints, one per line.
 *
 * OpenMP's threads wait passively (`OMP_WAIT_POLICY=PASSIVE`, unless the environment sets it):
 * with the default spin-waiting, PyTorch with 2 threads on the 2 shared CPUs of the development
 * machine ran the MLP 24× slower (168 against 4,061 samples/s at load average 21, Nov 2026),
 * because a spinning thread holds a CPU its preempted partner needs. Passive waiting is PyTorch's
 * best case on a shared machine, so the ratios against it are on the conservative side.
 *
 * glibc's malloc keeps large blocks in its heap instead of handing them back to the system after
 * every free (`MALLOC_MMAP_THRESHOLD_` 32 MiB, `MALLOC_TRIM_THRESHOLD_` 256 MiB, unless the
 * environment sets them). PyTorch allocates its activations and gradients with malloc on the CPU;
 * with glibc's adaptive defaults the same model trained at anywhere from 3,100 to 5,300 samples/s
 * (CNN + BN, Nov 2026) depending on what the process had run before, so one model's speed and the
 * ratio between two models depended on their order. With the fixed thresholds it ran at
 * 4,500–5,600 in every order. TensorFlow's speed does not change with them (checked with
 * bench/training-speed.ts --no-torch), so only the reference process gets them: again PyTorch's
 * best case.
 *
 * @throws when the venv is missing or the script fails (the message has the end of its stderr).
 */
export function runReferenceScript(
  script: string,
  args: string[],
  threads: number,
): Record<string, unknown>[] {
  const python = referencePython();
  if (python instanceof Error) throw python;
  const env = {
    OMP_WAIT_POLICY: 'PASSIVE',
    MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024),
    MALLOC_TRIM_THRESHOLD_: String(256 * 1024 * 1024),
    ...process.env,
    OMP_NUM_THREADS: String(threads),
    MKL_NUM_THREADS: String(threads),
  };
  const out = spawnSync(python, [join(PROJECT_ROOT, 'bench', script), ...args], {
    encoding: 'utf8',
    env,
    maxBuffer: 1 << 26,
  });
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
