/**
 * normlab's native fast paths on tfjs-node's `tensorflow` backend (TensorFlow's fused kernels run
 * by name; see `tensorflow-ops.ts`). The public part is the switch: everything else is used by the
 * layers and the trainer, which fall back to portable tfjs code on other backends.
 *
 * @module
 */
export { nativeKernelsActive, setNativeKernels } from './tensorflow-ops';
