/**
 * "Noisy" batch normalization: batch norm whose output distribution is shifted and rescaled by a
 * random amount that changes every training step. A diagnostic layer for the question "does batch
 * norm work by keeping each layer's input distribution stable?" (Santurkar et al. 2018, §2.1): it
 * keeps batch norm's normalization and its gradient, but puts the distributional instability
 * ("internal covariate shift") back in on purpose.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed, seededRandom } from '../data/random';
import type { CallKwargs } from '../layers/tfjs-types';
import { resolveAxis } from '../layers/validate';
import { BatchNormalization, type BatchNormalizationArgs } from './batch-normalization';

let noisyCount = 0;

/**
 * Default bound of the per-step shift: μ ~ U(−0.5, 0.5).
 *
 * @example
 * ```ts
 * const layer = new NoisyBatchNormalization({ maxShift: NOISY_BN_DEFAULT_MAX_SHIFT * 2 });
 * ```
 */
export const NOISY_BN_DEFAULT_MAX_SHIFT = 0.5;
/**
 * Default bound of the per-step scale: σ ~ U(1, 1.5).
 *
 * @example
 * ```ts
 * const layer = new NoisyBatchNormalization({ maxScale: NOISY_BN_DEFAULT_MAX_SCALE });
 * ```
 */
export const NOISY_BN_DEFAULT_MAX_SCALE = 1.5;

/** Options of {@link NoisyBatchNormalization}: batch norm's, plus the noise's. */
export interface NoisyBatchNormalizationArgs extends BatchNormalizationArgs {
  /** Bound of the per-step, per-channel shift μ ~ U(−maxShift, maxShift); a finite number ≥ 0. Default 0.5. */
  maxShift?: number;
  /** Bound of the per-step, per-channel scale σ ~ U(1, maxScale); a finite number ≥ 1. Default 1.5. */
  maxScale?: number;
  /** Seed of the noise sequence (an integer ≥ 0). Default 0. */
  noiseSeed?: number;
}

/** One step's noise: a shift and a scale per channel. */
export interface NoiseDraw {
  /** μ_c, in `[−maxShift, maxShift)`. */
  shift: Float32Array;
  /** σ_c, in `[1, maxScale)`. */
  scale: Float32Array;
}

/**
 * The `index`-th noise draw of a {@link NoisyBatchNormalization} layer: per channel, a shift
 * μ ~ U(−maxShift, maxShift) and a scale σ ~ U(1, maxScale), from a seeded generator (the same
 * numbers on every backend and platform). Exported so tests and notebooks can recompute the noise.
 *
 * @param seed - the layer's `noiseSeed`.
 * @param index - the draw's index (0 for the first training step, 1 for the second, ...).
 * @param channels - the number of channels.
 * @param maxShift - bound of the shift (≥ 0).
 * @param maxScale - bound of the scale (≥ 1).
 *
 * @example
 * ```ts
 * const { shift, scale } = noisyBatchNormDraw(7, 0, 16, 0.5, 1.5); // seed 7, step 0, 16 channels
 * ```
 */
export function noisyBatchNormDraw(
  seed: number,
  index: number,
  channels: number,
  maxShift: number,
  maxScale: number,
): NoiseDraw {
  const rand = seededRandom(deriveSeed(seed, index));
  const shift = new Float32Array(channels);
  const scale = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    shift[c] = (2 * rand() - 1) * maxShift;
    scale[c] = 1 + rand() * (maxScale - 1);
  }
  return { shift, scale };
}

function checkBound(value: number, lowest: number, option: string): number {
  if (!(Number.isFinite(value) && value >= lowest))
    throw new Error(`${option} must be a finite number ≥ ${lowest}; got ${JSON.stringify(value)}`);
  return value;
}

/**
 * Batch normalization followed by time-varying noise with a non-zero mean and a non-unit
 * variance, after Santurkar et al. (2018, "How Does Batch Normalization Help Optimization?",
 * §2.1).
 *
 * **Training** (`training: true`): `y = σ_c·BN(x) + μ_c`, where `BN(x) = γ·(x − μ_B)/sqrt(σ²_B + ε) + β`
 * is exactly {@link BatchNormalization}'s training output (running statistics updated as there),
 * and every training call (every step) draws, for each channel c, a new shift
 * `μ_c ~ U(−maxShift, maxShift)` and scale `σ_c ~ U(1, maxScale)` (`noisyBatchNormDraw`).
 * So each channel reaches the next layer with a mean and a spread that batch norm had fixed and
 * that now jump from step to step: the internal covariate shift batch norm is said to remove.
 * **Inference** (`training` false or absent, or `trainable = false`): batch norm with the running
 * statistics and the noise replaced by its expectation, `y = E[σ]·BN(x) + E[μ] = (1 + maxScale)/2 · BN(x)`
 * (as dropout scales by its keep probability), so the next layer sees on average what it was
 * trained on.
 *
 * Arguments (besides batch norm's, with its defaults): `maxShift` (default 0.5), `maxScale`
 * (default 1.5), `noiseSeed` (default 0). Weights: batch norm's `[gamma, beta, movingMean,
 * movingVariance]`; the noise has no weights.
 *
 * The draw counter ({@link drawCount}) and {@link holdNoise} are run-time state, not part of the
 * config: measurement code (lib/mechanism) holds the noise fixed while it probes the loss, and
 * restores the counter afterwards so probing does not change the training run's noise.
 *
 * Registered for serialization as `normlab>NoisyBatchNormalization`.
 *
 * @example
 * ```ts
 * const layer = new NoisyBatchNormalization({ maxShift: 0.5, maxScale: 1.5, noiseSeed: 3 });
 * const y = layer.apply(tf.randomNormal([8, 4]), { training: true }); // shifted, rescaled BN output
 * ```
 */
export class NoisyBatchNormalization extends BatchNormalization {
  /** The registered class name. */
  static override className = 'normlab>NoisyBatchNormalization';
  /** Bound of the per-step shift. */
  readonly maxShift: number;
  /** Bound of the per-step scale. */
  readonly maxScale: number;
  /** Seed of the noise sequence. */
  readonly noiseSeed: number;
  /** Noise draws made so far (the next training call uses draw number `drawCount`). */
  drawCount = 0;
  /** When true, training calls reuse the last draw instead of drawing a new one. Default false. */
  holdNoise = false;
  private lastDraw: NoiseDraw | null = null;

  constructor(args: NoisyBatchNormalizationArgs = {}) {
    const { maxShift, maxScale, noiseSeed, ...bn } = args;
    if ((bn.activation ?? 'linear') !== 'linear') {
      throw new Error(
        `NoisyBatchNormalization: activation must be 'linear' (the noise comes after the normalization); ` +
          `got ${JSON.stringify(bn.activation)}`,
      );
    }
    super({ ...bn, name: bn.name ?? `normlab_noisy_batch_norm_${++noisyCount}` });
    this.maxShift = checkBound(maxShift ?? NOISY_BN_DEFAULT_MAX_SHIFT, 0, 'maxShift');
    this.maxScale = checkBound(maxScale ?? NOISY_BN_DEFAULT_MAX_SCALE, 1, 'maxScale');
    const seed = noiseSeed ?? 0;
    if (!(Number.isInteger(seed) && seed >= 0))
      throw new Error(`noiseSeed must be an integer ≥ 0; got ${JSON.stringify(noiseSeed)}`);
    this.noiseSeed = seed;
  }

  /** The noise the next training call will use (a new draw, or the held one). */
  nextDraw(channels: number): NoiseDraw {
    if (this.holdNoise && this.lastDraw && this.lastDraw.shift.length === channels) return this.lastDraw;
    this.lastDraw = noisyBatchNormDraw(
      this.noiseSeed,
      this.drawCount++,
      channels,
      this.maxShift,
      this.maxScale,
    );
    return this.lastDraw;
  }

  /**
   * Batch-normalize `inputs`; in training, then apply this step's noise draw (a per-channel scale and
   * shift); at inference, use the running statistics and multiply by the noise's expected scale.
   */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor {
    const training = kwargs?.training === true && this.trainable;
    if (!training) {
      const expectedScale = (1 + this.maxScale) / 2;
      return tf.tidy(() => tf.mul(super.call(inputs, kwargs), expectedScale));
    }
    return tf.tidy(() => {
      const normalized = super.call(inputs, kwargs);
      const axis = resolveAxis(this.axis, normalized.rank);
      const channels = normalized.shape[axis];
      const draw = this.nextDraw(channels);
      const shape = normalized.shape.map((_, i) => (i === axis ? channels : 1));
      const scale = tf.tensor(draw.scale, shape);
      const shift = tf.tensor(draw.shift, shape);
      return tf.add(tf.mul(normalized, scale), shift);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      maxShift: this.maxShift,
      maxScale: this.maxScale,
      noiseSeed: this.noiseSeed,
      ...super.getConfig(),
    };
  }
}
tf.serialization.registerClass(NoisyBatchNormalization);
