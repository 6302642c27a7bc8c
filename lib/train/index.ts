/**
 * The measured training loop, evaluation, optimizers and progress reporting.
 *
 * @module
 */
export * from './evaluate';
export * from './evaluate-training-mode';
export * from './optimizer';
export * from './progress';
export * from './schedule';
export * from './trainer';
export * from './types';
export * from './validate';
