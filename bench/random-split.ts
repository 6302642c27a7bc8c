/**
 * The benches' input: random 28×28×1 images in [0, 1) and random labels of 10 classes, seeded, so
 * every contender and every run trains on the same numbers (the speed of a step does not depend on
 * what the images show).
 */
import { seededRandom } from '../lib/data/random';
import type { ImageSplit } from '../lib/data/types';

/** `count` random Fashion-MNIST-shaped examples (seed 1). */
export function randomSplit(count: number): ImageSplit {
  const rand = seededRandom(1);
  const images = new Float32Array(count * 784);
  for (let i = 0; i < images.length; i++) images[i] = rand();
  const labels = Int32Array.from({ length: count }, () => Math.floor(rand() * 10));
  return { images, labels, count, height: 28, width: 28, channels: 1, numClasses: 10 };
}
