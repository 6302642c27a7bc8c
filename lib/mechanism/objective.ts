/**
 * A differentiable objective over a list of variables (a model's loss on a fixed batch, or a
 * small closed-form function in tests), and the operations the probes need on it: the loss and
 * its gradient as plain arrays, and moving the variables to `w − η·d` and back.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';

/** A scalar loss of some variables. */
export interface Objective {
  /** The variables the loss depends on (the parameters being probed). */
  variables: tf.Variable[];
  /** The loss at the variables' current values (called inside a gradient tape). */
  loss: () => tf.Scalar;
  /**
   * Called before every evaluation of the loss with the number of leading layers whose random
   * state should take its next step (0 = hold everything as at the probe's start). Only layered
   * objectives with noise use it (see `modelObjective`); default: nothing.
   */
  beforeEvaluation?: (advancedLayers: number) => void;
}

/** The loss and its gradient, one flattened array per variable. */
export interface LossAndGradient {
  /** The loss value. */
  loss: number;
  /** ∂loss/∂variable, flattened, in the order of `Objective.variables`. */
  gradients: Float32Array[];
}

/**
 * Evaluate the loss and its gradient with respect to every variable (zeros for a variable the
 * loss does not depend on). Leaves no tensor behind.
 *
 * @param objective - the objective.
 * @param advancedLayers - passed to `objective.beforeEvaluation` (default 0).
 *
 * @example
 * ```ts
 * const { loss, gradients } = lossAndGradient(modelObjective(model, probeBatch(data.validation, 256, 1)));
 * ```
 */
export function lossAndGradient(objective: Objective, advancedLayers = 0): LossAndGradient {
  objective.beforeEvaluation?.(advancedLayers);
  const { value, grads } = tf.variableGrads(objective.loss, objective.variables);
  try {
    const gradients = objective.variables.map((v) => {
      const g = grads[v.name];
      return g ? (g.dataSync() as Float32Array).slice() : new Float32Array(v.size);
    });
    return { loss: value.dataSync()[0], gradients };
  } finally {
    value.dispose();
    tf.dispose(Object.values(grads));
  }
}

/** The variables' current values, copied into plain arrays. */
export function readValues(variables: readonly tf.Variable[]): Float32Array[] {
  return variables.map((v) => (v.dataSync() as Float32Array).slice());
}

/**
 * Set each variable to `base − step·direction` (per variable; a `step` of 0 or a null direction
 * restores `base`). Leaves no tensor behind.
 *
 * @param variables - the variables to set.
 * @param base - their base values (as from {@link readValues}).
 * @param direction - one array per variable, or null to skip that variable's step.
 * @param step - the step size η.
 */
export function assignStep(
  variables: readonly tf.Variable[],
  base: readonly Float32Array[],
  direction: readonly (Float32Array | null)[],
  step: number,
): void {
  variables.forEach((v, i) => {
    const d = direction[i];
    const values = new Float32Array(base[i]);
    if (d && step !== 0) for (let j = 0; j < values.length; j++) values[j] -= step * d[j];
    tf.tidy(() => {
      v.assign(tf.tensor(values, v.shape, 'float32'));
    });
  });
}
