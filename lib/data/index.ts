/**
 * Datasets: the IDX reader, Fashion-MNIST/MNIST loading, splits, seeded batching, synthetic data.
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
