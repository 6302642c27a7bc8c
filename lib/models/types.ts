/**
 * What a model of the zoo is made of: {@link ModelSpec} says which architecture, which
 * normalization, how it is initialized.
 *
 * @module
 */
import type { NormKind } from '../norm/kinds';

/** Architectures of the model zoo. */
export type Architecture = 'mlp' | 'vgg' | 'resnet';

/**
 * The architectures, for validation and menus.
 *
 * @example
 * ```ts
 * for (const arch of ARCHITECTURES) console.log(describeModel({ arch, norm: 'batch' }, buildModel({ arch, norm: 'batch' })));
 * ```
 */
export const ARCHITECTURES: readonly Architecture[] = ['mlp', 'vgg', 'resnet'];

/**
 * A model of the zoo, as data (so a study can store it and rebuild the same model).
 *
 * Every model maps NHWC images to class logits (no softmax); the trainer applies softmax
 * cross-entropy.
 *
 * @example
 * ```ts
 * const model = buildModel({ arch: 'vgg', norm: 'batch', initScale: 1, seed: 1 });
 * ```
 */
export interface ModelSpec {
  /** `mlp` (dense layers), `vgg` (conv blocks + pooling), `resnet` (residual blocks). */
  arch: Architecture;
  /**
   * Normalization after every hidden linear/conv layer (placement conv → norm → ReLU):
   * `none | batch | layer | instance | group | noisy-batch`. `instance` is not defined on the
   * MLP's 2-D features and is rejected there. `noisy-batch` (batch norm plus per-step random
   * shift and scale, a diagnostic) draws each layer's noise from a seed derived from `seed`.
   */
  norm: NormKind;
  /**
   * Multiplies the standard deviation of the He-normal initialization of every hidden weight
   * (the output layer uses Glorot-normal times the same factor). Default 1. Must be > 0.
   */
  initScale?: number;
  /** Seed of the weight initialization; the same spec and seed give the same weights. Default 0. */
  seed?: number;
  /** Input image shape `[height, width, channels]`. Default `[28, 28, 1]`. */
  inputShape?: [number, number, number];
  /** Number of classes (output logits). Default 10. */
  numClasses?: number;
  /**
   * Width: hidden units of the MLP (default 256) or channels of the first conv stage for VGG and
   * ResNet (default 16; later stages double it).
   */
  width?: number;
  /**
   * Depth: hidden layers of the MLP (default 2), conv blocks of the VGG (default 3), residual
   * blocks per stage of the ResNet (default 1, with 2 stages).
   */
  depth?: number;
  /** Groups for group norm (must divide every normalized channel count). Default 4. */
  groups?: number;
  /**
   * Batch norm momentum in the Keras meaning (weight of the old running value). Default 0.9, i.e.
   * PyTorch's `momentum=0.1`: with Keras' 0.99 the running statistics lag far behind the weights
   * during the short trainings of the study, and inference-mode accuracy suffers.
   */
  bnMomentum?: number;
  /** ε of every normalization layer. Default 1e-5 (PyTorch's; Keras' is 1e-3). */
  normEpsilon?: number;
  /**
   * Build every convolution with weight standardization (Qiao et al. 2019; normlab's
   * `WeightStandardizedConv2D`, ε 1e-5): its kernel standardized per output channel before each
   * convolution. Paired with `norm: 'group'` it is the paper's "GN+WS", a small-batch remedy.
   * Dense layers (the MLP, the logits) are unchanged. Default false.
   */
  weightStandardization?: boolean;
}
