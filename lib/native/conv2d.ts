/**
 * 2-D convolutions on oneDNN's kernels, forward and backward (tfjs-node's `tensorflow` backend,
 * TensorFlow built with oneDNN, as the x86-64 builds are).
 *
 * tfjs-node runs `tf.conv2d` as TensorFlow's `Conv2D` and its gradients as `Conv2DBackpropInput`
 * and `Conv2DBackpropFilter`. Called eagerly by those names they get TensorFlow's portable Eigen
 * kernels, not oneDNN's: TensorFlow swaps in oneDNN only when it rewrites a graph, and tfjs-node
 * runs no graph. oneDNN's kernels exist under their own names (`_MklNativeConv2D`,
 * `_MklNativeConv2DWithBias`, `_MklNativeConv2DBackpropInput`, `_MklNativeConv2DBackpropFilter`)
 * and run by name under the kernel label `MklNameChangeOp`, as lib/native/max-pool.ts runs oneDNN's
 * pooling. On a CNN's convolutions the filter gradient, the largest kernel of a training step,
 * takes a fraction of Eigen's time, and the bias is added while the output is written instead of
 * in a second pass over it.
 *
 * The convolution is registered with tfjs as a kernel of its own (with and without a bias), with a
 * gradient whose parts tfjs computes only for the inputs that need one (the same way tfjs
 * differentiates `tf.conv2d`): a network's first convolution reads the data, and the gradient
 * w.r.t. the data is never computed. The bias's gradient is `sum(dy)` over batch, height and
 * width, as tfjs' `add` gives it. oneDNN sums in its own blocked order, so outputs and gradients
 * agree with `tf.conv2d` (+ `tf.add`) to float32 rounding, not bit for bit.
 *
 * A one-time probe runs all four kernels on one pixel and checks their values. Builds without
 * oneDNN, other backends, other dtypes, and native kernels switched off get `null` back and run
 * `tf.conv2d` and `tf.add`.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { type OpAttr, probedOncePerBackend, type TensorflowOps, tensorflowOps } from './tensorflow-ops';

/** tfjs' names of the convolution kernels (for the `tensorflow` backend only). */
const KERNEL = 'NormlabConv2D';
const KERNEL_WITH_BIAS = 'NormlabConv2DWithBias';

/** Strides and padding of the convolution, as the kernel's attributes. */
interface ConvAttrs {
  strides: [number, number];
  pad: 'valid' | 'same';
}

/** The attributes oneDNN's convolution ops take; `forward` adds the forward op's own. */
function opAttrs(ops: TensorflowOps, { strides, pad }: ConvAttrs, forward: boolean): OpAttr[] {
  return [
    ops.float32Type('T'),
    ops.ints('strides', [1, strides[0], strides[1], 1]),
    ops.bool('use_cudnn_on_gpu', true),
    ...(forward ? [ops.bool('is_filter_const', false)] : []),
    ops.string('padding', pad.toUpperCase()),
    ops.string('data_format', 'NHWC'),
    ops.ints('explicit_paddings', []),
    ops.ints('dilations', [1, 1, 1, 1]),
    ops.string('_kernel', 'MklNameChangeOp'),
  ];
}

/** One op's output for the given inputs; `sizes` is an int32 shape input it builds and frees. */
function runWithSizes(
  ops: TensorflowOps,
  name: string,
  attrs: OpAttr[],
  sizes: readonly number[],
  inputs: (sizes: tf.Tensor) => tf.Tensor[],
): tf.Tensor {
  const shape = tf.tensor1d([...sizes], 'int32');
  try {
    return ops.run(name, attrs, inputs(shape), 1)[0];
  } finally {
    shape.dispose();
  }
}

/** `dx` of the convolution: oneDNN's backward-data kernel. */
function inputGradient(
  ops: TensorflowOps,
  dy: tf.Tensor,
  filter: tf.Tensor,
  x: tf.Tensor,
  attrs: ConvAttrs,
): tf.Tensor {
  return runWithSizes(ops, '_MklNativeConv2DBackpropInput', opAttrs(ops, attrs, false), x.shape, (s) => [
    s,
    filter,
    dy,
  ]);
}

/** `dW` of the convolution: oneDNN's backward-weights kernel. */
function filterGradient(
  ops: TensorflowOps,
  dy: tf.Tensor,
  x: tf.Tensor,
  filter: tf.Tensor,
  attrs: ConvAttrs,
): tf.Tensor {
  return runWithSizes(
    ops,
    '_MklNativeConv2DBackpropFilter',
    opAttrs(ops, attrs, false),
    filter.shape,
    (s) => [x, s, dy],
  );
}

function register(): void {
  if (tf.getKernel(KERNEL, 'tensorflow')) return;
  const kernelFunc =
    (op: string): tf.KernelFunc =>
    ({ inputs, attrs }) => {
      const ops = tensorflowOps();
      if (!ops) throw new Error(`${op} runs on tfjs-node's tensorflow backend only`);
      const { x, filter, bias } = inputs as Record<string, tf.Tensor>;
      const operands = bias ? [x, filter, bias] : [x, filter];
      return ops.run(op, opAttrs(ops, attrs as unknown as ConvAttrs, true), operands, 1)[0];
    };
  const gradFunc: tf.GradConfig['gradFunc'] = (dys, saved, attrs) => {
    const ops = tensorflowOps();
    if (!ops) throw new Error(`${KERNEL}'s gradient runs on tfjs-node's tensorflow backend only`);
    const dy = dys as tf.Tensor;
    const [x, filter] = saved;
    const conv = attrs as unknown as ConvAttrs;
    return {
      x: () => inputGradient(ops, dy, filter, x, conv),
      filter: () => filterGradient(ops, dy, x, filter, conv),
      // What tfjs' add gives a broadcast [C] operand: the sum over every other axis.
      bias: () => tf.sum(dy, [0, 1, 2]),
    };
  };
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'tensorflow',
    kernelFunc: kernelFunc('_MklNativeConv2D'),
  });
  tf.registerKernel({
    kernelName: KERNEL_WITH_BIAS,
    backendName: 'tensorflow',
    kernelFunc: kernelFunc('_MklNativeConv2DWithBias'),
  });
  for (const kernelName of [KERNEL, KERNEL_WITH_BIAS])
    tf.registerGradient({ kernelName, inputsToSave: ['x', 'filter'], gradFunc });
}

/** Whether oneDNN's convolution kernels, forward and backward, run on this backend (probed once). */
const hasOneDnnConv = probedOncePerBackend((ops) => {
  // A 1×1 kernel of 2 on a single pixel of 3: 6, plus a bias of 1: 7; with dy = 1, dx = 2, dW = 3.
  const attrs: ConvAttrs = { strides: [1, 1], pad: 'valid' };
  const x = tf.fill([1, 1, 1, 1], 3);
  const w = tf.fill([1, 1, 1, 1], 2);
  const dy = tf.ones([1, 1, 1, 1]);
  const values = [
    ops.run('_MklNativeConv2D', opAttrs(ops, attrs, true), [x, w], 1)[0],
    ops.run('_MklNativeConv2DWithBias', opAttrs(ops, attrs, true), [x, w, tf.ones([1])], 1)[0],
    inputGradient(ops, dy, w, x, attrs),
    filterGradient(ops, dy, x, w, attrs),
  ].map((t) => t.dataSync()[0]);
  const works = [6, 7, 2, 3].every((v, i) => values[i] === v);
  if (works) register();
  return works;
});

/**
 * `conv2d(x, filter)`, plus `bias` when given, on oneDNN's kernels, differentiable w.r.t. every
 * input; the values and gradients of `tf.conv2d(x, filter, strides, padding)` (and `tf.add` of the
 * bias) to float32 rounding.
 *
 * @param x channels-last float32 input, `[N, H, W, C_in]`.
 * @param filter the kernel, `[kh, kw, C_in, C_out]`.
 * @param bias the bias, `[C_out]`, or `null` for none.
 * @param strides strides along height and width.
 * @param padding TensorFlow's padding rule.
 * @returns the output `[N, H', W', C_out]`, or `null` when the native path does not apply (another
 *   backend, native kernels off, a TensorFlow build without oneDNN, another dtype): take
 *   `tf.conv2d` (and `tf.add`).
 */
export function nativeConv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor | null,
  strides: [number, number],
  padding: 'valid' | 'same',
): tf.Tensor4D | null {
  const ops = tensorflowOps();
  if (!ops || x.dtype !== 'float32' || !hasOneDnnConv(ops)) return null;
  const attrs: ConvAttrs = { strides, pad: padding };
  const named = attrs as unknown as tf.NamedAttrMap;
  const engine = tf.engine();
  return (
    bias
      ? engine.runKernel(KERNEL_WITH_BIAS, { x, filter, bias }, named)
      : engine.runKernel(KERNEL, { x, filter }, named)
  ) as tf.Tensor4D;
}
