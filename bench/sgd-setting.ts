/**
 * The optimizer and loss the training benches time (bench/trainer.ts, bench/training-speed.ts),
 * the same as their PyTorch twins (bench/pytorch-trainer.py, bench/pytorch-training-speed.py):
 * SGD with learning rate 0.01 and momentum 0.9, softmax cross-entropy. Kept in one place so that
 * normlab's trainer and tfjs' `model.fit` are timed on the setting the reference runs.
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../lib/train/types';

/**
 * normlab's `train()` config for one epoch in the setting, without the end-of-run evaluation on
 * the training set (it would be timed with the steps).
 */
export function sgdTrainConfig(batchSize: number): TrainConfig {
  return {
    optimizer: 'sgd',
    learningRate: 0.01,
    momentum: 0.9,
    batchSize,
    epochs: 1,
    evalTrainAtEnd: false,
  };
}

/**
 * Compile `model` for tfjs' `model.fit` in the setting, with an accuracy metric as normlab's
 * trainer computes one. Returns the optimizer for the caller to dispose: a model compiled with an
 * optimizer object does not dispose it.
 */
export function compileForFit(model: tf.LayersModel): tf.Optimizer {
  const optimizer = tf.train.momentum(0.01, 0.9);
  model.compile({
    optimizer,
    loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
    metrics: ['accuracy'],
  });
  return optimizer;
}
