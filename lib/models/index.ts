/**
 * The model zoo: MLP, VGG-style and ResNet-style networks with a chosen normalization.
 *
 * @module
 */
export * from './architectures';
export * from './blocks';
export * from './build';
export * from './init';
export * from './relu';
export * from './types';
