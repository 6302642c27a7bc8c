/**
 * The measured training loop, evaluation, optimizers and progress reporting.
 *
 * The folder's names for the library's own files and tests; what users get is chosen in
 * `lib/index.ts` (the lab entry point).
 *
 * @module
 */
export * from './evaluate';
export * from './evaluate-training-mode';
export * from './optimizer';
export * from './population-statistics';
export * from './prediction-shares';
export * from './progress';
export * from './schedule';
export * from './trainer';
export * from './types';
export * from './validate';
