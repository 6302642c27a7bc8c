/**
 * Test helper: run a suite twice, once on normlab's native TensorFlow kernels (tfjs-node's fused
 * ops, lib/native) and once on the portable tfjs paths (`setNativeKernels(false)`), so fixtures
 * and gradient checks hold for both.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { normKernelsActive } from '../../lib/native/norm-kernels';
import { normKernelsStatus } from '../../lib/native/norm-kernels-module';
import { nativeKernelsActive, setNativeKernels } from '../../lib/native/tensorflow-ops';

/** The two code paths: TensorFlow's fused kernels, and the portable tfjs ops. */
export const KERNEL_PATHS = ['native', 'portable'] as const;

/** One of {@link KERNEL_PATHS}. */
export type KernelPath = (typeof KERNEL_PATHS)[number];

/**
 * `describe(name, body)` once per kernel path, named `name [native kernels]` and
 * `name [portable kernels]`; the native suite first checks that the native kernels really run
 * (normlab's compiled normalization kernels too, when setup built them), the portable suite that
 * neither does.
 */
export function describeOnKernelPaths(name: string, body: (path: KernelPath) => void): void {
  for (const path of KERNEL_PATHS) {
    describe(`${name} [${path} kernels]`, () => {
      before(() => setNativeKernels(path === 'native'));
      after(() => setNativeKernels(true));
      it(`the ${path} kernels run`, () => {
        assert.equal(nativeKernelsActive(), path === 'native');
        const built = normKernelsStatus().module !== null;
        assert.equal(normKernelsActive(), path === 'native' && built);
      });
      body(path);
    });
  }
}
