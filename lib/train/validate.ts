/**
 * Checking a {@link TrainConfig} against the data before any step runs.
 *
 * @module
 */
import type { ImageSplit } from '../data/types';
import { validateSchedule } from './schedule';
import type { TrainConfig } from './types';

function fail(option: string, allowed: string, value: unknown): never {
  throw new Error(`${option} must be ${allowed}, got ${JSON.stringify(value)}`);
}

function isInt(x: unknown, min: number): boolean {
  return typeof x === 'number' && Number.isInteger(x) && x >= min;
}

/**
 * Validate a training config.
 *
 * @throws Error naming the option and its allowed values or range.
 */
export function validateTrainConfig(config: TrainConfig, train: ImageSplit): void {
  if (config.optimizer !== 'sgd' && config.optimizer !== 'adam')
    fail('optimizer', 'one of sgd, adam', config.optimizer);
  if (!(Number.isFinite(config.learningRate) && config.learningRate > 0)) {
    fail('learningRate', 'a finite number > 0', config.learningRate);
  }
  if (config.schedule !== undefined) validateSchedule(config.schedule);
  const momentum = config.momentum ?? 0.9;
  if (!(momentum >= 0 && momentum < 1)) fail('momentum', 'in [0, 1)', config.momentum);
  for (const key of ['beta1', 'beta2'] as const) {
    const v = config[key];
    if (v !== undefined && !(v >= 0 && v < 1)) fail(key, 'in [0, 1)', v);
  }
  if (config.adamEpsilon !== undefined && !(config.adamEpsilon > 0))
    fail('adamEpsilon', '> 0', config.adamEpsilon);
  if (!isInt(config.batchSize, 1) || config.batchSize > train.count) {
    fail('batchSize', `an integer in [1, ${train.count}] (the training examples)`, config.batchSize);
  }
  if (!isInt(config.epochs, 1)) fail('epochs', 'an integer ≥ 1', config.epochs);
  if (config.maxSteps !== undefined && !isInt(config.maxSteps, 1))
    fail('maxSteps', 'an integer ≥ 1', config.maxSteps);
  if (config.shuffleSeed !== undefined && !Number.isFinite(config.shuffleSeed)) {
    fail('shuffleSeed', 'a finite number', config.shuffleSeed);
  }
  const target = config.targetAccuracy;
  if (target !== undefined && !(target > 0 && target <= 1)) fail('targetAccuracy', 'in (0, 1]', target);
  const every = config.evalEvery ?? 'epoch';
  if (every !== 'epoch' && !isInt(every, 1)) fail('evalEvery', "'epoch' or an integer ≥ 1 (steps)", every);
  if (config.evalBatchSize !== undefined && !isInt(config.evalBatchSize, 1)) {
    fail('evalBatchSize', 'an integer ≥ 1', config.evalBatchSize);
  }
  if (config.readbackEvery !== undefined && !isInt(config.readbackEvery, 1)) {
    fail('readbackEvery', 'an integer ≥ 1', config.readbackEvery);
  }
  if (config.divergenceLoss !== undefined && !(config.divergenceLoss > 0)) {
    fail('divergenceLoss', 'a number > 0', config.divergenceLoss);
  }
  const factor = config.explodeFactor;
  if (factor !== undefined && !(Number.isFinite(factor) && factor > 1))
    fail('explodeFactor', 'a finite number > 1', factor);
}

/**
 * Check the data splits against themselves: `count` an integer (≥ 1 for `train`), `images` of
 * length `count × height × width × channels` holding finite numbers, `labels` of length `count`,
 * every label an integer in `0 .. numClasses - 1`.
 *
 * @param splits - the splits by name (`train`, `validation`, `test`); missing ones are skipped.
 * @throws Error naming the split, the array, what it holds and what it should hold.
 */
export function validateSplits(splits: Readonly<Record<string, ImageSplit | undefined>>): void {
  for (const [name, s] of Object.entries(splits)) {
    if (!s) continue;
    const at = `data.${name}`;
    const min = name === 'train' ? 1 : 0;
    if (!isInt(s.count, min)) fail(`${at}.count`, `an integer ≥ ${min}`, s.count);
    for (const key of ['height', 'width', 'channels', 'numClasses'] as const)
      if (!isInt(s[key], 1)) fail(`${at}.${key}`, 'an integer ≥ 1', s[key]);
    const per = s.height * s.width * s.channels;
    if (s.images.length !== s.count * per)
      throw new Error(
        `${at}.images holds ${s.images.length} values, but count ${s.count} × ${s.height}×${s.width}×${s.channels} ` +
          `needs ${s.count * per}: make count the number of images, or pass all of their pixels`,
      );
    // NaN or ±Infinity pixels would train to finite-looking losses on some kernels: refuse them.
    for (let i = 0; i < s.images.length; i++) {
      const v = s.images[i];
      if (!Number.isFinite(v))
        throw new Error(
          `${at}.images[${i}] is ${v}: pixel values must be finite numbers; clean or drop the images with ` +
            'NaN or ±Infinity pixels',
        );
    }
    if (s.labels.length !== s.count)
      throw new Error(
        `${at}.labels holds ${s.labels.length} labels, but count is ${s.count}: one label per image`,
      );
    for (let i = 0; i < s.count; i++) {
      const label = s.labels[i];
      if (!(Number.isInteger(label) && label >= 0 && label < s.numClasses))
        throw new Error(
          `${at}.labels[${i}] is ${label}, outside the classes 0..${s.numClasses - 1} (numClasses ${s.numClasses}): ` +
            'labels must be class indices; remap them or raise numClasses',
        );
    }
  }
}
