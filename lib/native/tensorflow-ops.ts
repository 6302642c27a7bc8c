/**
 * Run TensorFlow ops by name on tfjs-node's `tensorflow` backend, without importing tfjs-node.
 *
 * tfjs-node's backend object exposes `executeMultipleOutputs(name, attrs, inputs, n)`, which runs
 * any TensorFlow op eagerly and returns tfjs tensors owned by the engine (so `tf.tidy` and
 * `dispose` work on them as on any tensor). normlab's native fast paths use it for ops tfjs has
 * no kernel for (`FusedBatchNormV3` in training mode, `FusedBatchNormGradV3`, `ReluGrad`). Tensors
 * made this way carry no gradient: every native op is wrapped in `tf.customGrad` with a native
 * gradient of its own.
 *
 * Detection is at run time: {@link tensorflowOps} returns `null` unless the active backend is
 * `tensorflow` and has that method (and native kernels are not switched off with
 * {@link setNativeKernels}), and inside nested gradient tapes, where a gradient may itself be
 * differentiated (lib/native/gradient-order.ts); callers then take their portable path, which is
 * what runs in a browser and on the `cpu` backend.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { gradientMayBeDifferentiated } from './gradient-order';

/** An op attribute as tfjs-node's binding takes it. */
export interface OpAttr {
  name: string;
  type: number;
  value: number | boolean | string | number[];
}

/** The part of tfjs-node's binding the native paths use: attribute type codes and dtype codes. */
interface Binding {
  TF_ATTR_FLOAT: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_STRING: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_INT: number;
  TF_ATTR_SHAPE: number;
  TF_FLOAT: number;
  TF_INT32: number;
}

/** The part of tfjs-node's backend object the native paths use. */
interface TensorflowBackend {
  binding: Binding;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: tf.Tensor[], numOutputs: number): tf.Tensor[];
}

/** Runs TensorFlow ops by name, with helpers that build their attributes. */
export interface TensorflowOps {
  /** Run op `name` with `attrs` on `inputs`; returns its first `numOutputs` outputs. */
  run(name: string, attrs: OpAttr[], inputs: tf.Tensor[], numOutputs: number): tf.Tensor[];
  /** A float attribute. */
  float(name: string, value: number): OpAttr;
  /** A boolean attribute. */
  bool(name: string, value: boolean): OpAttr;
  /** A string attribute. */
  string(name: string, value: string): OpAttr;
  /** A type attribute set to float32 (normlab's layers compute in float32). */
  float32Type(name: string): OpAttr;
  /** A shape attribute. */
  shape(name: string, dims: readonly number[]): OpAttr;
  /** An integer or integer-list attribute (strides, kernel sizes). */
  ints(name: string, values: number | readonly number[]): OpAttr;
}

/** `NORMLAB_NATIVE_KERNELS=0` in the environment (Node only) starts with native kernels off. */
function nativeKernelsFromEnvironment(): boolean {
  const env = typeof process !== 'undefined' ? process.env : undefined;
  return env?.NORMLAB_NATIVE_KERNELS !== '0';
}

let nativeKernelsOn = nativeKernelsFromEnvironment();

/**
 * Switch normlab's native TensorFlow kernels on (the default; `NORMLAB_NATIVE_KERNELS=0` in the
 * environment makes off the default) or off. Off, every layer and the
 * trainer take their portable tfjs paths even on tfjs-node: the same numbers to float32 round-off
 * (the tests check both paths against the same fixtures), slower. Useful to compare the two or to
 * rule the native paths out when debugging.
 *
 * @param enabled `true` to use native kernels where the backend has them, `false` for portable code.
 *
 * @example
 * ```ts
 * setNativeKernels(false); // compare with the portable tfjs code path
 * const portable = await train(model, data, config);
 * setNativeKernels(true);
 * ```
 */
export function setNativeKernels(enabled: boolean): void {
  nativeKernelsOn = enabled;
}

/**
 * Whether normlab's native kernels run now: switched on ({@link setNativeKernels}), the active
 * backend is tfjs-node's `tensorflow` backend, and no gradient being recorded may be differentiated
 * (outside nested gradient tapes).
 *
 * @example
 * ```ts
 * await initBackend();
 * console.log(nativeKernelsActive()); // true on tfjs-node
 * ```
 */
export function nativeKernelsActive(): boolean {
  return tensorflowOps() !== null;
}

let cached: { backend: object; ops: TensorflowOps } | null = null;

function isTensorflowBackend(backend: unknown): backend is TensorflowBackend {
  const b = backend as Partial<TensorflowBackend> | null;
  return typeof b?.executeMultipleOutputs === 'function' && typeof b.binding?.TF_ATTR_FLOAT === 'number';
}

/**
 * The native op runner when native kernels are on and the active backend is tfjs-node's
 * `tensorflow` backend; `null` otherwise (take the portable path). Also `null` inside nested
 * gradient tapes ({@link gradientMayBeDifferentiated}), where the op's gradient may be
 * differentiated: a native op's gradient is invisible to the enclosing tape, the portable one's is
 * not.
 *
 * @param use `{ differentiated: false }` for code whose result is never differentiated (an
 *   optimizer's update, a kernel the caller already chose): the nested-tape rule does not apply.
 */
export function tensorflowOps(use: { differentiated?: boolean } = {}): TensorflowOps | null {
  if (!nativeKernelsOn || tf.getBackend() !== 'tensorflow') return null;
  if (use.differentiated !== false && gradientMayBeDifferentiated()) return null;
  const backend = tf.backend();
  if (cached?.backend === backend) return cached.ops;
  if (!isTensorflowBackend(backend)) return null;
  const b = backend.binding;
  const ops: TensorflowOps = {
    run: (name, attrs, inputs, numOutputs) => backend.executeMultipleOutputs(name, attrs, inputs, numOutputs),
    float: (name, value) => ({ name, type: b.TF_ATTR_FLOAT, value }),
    bool: (name, value) => ({ name, type: b.TF_ATTR_BOOL, value }),
    string: (name, value) => ({ name, type: b.TF_ATTR_STRING, value }),
    float32Type: (name) => ({ name, type: b.TF_ATTR_TYPE, value: b.TF_FLOAT }),
    shape: (name, dims) => ({ name, type: b.TF_ATTR_SHAPE, value: [...dims] }),
    ints: (name, values) => ({
      name,
      type: b.TF_ATTR_INT,
      value: typeof values === 'number' ? values : [...values],
    }),
  };
  cached = { backend, ops };
  return ops;
}

/**
 * A check, made once per backend object, that a kernel exists and gives the expected numbers (a
 * TensorFlow build without oneDNN lacks the oneDNN kernels normlab runs by name). `probe` runs
 * inside `tf.tidy`; an exception counts as "no".
 *
 * @param probe runs the kernel on a tiny input and says whether the result is right.
 * @returns a function that answers from the cache after the first call on each backend.
 */
export function probedOncePerBackend(
  probe: (ops: TensorflowOps) => boolean,
): (ops: TensorflowOps) => boolean {
  const answers = new WeakMap<object, boolean>();
  return (ops) => {
    const backend = tf.backend();
    let has = answers.get(backend);
    if (has === undefined) {
      has = tf.tidy(() => {
        try {
          return probe(ops);
        } catch {
          return false;
        }
      });
      answers.set(backend, has);
    }
    return has;
  };
}
