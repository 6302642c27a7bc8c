/**
 * normlab's native fast paths on tfjs-node's `tensorflow` backend (TensorFlow's fused kernels run
 * by name; see `tensorflow-ops.ts`, and normlab's own compiled normalization kernels, see
 * `norm-kernels.ts`). The public part is the switch and what the compiled kernels dispatched to:
 * everything else is used by the layers and the trainer, which fall back to portable tfjs code on
 * other backends.
 *
 * @module
 */

export { nativeKernelInfo } from './norm-kernels-module';
export { nativeKernelsActive, setNativeKernels } from './tensorflow-ops';
