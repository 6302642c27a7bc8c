/**
 * Internal covariate shift measured through gradients (Santurkar et al. 2018, "How Does Batch
 * Normalization Help Optimization?", Definition 2.1): for layer i, compare
 * `G = ∇_{W_i} L(W_1, …, W_k)` with `G′ = ∇_{W_i} L(W_1′, …, W_{i−1}′, W_i, …, W_k)`, the same
 * gradient after the earlier layers took their own gradient step `W_j′ = W_j − η·∇_{W_j} L`, on
 * the same batch. A layer whose input distribution shifts a lot when the layers below it move
 * sees its gradient change a lot: large ‖G − G′‖, cosine well below 1.
 *
 * @module
 */
import { assignStep, type LossAndGradient, lossAndGradient, type Objective, readValues } from './objective';
import { concatVectors, cosineSimilarity, l2Distance, l2Norm } from './vectors';

/** How much one layer's gradient changed. */
export interface GradientShift {
  /** ‖G‖. */
  gradNorm: number;
  /** ‖G − G′‖. */
  shiftNorm: number;
  /** ‖G − G′‖ / ‖G‖ (NaN when G = 0). */
  relativeShift: number;
  /** cos(G, G′) (NaN when either is 0). */
  cosine: number;
}

/** The shift of one layer's gradient, with the layer's position and name. */
export interface LayerGradientShift extends GradientShift {
  /** Layer index (0-based; layer 0 has no earlier layers and is not measured). */
  layer: number;
  /** Layer name. */
  name: string;
}

/** An objective whose variables belong to an ordered list of layers. */
export interface LayeredObjective extends Objective {
  /** For each variable, the index of its layer (0 = first), non-decreasing is not required. */
  layerOf: number[];
  /** Name of each layer, by index. */
  layerNames: string[];
}

/**
 * Compare two gradients of the same layer: ‖G‖, ‖G − G′‖, the ratio and the cosine.
 *
 * @example
 * ```ts
 * gradientShift([3, 4], [3, 0]); // { gradNorm: 5, shiftNorm: 4, relativeShift: 0.8, cosine: 0.6 }
 * ```
 */
export function gradientShift(g: ArrayLike<number>, gPrime: ArrayLike<number>): GradientShift {
  const gradNorm = l2Norm(g);
  const shiftNorm = l2Distance(g, gPrime);
  return {
    gradNorm,
    shiftNorm,
    relativeShift: gradNorm > 0 ? shiftNorm / gradNorm : Number.NaN,
    cosine: cosineSimilarity(g, gPrime),
  };
}

/**
 * Measure the gradient-based internal covariate shift of every layer but the first (Definition
 * 2.1 above). The variables are restored to their values at the call before it returns.
 *
 * @param objective - the loss and its variables, each assigned to a layer.
 * @param learningRate - η of the earlier layers' plain gradient step (the run's learning rate).
 * @param base - the loss and gradient at the current values, if already computed.
 * @returns the shift of each layer 1..k−1, and the base loss and gradient (for reuse).
 *
 * @example
 * ```ts
 * const objective = modelObjective(model, probeBatch(data.validation, 256, 1));
 * const { shifts } = internalCovariateShift(objective, 0.1); // per layer: ‖G − G′‖ and cos(G, G′)
 * ```
 */
export function internalCovariateShift(
  objective: LayeredObjective,
  learningRate: number,
  base?: LossAndGradient,
): { shifts: LayerGradientShift[]; base: LossAndGradient } {
  if (!(Number.isFinite(learningRate) && learningRate > 0))
    throw new Error(`learningRate must be a finite number > 0; got ${learningRate}`);
  if (objective.layerOf.length !== objective.variables.length)
    throw new Error(
      `layerOf has ${objective.layerOf.length} entries for ${objective.variables.length} variables`,
    );
  const values = readValues(objective.variables);
  const at = base ?? lossAndGradient(objective, 0);
  const shifts: LayerGradientShift[] = [];
  try {
    for (let layer = 1; layer < objective.layerNames.length; layer++) {
      const mine = objective.layerOf.map((l, i) => (l === layer ? i : -1)).filter((i) => i >= 0);
      if (mine.length === 0) continue;
      // Earlier layers take their step; this layer and later ones keep their values.
      const direction = objective.layerOf.map((l, i) => (l < layer ? at.gradients[i] : null));
      assignStep(objective.variables, values, direction, learningRate);
      const shifted = lossAndGradient(objective, layer);
      const g = concatVectors(mine.map((i) => at.gradients[i]));
      const gPrime = concatVectors(mine.map((i) => shifted.gradients[i]));
      shifts.push({ layer, name: objective.layerNames[layer], ...gradientShift(g, gPrime) });
    }
  } finally {
    assignStep(objective.variables, values, [], 0);
  }
  return { shifts, base: at };
}
