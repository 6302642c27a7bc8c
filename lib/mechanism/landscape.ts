/**
 * Loss-landscape probes along the gradient (Santurkar et al. 2018, §3.1 and Figure 4): from the
 * current parameters w with gradient g, step to `w − η·g` for several step sizes η and record
 * - the loss there (its range over η: how much the loss varies along the step, "loss landscape");
 * - the change of the gradient, ‖g − ∇L(w − η·g)‖ ("gradient predictiveness": a small change
 *   means the gradient at w predicts the gradient a step away);
 * - the effective β-smoothness, `max_η ‖g − ∇L(w − η·g)‖ / ‖η·g‖`, a local estimate of the
 *   gradient's Lipschitz constant along the step (for a quadratic, at most the top eigenvalue of
 *   its Hessian).
 *
 * @module
 */
import { assignStep, type LossAndGradient, lossAndGradient, type Objective, readValues } from './objective';
import { concatVectors, l2Distance, l2Norm } from './vectors';

/** What one landscape probe found. */
export interface LandscapeProbe {
  /** The step sizes η, ascending. */
  stepSizes: number[];
  /** L(w − η·g) for each η (non-finite values kept: a step can blow the loss up). */
  losses: number[];
  /** ‖g − ∇L(w − η·g)‖ for each η. */
  gradientChanges: number[];
  /** ‖g‖ at w. */
  gradNorm: number;
  /** L(w). */
  loss: number;
  /** max − min of `losses`. */
  lossRange: number;
  /** max of `gradientChanges`. */
  maxGradientChange: number;
  /** max over η of ‖g − ∇L(w − η·g)‖ / (η‖g‖); NaN when g = 0. */
  betaSmoothness: number;
}

/**
 * Probe the loss along the negative gradient at the current parameters. The variables are
 * restored before it returns.
 *
 * @param objective - the loss and its variables.
 * @param stepSizes - the step sizes η, each a finite number > 0.
 * @param base - the loss and gradient at the current values, if already computed.
 * @example
 * ```ts
 * const probe = probeLandscape(objective, [0.025, 0.05, 0.1, 0.2]);
 * probe.betaSmoothness; // ≈ the Hessian's top eigenvalue for a quadratic along an eigenvector
 * ```
 */
export function probeLandscape(
  objective: Objective,
  stepSizes: readonly number[],
  base?: LossAndGradient,
): LandscapeProbe {
  if (stepSizes.length === 0 || stepSizes.some((s) => !(Number.isFinite(s) && s > 0)))
    throw new Error(
      `stepSizes must be a non-empty list of finite numbers > 0; got [${stepSizes.join(', ')}]`,
    );
  const sizes = [...stepSizes].sort((a, b) => a - b);
  const values = readValues(objective.variables);
  const at = base ?? lossAndGradient(objective, 0);
  const g = concatVectors(at.gradients);
  const gradNorm = l2Norm(g);
  const losses: number[] = [];
  const gradientChanges: number[] = [];
  try {
    for (const eta of sizes) {
      assignStep(objective.variables, values, at.gradients, eta);
      const there = lossAndGradient(objective, 0);
      losses.push(there.loss);
      gradientChanges.push(l2Distance(g, concatVectors(there.gradients)));
    }
  } finally {
    assignStep(objective.variables, values, [], 0);
  }
  const finiteLosses = losses.filter(Number.isFinite);
  const allFinite = finiteLosses.length === losses.length;
  return {
    stepSizes: sizes,
    losses,
    gradientChanges,
    gradNorm,
    loss: at.loss,
    lossRange: allFinite ? Math.max(...losses) - Math.min(...losses) : Number.POSITIVE_INFINITY,
    maxGradientChange: Math.max(
      ...gradientChanges.map((c) => (Number.isNaN(c) ? Number.POSITIVE_INFINITY : c)),
    ),
    betaSmoothness:
      gradNorm > 0
        ? Math.max(
            ...gradientChanges.map((c, i) =>
              Number.isNaN(c) ? Number.POSITIVE_INFINITY : c / (sizes[i] * gradNorm),
            ),
          )
        : Number.NaN,
  };
}
