/**
 * SGD with momentum whose update runs in place on TensorFlow's `ResourceApplyMomentum` kernel
 * (tfjs-node's `tensorflow` backend), and as tfjs' own `MomentumOptimizer` everywhere else.
 *
 * tfjs' momentum update costs four full-size ops per variable, each allocating a new tensor
 * (`v ← m·v + g`, `w ← w − lr·v`). Here each trained variable gets a mirror in a TensorFlow
 * resource variable plus a resource accumulator; a step is one `ResourceApplyMomentum` (both
 * updates, in place, in one pass) and one `ReadVariableOp` whose result the tfjs variable then
 * holds. TensorFlow copies a resource's buffer before updating it while a read of it is alive, so
 * tensors read earlier never change. A tfjs variable written by anything else between steps
 * (`setWeights`, `assign`) is noticed and copied into its mirror before the next update.
 *
 * The numbers are tfjs' momentum update to float32 round-off: `v ← m·v + g; w ← w − lr·v`, with
 * the learning rate and momentum read at every step (a schedule may change the learning rate
 * before each one; unlike tfjs 4.22's own optimizer, whose momentum scalar is made once, a
 * `setMomentum` takes effect here on both paths). The path (native or portable) is chosen at the
 * first update and kept (an update is never differentiated, so nested gradient tapes do not enter
 * into it): the accumulators live on one side only.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { type TensorflowOps, tensorflowOps } from './tensorflow-ops';

/**
 * TensorFlow's shared name for anonymous resources (`ResourceHandle::ANONYMOUS_NAME`): a resource
 * made with it is not registered by name and is freed with its last handle.
 */
const ANONYMOUS_RESOURCE = 'cd2c89b7-88b7-44c8-ad83-06c2a9158347';

/** What `applyGradients` takes: gradients by variable name. */
type VariableGradients = Parameters<tf.MomentumOptimizer['applyGradients']>[0];

/** A trained variable's TensorFlow mirror. */
interface Mirror {
  /** Resource handle of the variable's value. */
  value: tf.Tensor;
  /** Resource handle of its momentum accumulator. */
  accumulator: tf.Tensor;
  /** The tfjs data the variable held after our last write (another one means it was changed). */
  lastData: object | null;
}

/**
 * `tf.train.momentum` (heavy ball, no Nesterov) with the update on TensorFlow's
 * `ResourceApplyMomentum` when tfjs-node's `tensorflow` backend runs and native kernels are on.
 * The caller disposes it (`dispose()` frees the TensorFlow resources too).
 */
export class FusedMomentumOptimizer extends tf.MomentumOptimizer {
  private native: TensorflowOps | null | undefined = undefined;
  private readonly mirrors = new Map<string, Mirror>();
  private scalars: { lr: number; momentum: number; lrTensor: tf.Tensor; momentumTensor: tf.Tensor } | null =
    null;
  /** The momentum (tfjs keeps its own copy private). */
  private momentumValue: number;

  /**
   * @param learningRate the learning rate (change it with `setLearningRate`).
   * @param momentum the momentum `m` in `v ← m·v + g` (change it with `setMomentum`).
   */
  constructor(learningRate: number, momentum: number) {
    super(learningRate, momentum, false);
    this.momentumValue = momentum;
  }

  override setMomentum(momentum: number): void {
    super.setMomentum(momentum);
    this.momentumValue = momentum;
    // tfjs' portable update reads its scalar `m`, made once in its constructor: replace it.
    const fields = this as unknown as { m: tf.Scalar };
    fields.m.dispose();
    fields.m = tf.keep(tf.scalar(momentum));
  }

  override applyGradients(variableGradients: VariableGradients): void {
    // An update is never differentiated: the nested-tape rule must not decide this for good.
    if (this.native === undefined) this.native = tensorflowOps({ differentiated: false });
    const ops = this.native;
    if (!ops) {
      super.applyGradients(variableGradients);
      return;
    }
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map((v) => [v.name, v.tensor] as const)
      : Object.entries(variableGradients);
    const { lrTensor, momentumTensor } = this.currentScalars();
    const floatType = ops.float32Type('T');
    const dtype = ops.float32Type('dtype');
    const flags = [ops.bool('use_locking', false), ops.bool('use_nesterov', false)];
    for (const [name, gradient] of entries) {
      if (gradient == null) continue;
      const variable = tf.engine().registeredVariables[name];
      const mirror = this.mirrorOf(ops, name, variable);
      ops.run(
        'ResourceApplyMomentum',
        [floatType, ...flags],
        [mirror.value, mirror.accumulator, lrTensor, gradient, momentumTensor],
        0,
      );
      const [updated] = ops.run('ReadVariableOp', [dtype], [mirror.value], 1);
      variable.assign(updated);
      updated.dispose(); // the variable keeps the data
      mirror.lastData = variable.dataId;
    }
    this.incrementIterations();
  }

  override dispose(): void {
    for (const mirror of this.mirrors.values()) tf.dispose([mirror.value, mirror.accumulator]);
    this.mirrors.clear();
    if (this.scalars) tf.dispose([this.scalars.lrTensor, this.scalars.momentumTensor]);
    this.scalars = null;
    super.dispose();
  }

  /** The learning rate and momentum as scalars, remade only when they change. */
  private currentScalars(): { lrTensor: tf.Tensor; momentumTensor: tf.Tensor } {
    const s = this.scalars;
    if (s && s.lr === this.learningRate && s.momentum === this.momentumValue) return s;
    if (s) tf.dispose([s.lrTensor, s.momentumTensor]);
    this.scalars = {
      lr: this.learningRate,
      momentum: this.momentumValue,
      lrTensor: tf.keep(tf.scalar(this.learningRate)),
      momentumTensor: tf.keep(tf.scalar(this.momentumValue)),
    };
    return this.scalars;
  }

  /** The variable's mirror, made (value copied, accumulator zero) on first use and resynced if needed. */
  private mirrorOf(ops: TensorflowOps, name: string, variable: tf.Variable): Mirror {
    let mirror = this.mirrors.get(name);
    if (!mirror) {
      const handle = (): tf.Tensor =>
        tf.keep(
          ops.run(
            'VarHandleOp',
            [
              ops.float32Type('dtype'),
              ops.shape('shape', variable.shape),
              ops.string('container', ''),
              ops.string('shared_name', ANONYMOUS_RESOURCE),
            ],
            [],
            1,
          )[0],
        );
      mirror = { value: handle(), accumulator: handle(), lastData: null };
      tf.tidy(() => {
        ops.run(
          'AssignVariableOp',
          [ops.float32Type('dtype')],
          [mirror!.accumulator, tf.zerosLike(variable)],
          0,
        );
      });
      this.mirrors.set(name, mirror);
    }
    if (mirror.lastData !== variable.dataId) {
      ops.run('AssignVariableOp', [ops.float32Type('dtype')], [mirror.value, variable], 0);
      mirror.lastData = variable.dataId;
    }
    return mirror;
  }
}
