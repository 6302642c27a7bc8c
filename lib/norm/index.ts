/**
 * normlab's normalization library: the algorithm as small functions, one shared core, the four
 * layers and a factory. Importing it registers the layers for model (de)serialization.
 *
 * @module
 */
export * from './batch_normalization';
export * from './conventions';
export * from './core';
export * from './factory';
export * from './group_normalization';
export * from './identity';
export * from './instance_normalization';
export * from './kinds';
export * from './layer_normalization';
export * from './layer_options';
export * from './validate';
