/**
 * A 2-D convolution and its bias as one oneDNN kernel (tfjs-node's `tensorflow` backend,
 * TensorFlow built with oneDNN, as the x86-64 builds are).
 *
 * `conv2d(x, W) + b` runs as two TensorFlow ops, and the add is a second full pass over the
 * output: on a [64, 28, 28, 32] input convolved to 64 channels it took 3 ms next to the
 * convolution's 5 ms. oneDNN's `_MklNativeConv2DWithBias`, run eagerly by name under the kernel
 * label `MklNameChangeOp` (as lib/native/max-pool.ts runs oneDNN's pooling), adds the bias while it
 * writes the output, in the convolution's time. Its output is bit for bit that of `Conv2D` then
 * `Add`: the bias is added once, in float32, to the same sums.
 *
 * The op is registered with tfjs as a kernel of its own, with a gradient whose three parts tfjs
 * computes only for the inputs that need one (the same way tfjs differentiates `tf.conv2d`): a
 * network's first convolution reads the data, and the gradient w.r.t. the data is never computed.
 * The parts are the ones tfjs' own `conv2d` + `add` give, computed by the same kernels:
 * `Conv2DBackpropInput`, `Conv2DBackpropFilter` and, for the bias, `sum(dy)` over batch, height
 * and width. So training with the fused op gives the same numbers as without it.
 *
 * A one-time probe checks that the kernel exists. Builds without oneDNN, other backends, other
 * dtypes, and native kernels switched off get `null` back and run `tf.conv2d` and `tf.add`.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { type OpAttr, probedOncePerBackend, type TensorflowOps, tensorflowOps } from './tensorflow-ops';

/** tfjs' name of the fused op (a kernel for the `tensorflow` backend only). */
const KERNEL = 'NormlabConv2DWithBias';

/** Strides and padding of the convolution, as the kernel's attributes. */
interface ConvAttrs {
  strides: [number, number];
  pad: 'valid' | 'same';
}

function opAttrs(ops: TensorflowOps, { strides, pad }: ConvAttrs): OpAttr[] {
  return [
    ops.float32Type('T'),
    ops.ints('strides', [1, strides[0], strides[1], 1]),
    ops.bool('use_cudnn_on_gpu', true),
    ops.bool('is_filter_const', false),
    ops.string('padding', pad.toUpperCase()),
    ops.string('data_format', 'NHWC'),
    ops.ints('explicit_paddings', []),
    ops.ints('dilations', [1, 1, 1, 1]),
    ops.string('_kernel', 'MklNameChangeOp'),
  ];
}

function register(): void {
  if (tf.getKernel(KERNEL, 'tensorflow')) return;
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, attrs }) => {
      // nativeConv2dWithBias chose this kernel already.
      const ops = tensorflowOps({ differentiated: false });
      if (!ops) throw new Error(`${KERNEL} runs on tfjs-node's tensorflow backend only`);
      const { x, filter, bias } = inputs as Record<string, tf.Tensor>;
      return ops.run(
        '_MklNativeConv2DWithBias',
        opAttrs(ops, attrs as unknown as ConvAttrs),
        [x, filter, bias],
        1,
      )[0];
    },
  });
  tf.registerGradient({
    kernelName: KERNEL,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dys, saved, attrs) => {
      const dy = dys as tf.Tensor;
      const [x, filter] = saved;
      const { strides, pad } = attrs as unknown as ConvAttrs;
      const conv = { strides, pad, dataFormat: 'NHWC' };
      const engine = tf.engine();
      return {
        x: () =>
          engine.runKernel(
            'Conv2DBackpropInput',
            { dy, filter },
            { ...conv, inputShape: x.shape },
          ) as tf.Tensor,
        filter: () =>
          engine.runKernel(
            'Conv2DBackpropFilter',
            { x, dy },
            { ...conv, filterShape: filter.shape },
          ) as tf.Tensor,
        // What tfjs' add gives a broadcast [C] operand: the sum over every other axis.
        bias: () => tf.sum(dy, [0, 1, 2]),
      };
    },
  });
}

/** Whether oneDNN's convolution-with-bias kernel runs on this backend (probed once per backend). */
const hasConvWithBias = probedOncePerBackend((ops) => {
  // A 1×1 kernel of 2 on a single pixel of 3, plus a bias of 1: 7.
  const inputs = [tf.fill([1, 1, 1, 1], 3), tf.fill([1, 1, 1, 1], 2), tf.ones([1])];
  const [y] = ops.run('_MklNativeConv2DWithBias', opAttrs(ops, { strides: [1, 1], pad: 'valid' }), inputs, 1);
  const works = y.dataSync()[0] === 7;
  if (works) register();
  return works;
});

/**
 * `conv2d(x, filter) + bias` as one oneDNN kernel, differentiable w.r.t. all three inputs; the
 * same values and gradients as `tf.add(tf.conv2d(x, filter, strides, padding), bias)`.
 *
 * @param x channels-last float32 input, `[N, H, W, C_in]`.
 * @param filter the kernel, `[kh, kw, C_in, C_out]`.
 * @param bias the bias, `[C_out]`.
 * @param strides strides along height and width.
 * @param padding TensorFlow's padding rule.
 * @returns the output `[N, H', W', C_out]`, or `null` when the native path does not apply (another
 *   backend, native kernels off, a TensorFlow build without oneDNN, another dtype): take
 *   `tf.conv2d` and `tf.add`.
 */
export function nativeConv2dWithBias(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor,
  strides: [number, number],
  padding: 'valid' | 'same',
): tf.Tensor4D | null {
  const ops = tensorflowOps();
  if (!ops || x.dtype !== 'float32' || !hasConvWithBias(ops)) return null;
  const attrs: ConvAttrs = { strides, pad: padding };
  return tf
    .engine()
    .runKernel(KERNEL, { x, filter, bias }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
