/**
 * Build a model of the zoo from its {@link ModelSpec}.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { assertNormKind } from '../norm/kinds';
import { mlp, resnet, vgg } from './architectures';
import type { BlockContext } from './blocks';
import { InitializerSource } from './init';
import { ARCHITECTURES, type Architecture, type ModelSpec } from './types';

/**
 * Default width and depth per architecture.
 *
 * @example
 * ```ts
 * const { width, depth } = ARCH_DEFAULTS.vgg; // 16, 3
 * ```
 */
export const ARCH_DEFAULTS: Record<Architecture, { width: number; depth: number }> = {
  mlp: { width: 256, depth: 2 },
  vgg: { width: 16, depth: 3 },
  resnet: { width: 16, depth: 1 },
};

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be an integer ≥ 1, got ${value}`);
  return value;
}

/**
 * Build the model a spec describes: NHWC images in, class logits out (no softmax).
 *
 * @param spec architecture, norm kind, init scale (default 1), seed (default 0), input shape
 *   (default `[28, 28, 1]`), classes (10), width/depth (per `ARCH_DEFAULTS`), groups (4),
 *   batch norm momentum (0.9, Keras meaning = PyTorch 0.1; batch renorm uses it for its
 *   renormalization statistics too), ε (1e-5), weight-standardized convolutions (false).
 * @throws on an unknown architecture or norm kind, a bad size, `instance` with `mlp`, or
 *   `groups` not dividing a channel count; the message names the option and the allowed values.
 * @example
 * ```ts
 * const model = buildModel({ arch: 'resnet', norm: 'group', groups: 4, seed: 1 });
 * const logits = model.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor; // shape [2, 10]
 * ```
 */
export function buildModel(spec: ModelSpec): tf.LayersModel {
  if (!ARCHITECTURES.includes(spec.arch)) {
    throw new Error(`unknown arch ${JSON.stringify(spec.arch)}; expected one of ${ARCHITECTURES.join(', ')}`);
  }
  const norm = assertNormKind(spec.norm);
  const defaults = ARCH_DEFAULTS[spec.arch];
  const inputShape = spec.inputShape ?? [28, 28, 1];
  if (inputShape.length !== 3)
    throw new Error(`inputShape must be [height, width, channels], got [${inputShape}]`);
  for (const [i, n] of inputShape.entries()) positiveInt(`inputShape[${i}]`, n);
  const sizes = {
    width: positiveInt('width', spec.width ?? defaults.width),
    depth: positiveInt('depth', spec.depth ?? defaults.depth),
    numClasses: positiveInt('numClasses', spec.numClasses ?? 10),
  };
  if (spec.arch === 'vgg' && 2 ** sizes.depth > Math.min(inputShape[0], inputShape[1])) {
    throw new Error(
      `depth ${sizes.depth} is too deep for vgg on ${inputShape[0]}×${inputShape[1]} images (each block halves the size)`,
    );
  }
  const ctx: BlockContext = {
    norm,
    init: new InitializerSource(spec.seed ?? 0, spec.initScale ?? 1),
    groups: positiveInt('groups', spec.groups ?? 4),
    bnMomentum: spec.bnMomentum ?? 0.9,
    epsilon: spec.normEpsilon ?? 1e-5,
    normCount: 0,
    weightStandardization: spec.weightStandardization ?? false,
    seed: spec.seed ?? 0,
  };
  if (typeof ctx.weightStandardization !== 'boolean') {
    throw new Error(
      `weightStandardization must be true or false; got ${JSON.stringify(spec.weightStandardization)}`,
    );
  }
  const input = tf.input({ shape: inputShape });
  const build = { mlp, vgg, resnet }[spec.arch];
  const output = build(ctx, input, sizes);
  const suffix = ctx.weightStandardization ? '_ws' : '';
  return tf.model({ inputs: input, outputs: output, name: `${spec.arch}_${norm}${suffix}` });
}

/**
 * Trainable parameters of a model (weights the optimizer updates; running statistics excluded).
 *
 * @example
 * ```ts
 * const model = buildModel({ arch: 'mlp', norm: 'batch' });
 * console.log(countTrainableParams(model));
 * ```
 */
export function countTrainableParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce(
    (sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1),
    0,
  );
}

/**
 * A one-line description: `vgg/batch: 24,362 trainable parameters` (`vgg/group+ws: …` with weight standardization).
 *
 * @example
 * ```ts
 * const spec: ModelSpec = { arch: 'resnet', norm: 'group', seed: 1 };
 * console.log(describeModel(spec, buildModel(spec))); // resnet/group: N trainable parameters
 * ```
 */
export function describeModel(spec: ModelSpec, model: tf.LayersModel): string {
  return `${spec.arch}/${spec.norm}${spec.weightStandardization ? '+ws' : ''}: ${countTrainableParams(model).toLocaleString('en-US')} trainable parameters`;
}
