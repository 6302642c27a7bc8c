/**
 * Finding and loading normlab's own compiled normalization kernels (native/kernels, built by
 * scripts/setup/normlab-kernels.sh into `node_modules/.normlab/kernels/normlab_kernels.node`).
 * Requiring that Node.js module registers the ops `NormlabGroupNorm`, `NormlabGroupNormGrad`,
 * `NormlabRmsNorm`, `NormlabRmsNormGrad`, `NormlabBatchNorm` and `NormlabBatchNormGrad` with the
 * TensorFlow library tfjs-node has loaded; lib/native/norm-kernels.ts and normlab-batch-norm.ts
 * then run them by name.
 *
 * Node only: `initBackend` (lib/backend.ts) calls {@link loadNormKernels} once tfjs-node's
 * `tensorflow` backend is active, and hands the result to lib/native/norm-kernels.ts, which the
 * browser-safe layers import and which therefore loads nothing itself. Where the module is missing
 * (setup could not build it) or fails to load, the reason is kept for {@link normKernelsStatus}
 * and the portable path runs.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type NormKernelsModule, useNormKernels } from './norm-kernels';

export type { NormKernelsModule } from './norm-kernels';

/** Whether the kernels are loaded, and if not, why. */
export interface NormKernelsStatus {
  /** The loaded module's report, or `null`. */
  module: NormKernelsModule | null;
  /** Why the module is not loaded (`null` when it is, or before the first attempt). */
  reason: string | null;
}

let attempted = false;
let loaded: NormKernelsModule | null = null;
let failure: string | null = null;

/**
 * Where setup puts the compiled module: `node_modules/.normlab/kernels/normlab_kernels.node`, in
 * the `node_modules` that holds `@tensorflow/tfjs-node`. `null` when tfjs-node cannot be resolved.
 */
export function normKernelsPath(): string | null {
  try {
    const tfjsNode = require.resolve('@tensorflow/tfjs-node/package.json');
    return join(dirname(dirname(dirname(tfjsNode))), '.normlab', 'kernels', 'normlab_kernels.node');
  } catch {
    return null;
  }
}

/**
 * The compiled kernels, loading them on the first call and handing them to the layers' native
 * path (call only on tfjs-node's `tensorflow` backend: the module links the TensorFlow library
 * tfjs-node loads). `null` when they are not there or do not load; {@link normKernelsStatus} says
 * why.
 */
export function loadNormKernels(): NormKernelsModule | null {
  if (attempted) return loaded;
  attempted = true;
  const file = normKernelsPath();
  if (!file) {
    failure = '@tensorflow/tfjs-node is not installed, so there is no module next to it';
  } else if (!existsSync(file)) {
    failure = `${file} does not exist (setup did not build the kernels; it says why)`;
  } else {
    try {
      loaded = require(file) as NormKernelsModule;
      useNormKernels(loaded);
    } catch (error) {
      failure = `${file} did not load: ${(error as Error).message.split('\n')[0]}`;
    }
  }
  return loaded;
}

/**
 * Whether normlab's compiled kernels are loaded, which instruction set and thread count they
 * picked, or why they are not there. Loads them if not tried yet (`initBackend` has normally
 * done so).
 *
 * @example
 * ```ts
 * await initBackend();
 * const { module, reason } = normKernelsStatus();
 * console.log(module ? `${module.isa}, ${module.threads} threads` : reason);
 * ```
 */
export function normKernelsStatus(): NormKernelsStatus {
  const module = loadNormKernels();
  return { module, reason: module ? null : failure };
}

/**
 * One line on normlab's compiled kernels for reports and benchmarks: the instruction set their
 * run-time dispatch picked and their thread count (`avx2, 2 threads`), or why they do not run.
 *
 * @example
 * ```ts
 * await initBackend();
 * console.log(nativeKernelInfo()); // "avx2, 2 threads" on an AVX2 machine after setup
 * ```
 */
export function nativeKernelInfo(): string {
  const { module, reason } = normKernelsStatus();
  if (!module) return `not loaded: ${reason}`;
  return `${module.isa}, ${module.threads} thread${module.threads === 1 ? '' : 's'}`;
}
