/**
 * Layer, instance, group and RMS norm on normlab's own compiled TensorFlow kernels (tfjs-node's
 * `tensorflow` backend, with the module from norm-kernels-module.ts loaded): the forward pass is
 * one op that also returns the statistics, the backward one op that returns `∂x`, `∂γ`, `∂β`,
 * where the portable path (lib/norm) runs about a dozen tfjs ops each way. A ReLU after the
 * normalization fuses into both: the forward clamps its output, the backward masks `dy` where the
 * output was 0.
 *
 * Every kind is computed on its input seen as `[rows, spatial, channels]`, with statistics per
 * (row, group) over the spatial positions and the group's channels ({@link NormKernelLayout}; the
 * caller in lib/norm says how its kind maps onto it). The kernels accumulate in double and follow
 * the portable path's formulas (biased variance, `1/sqrt(σ² + ε)`), so both agree to float32
 * round-off.
 *
 * Each function returns `null` when the kernels do not run here (another backend, native kernels
 * off, the module not loaded or failing its one-time probe, a dtype other than float32): the
 * caller then takes its portable path. This file loads nothing: `initBackend` loads the compiled
 * module on Node (norm-kernels-module.ts) and hands it over with {@link useNormKernels}, so the
 * layers that import this file stay browser-safe.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { refuseHigherOrder } from './gradient-order';
import { type OpAttr, probedOncePerBackend, type TensorflowOps, tensorflowOps } from './tensorflow-ops';

/** What the compiled module exports. */
export interface NormKernelsModule {
  /** The instruction set its kernels were picked for: `'avx512'`, `'avx2'` or `'baseline'`. */
  isa: string;
  /** The threads it splits work over (TensorFlow's intra-op thread count). */
  threads: number;
  /** The TensorFlow ops it registered. */
  ops: string[];
}

let kernels: NormKernelsModule | null = null;

/**
 * Record that the compiled module is loaded (its ops registered with TensorFlow), so the layers
 * may run them; called by `loadNormKernels` (norm-kernels-module.ts).
 *
 * @param module what the module reported.
 */
export function useNormKernels(module: NormKernelsModule): void {
  kernels = module;
}

/**
 * Whether the loaded compiled module registered TensorFlow op `name` (`false` when no module is
 * loaded). A module built from older sources lacks the ops added since; those paths then keep
 * TensorFlow's kernels or the portable ops.
 *
 * @param name the op's TensorFlow name, e.g. `'NormlabBatchNorm'`.
 */
export function normKernelsRegistered(name: string): boolean {
  return kernels?.ops.includes(name) ?? false;
}

/**
 * How an input maps onto the kernels' `[rows, spatial, channels]` view: statistics per row and
 * group of `channels / groups` consecutive channels, over `spatial` positions. γ and β hold
 * `channels` values, or `spatial·channels` with `perElementAffine` (layer and RMS norm over
 * several axes, whose γ and β span all of them).
 */
export interface NormKernelLayout {
  /** Independent rows (examples, or example × position for layer norm over the last axis). */
  rows: number;
  /** Positions per row sharing the statistics. */
  spatial: number;
  /** Values per position (the last axis). */
  channels: number;
  /** Groups of consecutive channels with their own statistics (1 for layer and RMS norm). */
  groups: number;
  /** γ and β hold `spatial·channels` values instead of `channels`. */
  perElementAffine: boolean;
}

/** Whether the compiled kernels run on this backend and give the expected numbers (asked once). */
const kernelsProbe = probedOncePerBackend((ops) => {
  // One row of four values, one group: x̂ = (x − 4)/sqrt(5 + ε), γ = 1, β = 0.
  const x = tf.tensor3d([1, 3, 5, 7], [1, 1, 4]);
  const attrs = groupAttrs(
    ops,
    { rows: 1, spatial: 1, channels: 4, groups: 1, perElementAffine: false },
    0,
    false,
  );
  const [y] = ops.run('NormlabGroupNorm', attrs, [x, tf.ones([4]), tf.zeros([4])], 3);
  const v = y.dataSync();
  return Math.abs(v[0] + 3 / Math.sqrt(5)) < 1e-6 && Math.abs(v[3] - 3 / Math.sqrt(5)) < 1e-6;
});

/** The ops when the compiled kernels run for float32 `x` here; `null` otherwise. */
function kernelOps(x: tf.Tensor): TensorflowOps | null {
  if (x.dtype !== 'float32') return null;
  const ops = tensorflowOps();
  if (!ops || !kernels || !kernelsProbe(ops)) return null;
  return ops;
}

/**
 * Whether normlab's compiled normalization kernels run now (tfjs-node, native kernels on, the
 * module built by setup loaded and probed).
 *
 * @example
 * ```ts
 * await initBackend();
 * console.log(normKernelsActive()); // true after a successful setup on tfjs-node
 * ```
 */
export function normKernelsActive(): boolean {
  const ops = tensorflowOps();
  return ops !== null && kernels !== null && kernelsProbe(ops);
}

function groupAttrs(ops: TensorflowOps, layout: NormKernelLayout, epsilon: number, relu: boolean): OpAttr[] {
  return [ops.ints('groups', layout.groups), ...commonAttrs(ops, layout, epsilon, relu)];
}

function commonAttrs(ops: TensorflowOps, layout: NormKernelLayout, epsilon: number, relu: boolean): OpAttr[] {
  return [
    ops.ints('spatial', layout.spatial),
    ops.float('epsilon', epsilon),
    ops.bool('relu', relu),
    ops.bool('per_element_affine', layout.perElementAffine),
  ];
}

/**
 * The op pairs: the centred statistics (group, instance and layer norm) and RMS norm's. The
 * forward returns the output and `statistics` tensors the backward takes after x, γ and β.
 */
const PAIRS = {
  group: { forward: 'NormlabGroupNorm', backward: 'NormlabGroupNormGrad', statistics: 2, attrs: groupAttrs },
  rms: { forward: 'NormlabRmsNorm', backward: 'NormlabRmsNormGrad', statistics: 1, attrs: commonAttrs },
} as const;

/** An op pair with its attributes for one call. */
interface KernelPair {
  forward: string;
  backward: string;
  statistics: number;
  attrs: OpAttr[];
}

/**
 * Run `pair` on x, differentiable w.r.t. x, γ and β. The ops read x as `[rows, spatial, channels]`
 * from its last axis and the `spatial` attribute, and shape each output like the input it belongs
 * to, so nothing is reshaped on the way in or out (each reshape is an op call on tfjs-node).
 */
function runPair(
  ops: TensorflowOps,
  pair: KernelPair,
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
): tf.Tensor {
  const op = tf.customGrad((xs, g, b, save) => {
    const inputs = [xs, g, b] as tf.Tensor[];
    const [y, ...statistics] = ops.run(pair.forward, pair.attrs, inputs, 1 + pair.statistics);
    (save as tf.GradSaveFunc)([...inputs, ...statistics]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        refuseHigherOrder(pair.backward);
        return ops.run(pair.backward, pair.attrs, [dy, ...saved], 3);
      },
    };
  });
  // The statistics the forward saves for the backward are released with the scope when no
  // gradient is being recorded.
  return tf.tidy(() => op(x, gamma, beta) as tf.Tensor);
}

/** The op pair of `kind` on `x`, or `null` when the compiled kernels do not run here. */
function runKind(
  kind: keyof typeof PAIRS,
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  layout: NormKernelLayout,
  epsilon: number,
  relu: boolean,
): tf.Tensor | null {
  const ops = kernelOps(x);
  if (!ops) return null;
  const pair = PAIRS[kind];
  return runPair(ops, { ...pair, attrs: pair.attrs(ops, layout, epsilon, relu) }, x, gamma, beta);
}

/**
 * Group norm of `x` seen through `layout` (also instance norm, `groups = channels`, and layer norm,
 * `groups = 1`): `y = γ·(x − μ)/sqrt(σ² + ε) + β`, μ and σ² the mean and biased variance per row
 * and group, then `relu(y)` when `relu`. Differentiable w.r.t. `x`, γ and β.
 *
 * @param x float32 input whose last axis holds the `channels` and whose size is
 *   `rows·spatial·channels`, laid out row-major as that view.
 * @param gamma γ (`channels` values, or `spatial·channels` with `layout.perElementAffine`).
 * @param beta β, as γ.
 * @param layout how `x` maps onto the kernels' view.
 * @param epsilon ε > 0.
 * @param relu apply a ReLU to the output (and its gradient in the backward).
 * @returns the output, `x`'s shape, or `null` when the compiled kernels do not run here.
 */
export function nativeGroupNorm(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  layout: NormKernelLayout,
  epsilon: number,
  relu: boolean,
): tf.Tensor | null {
  return runKind('group', x, gamma, beta, layout, epsilon, relu);
}

/**
 * RMS norm of `x` seen through `layout` (`groups` must be 1): `y = γ·x/sqrt(mean(x²) + ε) + β`, the
 * mean per row, then `relu(y)` when `relu`. Differentiable w.r.t. `x`, γ and β.
 *
 * @param x float32 input whose last axis holds the `channels` and whose size is
 *   `rows·spatial·channels`.
 * @param gamma γ (`channels` values, or `spatial·channels` with `layout.perElementAffine`).
 * @param beta β, as γ (zeros for RMS norm without β).
 * @param layout how `x` maps onto the kernels' view.
 * @param epsilon ε > 0.
 * @param relu apply a ReLU to the output (and its gradient in the backward).
 * @returns the output, `x`'s shape, or `null` when the compiled kernels do not run here.
 */
export function nativeRmsNorm(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  layout: NormKernelLayout,
  epsilon: number,
  relu: boolean,
): tf.Tensor | null {
  return runKind('rms', x, gamma, beta, layout, epsilon, relu);
}
