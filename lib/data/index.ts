/**
 * Datasets: the IDX reader, Fashion-MNIST/MNIST loading, splits, seeded batching, synthetic data.
 *
 * The folder's names for the library's own files and tests; what users get is chosen in
 * `lib/index.ts` (the lab entry point).
 *
 * @module
 */
export * from './batches';
export * from './fashion-mnist';
export * from './idx';
export * from './idx-dataset';
export * from './random';
export * from './split';
export * from './synthetic';
export * from './types';
