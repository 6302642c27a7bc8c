/**
 * normlab: normalization layers for TensorFlow.js, the algorithm step by step, and the tools of a
 * comparative study. This file is the public API and nothing else.
 *
 * @module normlab
 */
export * from './backend';
export * from './data/index';
export * from './mechanism/index';
export * from './models/index';
export * from './native/index';
export * from './norm/index';
export * from './plot/index';
export * from './report/index';
export * from './study/index';
export * from './train/index';
