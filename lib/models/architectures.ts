/**
 * The zoo's three architectures as functions from an input to logits.
 *
 * - MLP: flatten → `depth` × [dense(width) → norm → ReLU] → dense(classes).
 * - VGG-style: `depth` blocks of [conv3×3 → norm → ReLU → max-pool 2×2], channels `w, 2w, 4w, 4w…`,
 *   → flatten → dense(classes).
 * - ResNet-style: stem [conv3×3(w) → norm → ReLU], three stages of `depth` basic residual blocks
 *   with `w, 2w, 4w` channels (the first block of stages 2 and 3 has stride 2 and a 1×1 conv → norm
 *   projection shortcut), → global average pooling → dense(classes). A basic block is
 *   conv3×3 → norm → ReLU → conv3×3 → norm, added to the shortcut, → ReLU.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { FastMaxPooling2D } from '../layers/max-pooling';
import { type BlockContext, convNorm, convNormRelu, denseNormRelu, logits, relu, type Sym } from './blocks';

/** Sizes of an architecture. */
export interface ArchSizes {
  width: number;
  depth: number;
  numClasses: number;
}

/** MLP on flattened pixels. Instance norm is rejected (it has no spatial axes to normalize over). */
export function mlp(ctx: BlockContext, input: Sym, sizes: ArchSizes): Sym {
  if (ctx.norm === 'instance') {
    throw new Error(
      "norm 'instance' is not defined for arch 'mlp': instance norm normalizes each channel over the spatial axes, " +
        "and the MLP's features have none; use none, batch, layer or group",
    );
  }
  let x = tf.layers.flatten().apply(input) as Sym;
  for (let i = 0; i < sizes.depth; i++) x = denseNormRelu(ctx, x, sizes.width);
  return logits(ctx, x, sizes.numClasses);
}

/** Channels of VGG block `i`: w, 2w, 4w, then 4w. */
export function vggChannels(width: number, depth: number): number[] {
  return Array.from({ length: depth }, (_, i) => width * 2 ** Math.min(i, 2));
}

/** Small VGG-style CNN. Needs `depth ≤ log2(min(height, width))` so the pooling keeps ≥ 1 pixel. */
export function vgg(ctx: BlockContext, input: Sym, sizes: ArchSizes): Sym {
  let x = input;
  for (const channels of vggChannels(sizes.width, sizes.depth)) {
    x = convNormRelu(ctx, x, channels);
    x = new FastMaxPooling2D({ poolSize: 2, strides: 2 }).apply(x) as Sym;
  }
  x = tf.layers.flatten().apply(x) as Sym;
  return logits(ctx, x, sizes.numClasses);
}

function basicBlock(ctx: BlockContext, x: Sym, channels: number, strides: number): Sym {
  const inChannels = x.shape[x.shape.length - 1] as number;
  let y = convNormRelu(ctx, x, channels, 3, strides);
  y = convNorm(ctx, y, channels, 3, 1);
  const shortcut = strides !== 1 || inChannels !== channels ? convNorm(ctx, x, channels, 1, strides) : x;
  return relu(tf.layers.add().apply([y, shortcut]) as Sym);
}

/** Small ResNet-style CNN with three stages of basic residual blocks. */
export function resnet(ctx: BlockContext, input: Sym, sizes: ArchSizes): Sym {
  let x = convNormRelu(ctx, input, sizes.width);
  [1, 2, 4].forEach((factor, stage) => {
    for (let b = 0; b < sizes.depth; b++) {
      x = basicBlock(ctx, x, sizes.width * factor, stage > 0 && b === 0 ? 2 : 1);
    }
  });
  x = tf.layers.globalAveragePooling2d({}).apply(x) as Sym;
  return logits(ctx, x, sizes.numClasses);
}
