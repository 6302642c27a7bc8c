/**
 * normlab's general layer kit and its fast layers: the tfjs-compatible base pieces every normlab
 * layer builds on (option checks, tfjs type names, (de)serialization of initializers, the single
 * input, default names, the convolution base class, the fused activation) and the fast layers
 * the model zoo uses (`FastConv2D`, `FastDense`, `FastMaxPooling2D`, `FastReLU`), named so they do
 * not shadow tfjs' own `Conv2D`, `Dense`, `MaxPooling2D` and `ReLU`.
 *
 * @module
 */
export * from './activation';
export * from './conv2d';
export * from './convolution-layer';
export * from './dense';
export * from './layer-input';
export * from './layer-name';
export * from './max-pooling';
export * from './relu';
export * from './serialization';
export * from './tfjs-types';
export * from './validate';
