/**
 * The trainer's optimizers, from a {@link TrainConfig}.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { FusedMomentumOptimizer } from '../native/fused-momentum';
import type { TrainConfig } from './types';

/**
 * Make the optimizer a config asks for.
 *
 * - `sgd`: `v ← m·v + g; w ← w − lr·v` (tfjs' `tf.train.momentum`, heavy ball), or plain
 *   `w ← w − lr·g` when `momentum` is 0. Default momentum 0.9.
 * - `adam`: Kingma & Ba, β₁ 0.9, β₂ 0.999, ε 1e-7 by default.
 *
 * The caller owns the optimizer and disposes it (`optimizer.dispose()`).
 *
 * @throws on an unknown optimizer or an out-of-range hyperparameter; the message names it.
 */
export function makeOptimizer(config: TrainConfig): tf.Optimizer {
  const lr = config.learningRate;
  switch (config.optimizer) {
    case 'sgd': {
      const momentum = config.momentum ?? 0.9;
      return momentum === 0 ? tf.train.sgd(lr) : new FusedMomentumOptimizer(lr, momentum);
    }
    case 'adam':
      return tf.train.adam(lr, config.beta1 ?? 0.9, config.beta2 ?? 0.999, config.adamEpsilon ?? 1e-7);
    default:
      throw new Error(`unknown optimizer ${JSON.stringify(config.optimizer)}; expected one of sgd, adam`);
  }
}

/**
 * Dispose an optimizer completely. tfjs 4.22's `MomentumOptimizer.dispose()` does not dispose
 * the learning-rate scalar its SGD base holds (one tensor leaked per optimizer); this disposes
 * every tensor field left behind after `dispose()`.
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  const fields = optimizer as unknown as Record<string, unknown>;
  for (const value of Object.values(fields)) {
    if (value instanceof tf.Tensor && !value.isDisposed) value.dispose();
  }
}
