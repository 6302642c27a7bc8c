/**
 * Instruments for the question "why does batch norm help?": activation-distribution tracking
 * (Ioffe & Szegedy 2015), gradient-based internal covariate shift and loss-landscape probes
 * (Santurkar et al. 2018), and a trainer wrapper that records them during a run. Used with
 * noisy batch norm (`normLayer('noisy-batch')`, lib/norm) by the study's `mechanism` experiment.
 *
 * @module
 */
export * from './activations';
export * from './covariate-shift';
export * from './landscape';
export * from './model-objective';
export * from './objective';
export * from './probe';
export * from './quantiles';
export * from './record';
export * from './schedule';
export * from './summary';
export * from './train-with-probes';
export * from './vectors';
