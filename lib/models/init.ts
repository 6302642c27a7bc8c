/**
 * Seeded, scaled weight initializers for the model zoo.
 *
 * He-normal: `W ~ N(0, s² · 2 / fan_in)` (truncated at two standard deviations, as tfjs'
 * `VarianceScaling` draws it), for weights followed by a ReLU; Glorot-normal:
 * `W ~ N(0, s² · 2 / (fan_in + fan_out))` for the output layer. `s` is the spec's `initScale`:
 * it multiplies the standard deviation, so `s = 0.1` and `s = 10` shrink or blow up the
 * activations of an unnormalized network layer by layer.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../data/random';

/** A tfjs initializer (what `kernelInitializer` takes). */
export type WeightInitializer = ReturnType<typeof tf.initializers.heNormal>;

/** Check an init scale: a finite number > 0. */
export function checkInitScale(initScale: number): number {
  if (!(Number.isFinite(initScale) && initScale > 0)) {
    throw new Error(`initScale must be a finite number > 0 (e.g. 0.1 .. 10), got ${initScale}`);
  }
  return initScale;
}

/**
 * The seed handed to a tfjs initializer: tfjs draws with `Math.random()` when the seed is 0 (it
 * tests the seed for truthiness), so a derived seed of 0 (which `deriveSeed(0, 0)` is: the first
 * layer of every seed-0 model) becomes 1.
 */
function tfjsSeed(seed: number): number {
  return seed === 0 ? 1 : seed;
}

/**
 * Hands out the initializers of one model, each seeded from the model's seed and the layer's
 * position, so equal specs give equal weights.
 */
export class InitializerSource {
  private next = 0;

  /**
   * @param seed the model's seed.
   * @param initScale factor on every weight's standard deviation (> 0).
   */
  constructor(
    private readonly seed: number,
    private readonly initScale: number,
  ) {
    checkInitScale(initScale);
  }

  /** He-normal × initScale, for a layer followed by a ReLU. */
  he(): WeightInitializer {
    return tf.initializers.varianceScaling({
      scale: 2 * this.initScale ** 2,
      mode: 'fanIn',
      distribution: 'normal',
      seed: tfjsSeed(deriveSeed(this.seed, this.next++)),
    });
  }

  /** Glorot-normal × initScale, for the output (logits) layer. */
  glorot(): WeightInitializer {
    return tf.initializers.varianceScaling({
      scale: this.initScale ** 2,
      mode: 'fanAvg',
      distribution: 'normal',
      seed: tfjsSeed(deriveSeed(this.seed, this.next++)),
    });
  }
}
