/**
 * The building blocks the zoo's architectures share: a linear/conv layer followed by a
 * normalization and a ReLU, in the conventional order conv → norm → ReLU. With batch, layer,
 * instance, group and RMS norm the ReLU is the norm layer's own `activation` (one fused kernel on
 * tfjs-node), with the other kinds (and no norm) a separate layer.
 *
 * @module
 */
import type * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../data/random';
import type { NormActivation } from '../layers/activation';
import { FastConv2D } from '../layers/conv2d';
import { FastDense } from '../layers/dense';
import { FastReLU } from '../layers/relu';
import { FUSED_ACTIVATION_KINDS, normLayer } from '../norm/factory';
import type { NormKind } from '../norm/kinds';
import { WeightStandardizedConv2D } from '../norm/weight-standardized-conv2d';
import type { InitializerSource } from './init';

/** A symbolic tensor of the functional API. */
export type Sym = tf.SymbolicTensor;

/** What every block needs to know: the norm, the initializers, the group count. */
export interface BlockContext {
  /** Normalization kind after every hidden conv/dense layer. */
  norm: NormKind;
  /** Seeded initializers. */
  init: InitializerSource;
  /** Groups for group norm. */
  groups: number;
  /** Batch norm momentum (Keras meaning). */
  bnMomentum: number;
  /** ε of the normalization layers. */
  epsilon: number;
  /** Normalization layers made so far (names them `<kind>_norm_<i>`, unique within the model). */
  normCount: number;
  /** Convolutions with weight standardization ({@link WeightStandardizedConv2D}). Default false. */
  weightStandardization?: boolean;
  /** The model's seed (noisy batch norm derives each layer's noise seed from it). */
  seed: number;
}

/**
 * Whether the layer before the norm gets a bias. With any normalization it does not: batch and
 * instance norm subtract the per-channel mean and so cancel a per-channel bias exactly; with layer
 * and group norm the learned per-channel shift β after the normalization takes its place (the
 * usual practice, e.g. torchvision's ResNets with GroupNorm).
 */
export function useBias(norm: NormKind): boolean {
  return norm === 'none';
}

/**
 * The normalization layer of a block (identity for `none` is skipped entirely). With
 * `activation: 'relu'` a ReLU follows: inside the norm layer for the kinds that take it
 * (`FUSED_ACTIVATION_KINDS`: fused into the kernel on tfjs-node), a {@link relu} layer after any
 * other kind.
 */
export function applyNorm(
  ctx: BlockContext,
  x: Sym,
  channels: number,
  activation: NormActivation = 'linear',
): Sym {
  if (activation === 'relu' && !FUSED_ACTIVATION_KINDS.includes(ctx.norm)) {
    return relu(applyNorm(ctx, x, channels));
  }
  if (ctx.norm === 'none') return x;
  if (ctx.norm === 'group' && channels % ctx.groups !== 0) {
    throw new Error(
      `groups must divide every normalized channel count; ${ctx.groups} does not divide ${channels}`,
    );
  }
  const name = `${ctx.norm}_norm_${++ctx.normCount}`;
  const options = {
    name,
    epsilon: ctx.epsilon,
    groups: ctx.groups,
    momentum: ctx.bnMomentum,
    // Batch renorm's own statistics (its r and d corrections) follow the same momentum as the
    // moving statistics: with the layer's default 0.99 they still weigh their initial values 40%
    // after the 92 steps of the study's shortest runs, and the corrections are then wrong.
    renormMomentum: ctx.bnMomentum,
    convention: 'keras' as const,
    // Only noisy batch norm reads it: a different noise sequence per layer, fixed by the model seed.
    noiseSeed: deriveSeed(ctx.seed, 7919 + ctx.normCount),
    activation,
  };
  return normLayer(ctx.norm, options).apply(x) as Sym;
}

/** `relu(x)` as a layer (normlab's {@link FastReLU}, with a cheaper gradient than tfjs' own). */
export function relu(x: Sym): Sym {
  return new FastReLU().apply(x) as Sym;
}

/**
 * conv k×k (same padding, no bias when normalized; weight-standardized when
 * `ctx.weightStandardization`) → norm, then a ReLU when `activation` is `'relu'`.
 */
export function convNorm(
  ctx: BlockContext,
  x: Sym,
  filters: number,
  kernelSize = 3,
  strides = 1,
  activation: NormActivation = 'linear',
): Sym {
  const options = {
    filters,
    kernelSize,
    strides,
    padding: 'same' as const,
    useBias: useBias(ctx.norm),
    kernelInitializer: ctx.init.he(),
  };
  const conv = ctx.weightStandardization ? new WeightStandardizedConv2D(options) : new FastConv2D(options);
  return applyNorm(ctx, conv.apply(x) as Sym, filters, activation);
}

/** conv k×k → norm → ReLU ({@link convNorm} with the ReLU). */
export function convNormRelu(ctx: BlockContext, x: Sym, filters: number, kernelSize = 3, strides = 1): Sym {
  return convNorm(ctx, x, filters, kernelSize, strides, 'relu');
}

/** dense (no bias when normalized) → norm → ReLU. */
export function denseNormRelu(ctx: BlockContext, x: Sym, units: number): Sym {
  const dense = new FastDense({ units, useBias: useBias(ctx.norm), kernelInitializer: ctx.init.he() });
  return applyNorm(ctx, dense.apply(x) as Sym, units, 'relu');
}

/** The logits layer: dense with bias, Glorot × initScale. */
export function logits(ctx: BlockContext, x: Sym, numClasses: number): Sym {
  return new FastDense({ units: numClasses, kernelInitializer: ctx.init.glorot() }).apply(x) as Sym;
}
