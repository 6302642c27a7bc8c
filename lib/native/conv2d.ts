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
 * The two backward kernels are tfjs kernels too. A gradient taken after native kernels were
 * switched off runs on tfjs' own kernels; a gradient that is itself differentiated never meets
 * these kernels, since the native paths step aside inside nested gradient tapes
 * (lib/native/gradient-order.ts) and `tf.conv2d` runs there.
 *
 * A one-time probe runs all four kernels on one pixel and checks their values. Builds without
 * oneDNN, other backends, other dtypes, and native kernels switched off get `null` back and run
 * `tf.conv2d` and `tf.add`; so do empty tensors, and 1×1 kernels with a stride, whose filter
 * gradient oneDNN computes wrongly on inputs of few channels (it writes past a scratch buffer).
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { refuseHigherOrder } from './gradient-order';
import { type OpAttr, probedOncePerBackend, type TensorflowOps, tensorflowOps } from './tensorflow-ops';

/** tfjs' names of normlab's convolution kernels (for the `tensorflow` backend only). */
const KERNEL = 'NormlabConv2D';
const KERNEL_WITH_BIAS = 'NormlabConv2DWithBias';
const KERNEL_DX = 'NormlabConv2DBackpropInput';
const KERNEL_DW = 'NormlabConv2DBackpropFilter';

/** Strides and padding of the convolution, as the kernels' attributes. */
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

/** Runs a backward op whose second-named input is an int32 shape, which it builds and frees. */
function runWithShape(
  ops: TensorflowOps,
  name: string,
  attrs: ConvAttrs,
  shape: readonly number[],
  inputs: (shape: tf.Tensor) => tf.Tensor[],
): tf.Tensor {
  const sizes = tf.tensor1d([...shape], 'int32');
  try {
    return ops.run(name, opAttrs(ops, attrs, false), inputs(sizes), 1)[0];
  } finally {
    sizes.dispose();
  }
}

/**
 * The three convolutions of a training step as tfjs ops: on oneDNN's kernels while native kernels
 * are on, else on tfjs' own (so a gradient taken after `setNativeKernels(false)` still works).
 */
const conv = {
  forward(x: tf.Tensor, filter: tf.Tensor, attrs: ConvAttrs): tf.Tensor {
    if (!tensorflowOps()) return tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, attrs.strides, attrs.pad);
    return tf.engine().runKernel(KERNEL, { x, filter }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  },
  /** `dx` from `dy`. */
  input(dy: tf.Tensor, filter: tf.Tensor, inputShape: readonly number[], attrs: ConvAttrs): tf.Tensor {
    const named = { ...attrs, inputShape: [...inputShape] } as unknown as tf.NamedAttrMap;
    if (tensorflowOps()) return tf.engine().runKernel(KERNEL_DX, { dy, filter }, named) as tf.Tensor;
    return tf
      .engine()
      .runKernel('Conv2DBackpropInput', { dy, filter }, { ...named, dataFormat: 'NHWC' }) as tf.Tensor;
  },
  /** `dW` from `dy`. */
  filter(x: tf.Tensor, dy: tf.Tensor, filterShape: readonly number[], attrs: ConvAttrs): tf.Tensor {
    const named = { ...attrs, filterShape: [...filterShape] } as unknown as tf.NamedAttrMap;
    if (tensorflowOps()) return tf.engine().runKernel(KERNEL_DW, { x, dy }, named) as tf.Tensor;
    return tf
      .engine()
      .runKernel('Conv2DBackpropFilter', { x, dy }, { ...named, dataFormat: 'NHWC' }) as tf.Tensor;
  },
};

/** The ops, or an error naming the kernel: normlab's kernels run on tfjs-node only. */
function requireOps(kernel: string): TensorflowOps {
  // The caller chose this kernel already (nativeConv2d, or a gradient of a kernel it ran).
  const ops = tensorflowOps({ differentiated: false });
  if (!ops) throw new Error(`${kernel} runs on tfjs-node's tensorflow backend with native kernels on`);
  return ops;
}

function register(): void {
  if (tf.getKernel(KERNEL, 'tensorflow')) return;
  const forward =
    (kernel: string, op: string): tf.KernelFunc =>
    ({ inputs, attrs }) => {
      const { x, filter, bias } = inputs as Record<string, tf.Tensor>;
      const operands = bias ? [x, filter, bias] : [x, filter];
      const ops = requireOps(kernel);
      return ops.run(op, opAttrs(ops, attrs as unknown as ConvAttrs, true), operands, 1)[0];
    };
  const kernels: tf.KernelConfig[] = [
    { kernelName: KERNEL, backendName: 'tensorflow', kernelFunc: forward(KERNEL, '_MklNativeConv2D') },
    {
      kernelName: KERNEL_WITH_BIAS,
      backendName: 'tensorflow',
      kernelFunc: forward(KERNEL_WITH_BIAS, '_MklNativeConv2DWithBias'),
    },
    {
      kernelName: KERNEL_DX,
      backendName: 'tensorflow',
      kernelFunc: ({ inputs, attrs }) => {
        const { dy, filter } = inputs as Record<string, tf.Tensor>;
        const { inputShape } = attrs as unknown as { inputShape: number[] };
        const ops = requireOps(KERNEL_DX);
        return runWithShape(
          ops,
          '_MklNativeConv2DBackpropInput',
          attrs as unknown as ConvAttrs,
          inputShape,
          (s) => [s, filter, dy],
        );
      },
    },
    {
      kernelName: KERNEL_DW,
      backendName: 'tensorflow',
      kernelFunc: ({ inputs, attrs }) => {
        const { x, dy } = inputs as Record<string, tf.Tensor>;
        const { filterShape } = attrs as unknown as { filterShape: number[] };
        const ops = requireOps(KERNEL_DW);
        return runWithShape(
          ops,
          '_MklNativeConv2DBackpropFilter',
          attrs as unknown as ConvAttrs,
          filterShape,
          (s) => [x, s, dy],
        );
      },
    },
  ];
  for (const k of kernels) tf.registerKernel(k);
  const forwardGradient: tf.GradConfig['gradFunc'] = (dy, [x, filter], attrs) => {
    refuseHigherOrder('convolution');
    const a = attrs as unknown as ConvAttrs;
    return {
      x: () => conv.input(dy as tf.Tensor, filter, x.shape, a),
      filter: () => conv.filter(x, dy as tf.Tensor, filter.shape, a),
      // What tfjs' add gives a broadcast [C] operand: the sum over every other axis.
      bias: () => tf.sum(dy as tf.Tensor, [0, 1, 2]),
    };
  };
  for (const kernelName of [KERNEL, KERNEL_WITH_BIAS])
    tf.registerGradient({ kernelName, inputsToSave: ['x', 'filter'], gradFunc: forwardGradient });
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
    runWithShape(ops, '_MklNativeConv2DBackpropInput', attrs, x.shape, (s) => [s, w, dy]),
    runWithShape(ops, '_MklNativeConv2DBackpropFilter', attrs, w.shape, (s) => [x, s, dy]),
  ].map((t) => t.dataSync()[0]);
  const works = [6, 7, 2, 3].every((v, i) => values[i] === v);
  if (works) register();
  return works;
});

/**
 * Whether oneDNN's kernels take this convolution. Not: an empty input or output (they return the
 * wrong shape), and 1×1 kernels with a stride, whose filter gradient oneDNN gets wrong when the
 * input has fewer channels than its vector block and the stride skips trailing rows (it writes
 * past a scratch buffer).
 */
function oneDnnTakes(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: [number, number],
  padding: 'valid' | 'same',
): boolean {
  const [, h, w] = x.shape;
  const [kh, kw] = filter.shape;
  if (x.size === 0 || filter.size === 0) return false;
  if (padding === 'valid' && (h < kh || w < kw)) return false;
  return !(kh === 1 && kw === 1 && (strides[0] > 1 || strides[1] > 1));
}

/**
 * `conv2d(x, filter)`, plus `bias` when given, on oneDNN's kernels, differentiable w.r.t. every
 * input; the values and gradients of `tf.conv2d(x, filter, strides, padding)` (and
 * `tf.add` of the bias) to float32 rounding.
 *
 * @param x channels-last float32 input, `[N, H, W, C_in]`.
 * @param filter the float32 kernel, `[kh, kw, C_in, C_out]`.
 * @param bias the float32 bias, `[C_out]`, or `null` for none.
 * @param strides strides along height and width.
 * @param padding TensorFlow's padding rule.
 * @returns the output `[N, H', W', C_out]`, or `null` when the native path does not apply (another
 *   backend, native kernels off, a TensorFlow build without oneDNN, another dtype or rank, an empty
 *   input or output, a 1×1 kernel with a stride): take `tf.conv2d` (and `tf.add`).
 */
export function nativeConv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor | null,
  strides: [number, number],
  padding: 'valid' | 'same',
): tf.Tensor4D | null {
  const ops = tensorflowOps();
  if (!ops || x.rank !== 4 || filter.rank !== 4) return null;
  if ([x, filter, bias ?? x].some((t) => t.dtype !== 'float32')) return null;
  if (!oneDnnTakes(x, filter, strides, padding) || !hasOneDnnConv(ops)) return null;
  const attrs: ConvAttrs = { strides, pad: padding };
  if (!bias) return conv.forward(x, filter, attrs) as tf.Tensor4D;
  return tf
    .engine()
    .runKernel(KERNEL_WITH_BIAS, { x, filter, bias }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
