/**
 * The model zoo: MLP, VGG-style and ResNet-style networks with a chosen normalization.
 *
 * The folder's names for the library's own files and tests; what users get is chosen in
 * `lib/index.ts` (the lab entry point).
 *
 * @module
 */
export * from './architectures';
export * from './blocks';
export * from './build';
export * from './init';
export * from './types';
