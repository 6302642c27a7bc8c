/**
 * Test helper: run a suite twice, once on normlab's native TensorFlow kernels (tfjs-node's fused
 * ops, lib/native) and once on the portable tfjs paths (`setNativeKernels(false)`), so fixtures
 * and gradient checks hold for both; with `{ batchNormKernels: true }` a third time, native with
 * batch norm training on TensorFlow's fused kernels instead of normlab's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { normKernelsActive, normKernelsRegistered } from '../../lib/native/norm-kernels';
import { normKernelsStatus } from '../../lib/native/norm-kernels-module';
import {
  type BatchNormKernel,
  batchNormKernel,
  overrideBatchNormKernel,
} from '../../lib/native/normlab-batch-norm';
import { nativeKernelsActive, setNativeKernels, tensorflowOps } from '../../lib/native/tensorflow-ops';

/** The two code paths: TensorFlow's fused kernels, and the portable tfjs ops. */
export const KERNEL_PATHS = ['native', 'portable'] as const;

/** One of {@link KERNEL_PATHS}. */
export type KernelPath = (typeof KERNEL_PATHS)[number];

/** Options of {@link describeOnKernelPaths}. */
export interface KernelPathOptions {
  /**
   * Also run the native suite with batch norm training on TensorFlow's fused kernels
   * (`overrideBatchNormKernel('tensorflow')`); the plain native suite trains it on normlab's where
   * setup built them.
   */
  batchNormKernels?: boolean;
}

/**
 * `describe(name, body)` once per kernel path, named `name [native kernels]` and
 * `name [portable kernels]` (and `name [native kernels, TensorFlow's batch norm]` with
 * `batchNormKernels`); the native suites first check that the native kernels really run
 * (normlab's compiled normalization kernels too, when setup built them, and the batch-norm
 * training kernel the suite names), the portable suite that none does.
 */
export function describeOnKernelPaths(
  name: string,
  body: (path: KernelPath) => void,
  options: KernelPathOptions = {},
): void {
  const suites: { path: KernelPath; batchNorm: BatchNormKernel | null; label: string }[] = [
    { path: 'native', batchNorm: null, label: 'native kernels' },
    ...(options.batchNormKernels
      ? [
          {
            path: 'native' as const,
            batchNorm: 'tensorflow' as const,
            label: "native kernels, TensorFlow's batch norm",
          },
        ]
      : []),
    { path: 'portable', batchNorm: null, label: 'portable kernels' },
  ];
  for (const { path, batchNorm, label } of suites) {
    describe(`${name} [${label}]`, () => {
      before(() => {
        setNativeKernels(path === 'native');
        overrideBatchNormKernel(batchNorm);
      });
      after(() => {
        setNativeKernels(true);
        overrideBatchNormKernel(null);
      });
      it(`the ${label} run`, () => {
        assert.equal(nativeKernelsActive(), path === 'native');
        const built = normKernelsStatus().module !== null;
        assert.equal(normKernelsActive(), path === 'native' && built);
        const ops = tensorflowOps();
        if (ops) {
          const normlab = normKernelsRegistered('NormlabBatchNorm');
          // Unless the suite names one, NORMLAB_BATCH_NORM_KERNEL (or normlab's where it runs).
          const chosen = process.env.NORMLAB_BATCH_NORM_KERNEL === 'tensorflow' ? 'tensorflow' : 'normlab';
          assert.equal(batchNormKernel(ops), batchNorm ?? (normlab ? chosen : 'tensorflow'));
        }
      });
      body(path);
    });
  }
}
