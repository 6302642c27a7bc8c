/**
 * A small synthetic image dataset for fast tests and demos: each class has a fixed random
 * pattern; an example is its class pattern plus Gaussian noise, clipped to `[0, 1]`. Learnable
 * in a few dozen steps, no files needed.
 *
 * @module
 */
import { normalSample, seededRandom } from './random';
import type { ImageDataset, ImageSplit, SyntheticOptions } from './types';

function positiveInt(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be an integer ≥ ${min}, got ${value}`);
  return value;
}

/**
 * Make a seeded synthetic dataset (NHWC images in `[0, 1]`, labels drawn uniformly).
 *
 * @param options `trainSize` (512), `validationSize` (128), `testSize` (128), `size` (8),
 *   `channels` (1), `numClasses` (4), `noise` (0.3), `seed` (0).
 * @example
 * ```ts
 * const data = syntheticDataset({ trainSize: 256, seed: 1 });
 * data.train.images.length; // 256 * 8 * 8 * 1
 * ```
 */
export function syntheticDataset(options: SyntheticOptions = {}): ImageDataset {
  const size = positiveInt('size', options.size ?? 8, 1);
  const channels = positiveInt('channels', options.channels ?? 1, 1);
  const numClasses = positiveInt('numClasses', options.numClasses ?? 4, 2);
  const noise = options.noise ?? 0.3;
  if (!(noise >= 0)) throw new Error(`noise must be ≥ 0, got ${noise}`);
  const rand = seededRandom(options.seed ?? 0);
  const pixels = size * size * channels;
  const patterns: Float32Array[] = [];
  for (let c = 0; c < numClasses; c++) {
    const p = new Float32Array(pixels);
    for (let i = 0; i < pixels; i++) p[i] = rand() < 0.5 ? 0.2 : 0.8;
    patterns.push(p);
  }
  const make = (count: number): ImageSplit => {
    const images = new Float32Array(count * pixels);
    const labels = new Int32Array(count);
    for (let n = 0; n < count; n++) {
      const label = Math.floor(rand() * numClasses);
      labels[n] = label;
      const p = patterns[label];
      for (let i = 0; i < pixels; i++) {
        const v = p[i] + noise * normalSample(rand);
        images[n * pixels + i] = Math.min(1, Math.max(0, v));
      }
    }
    return { images, labels, count, height: size, width: size, channels, numClasses };
  };
  const train = make(positiveInt('trainSize', options.trainSize ?? 512, 1));
  const validation = make(positiveInt('validationSize', options.validationSize ?? 128, 0));
  const test = make(positiveInt('testSize', options.testSize ?? 128, 0));
  return {
    name: 'synthetic',
    train,
    validation,
    test,
    classNames: Array.from({ length: numClasses }, (_, i) => `class ${i}`),
    source: 'synthetic',
  };
}
