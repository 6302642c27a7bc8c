/**
 * The playground's computation, in the browser: a real Fashion-MNIST batch → a fixed convolution
 * with 8 channels (so there are channels to normalize) → normlab's own step functions and layers
 * from lib/norm. Everything returned is plain numbers (no tensors escape; every step runs in
 * `tf.tidy`).
 *
 * Training is real: a small classifier (convolution → the chosen normalization layer → ReLU →
 * global average pooling → a dense layer with 10 outputs) takes Adam steps on the softmax
 * cross-entropy of the batch's labels, which moves the layer's γ and β and the dense weights (and
 * batch norm's running statistics, as a side effect of training mode). The convolution stays fixed,
 * so the feature maps shown are the same before and after.
 */
import * as tf from '@tensorflow/tfjs';
import {
  type BatchNormalization,
  moments,
  type NormKind,
  normalize,
  normLayer,
  scaleShift,
} from '../../../../lib/norm/index';

/** Channels of the feature maps the playground normalizes. */
export const CHANNELS = 8;
/** Side of a Fashion-MNIST image. */
export const SIDE = 28;

/** The committed sample (docs/public/fashion-sample.json, made by scripts/docs/make-fashion-sample.ts). */
export interface FashionSample {
  count: number;
  height: number;
  width: number;
  classNames: string[];
  labels: number[];
  pixelsBase64: string;
}

/** The controls. */
export interface PlaygroundSettings {
  kind: NormKind;
  batchSize: number;
  groups: number;
  /** Keras meaning: the weight of the old running value. */
  momentum: number;
  /** The channel whose maps are drawn. */
  channel: number;
  /** γ and β applied in step 3 to the drawn channel. */
  gamma: number;
  beta: number;
}

/** One statistic the kind computes, labelled by what it is shared by. */
export interface StatRow {
  label: string;
  mean: number;
  variance: number;
}

/** Everything the page shows for the current batch. */
export interface PlaygroundView {
  labels: string[];
  /** Input images, [batch][28·28] in [0, 1]. */
  images: Float32Array[];
  /** The drawn channel before normalization (the convolution's output). */
  features: Float32Array[];
  /** After step 2, x̂. */
  normalized: Float32Array[];
  /** After step 3, γ·x̂ + β. */
  scaled: Float32Array[];
  /** The statistics of step 1 that touch the drawn channel. */
  stats: StatRow[];
  /** What the statistics are shared by, in words. */
  statsScope: string;
  /** Mean and standard deviation of the drawn channel before and after normalization. */
  before: { mean: number; std: number };
  after: { mean: number; std: number };
  /** max |library layer (training mode) − steps 1–3 with γ=1, β=0| over the whole batch. */
  layerMatchesSteps: number;
  /** Batch norm only: per channel, batch vs running statistics. */
  running: {
    channel: number;
    batchMean: number;
    runningMean: number;
    batchVariance: number;
    runningVariance: number;
  }[];
  /** Batch norm only: mean |training-mode output − inference-mode output|. */
  trainInferenceGap: number | null;
  /** The layer's own γ and β for the drawn channel, averaged over positions for layer norm (they
   * move when the network trains). */
  layerGamma: number;
  layerBeta: number;
  /** The training loss of each step taken (cross-entropy of the batch, before the step). */
  losses: number[];
  steps: number;
  backend: string;
}

/** Classes of Fashion-MNIST: the classifier's outputs. */
const CLASSES = 10;
/** Adam's step size for the playground's small network. */
const LEARNING_RATE = 0.05;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A fixed 3×3 convolution, 1 → 8 channels, and a per-channel scale and offset, so that each
 * channel has its own mean and spread before normalization. */
function featureMaker(): { kernel: tf.Tensor4D; scale: tf.Tensor1D; offset: tf.Tensor1D } {
  const random = rng(7);
  const weights = Array.from({ length: 9 * CHANNELS }, () => (random() - 0.5) * 1.2);
  const scale = Array.from({ length: CHANNELS }, (_, c) => 0.5 + 0.5 * c);
  const offset = Array.from({ length: CHANNELS }, (_, c) => ((c % 4) - 1.5) * 1.2);
  return {
    kernel: tf.tensor4d(weights, [3, 3, 1, CHANNELS]),
    scale: tf.tensor1d(scale),
    offset: tf.tensor1d(offset),
  };
}

function channelMaps(x: tf.Tensor4D, channel: number): Float32Array[] {
  const n = x.shape[0];
  const data = tf
    .tidy(() => x.slice([0, 0, 0, channel], [n, SIDE, SIDE, 1]).reshape([n, SIDE * SIDE]))
    .dataSync();
  return Array.from({ length: n }, (_, i) =>
    Float32Array.from(data.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE)),
  );
}

function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / values.length) };
}

/** The reduced axes of each kind for NHWC features (group norm reshapes first). */
function axesOf(kind: NormKind): number[] {
  if (kind === 'batch') return [0, 1, 2];
  if (kind === 'layer') return [1, 2, 3];
  return [1, 2];
}

/** The playground's state: the data, the library layer and its running statistics. */
export class Playground {
  private readonly images: tf.Tensor4D;
  private readonly labels: number[];
  private readonly classNames: string[];
  private readonly maker = featureMaker();
  private layer: tf.layers.Layer | null = null;
  private layerKey = '';
  private offset = 0;
  private head: { kernel: tf.Variable; bias: tf.Variable } | null = null;
  private optimizer: tf.Optimizer | null = null;
  private losses: number[] = [];
  steps = 0;

  constructor(sample: FashionSample) {
    const bytes = Uint8Array.from(atob(sample.pixelsBase64), (c) => c.charCodeAt(0));
    this.images = tf.tidy(() =>
      tf.tensor4d(
        Float32Array.from(bytes, (b) => b / 255),
        [sample.count, sample.height, sample.width, 1],
      ),
    );
    this.labels = sample.labels;
    this.classNames = sample.classNames;
  }

  /** How many images the sample holds (the largest batch). */
  get size(): number {
    return this.images.shape[0];
  }

  private batchIndices(batchSize: number): number[] {
    return Array.from({ length: batchSize }, (_, i) => (this.offset + i) % this.size);
  }

  private features(indices: number[]): tf.Tensor4D {
    return tf.tidy(() => {
      const x = tf.gather(this.images, indices) as tf.Tensor4D;
      const conv = tf.conv2d(x, this.maker.kernel, 1, 'same');
      return tf.add(tf.mul(conv, this.maker.scale), this.maker.offset) as tf.Tensor4D;
    });
  }

  /** The library layer for these settings, rebuilt (running statistics reset) when they change. */
  private ensureLayer(s: PlaygroundSettings): tf.layers.Layer {
    const key = `${s.kind}/${s.groups}/${s.momentum}`;
    if (!this.layer || key !== this.layerKey) {
      this.disposeLayer();
      this.layer = normLayer(s.kind, { groups: s.groups, momentum: s.momentum });
      this.layer.build([null, SIDE, SIDE, CHANNELS]);
      this.layerKey = key;
      this.steps = 0;
    }
    return this.layer;
  }

  /** The classifier's dense layer (fixed seed, so a reset starts from the same network). */
  private ensureHead(): { kernel: tf.Variable; bias: tf.Variable } {
    if (!this.head) {
      const random = rng(11);
      const limit = Math.sqrt(6 / (CHANNELS + CLASSES));
      const weights = Array.from({ length: CHANNELS * CLASSES }, () => (2 * random() - 1) * limit);
      // tidy frees the initial values; the variables (copies) outlive it.
      this.head = tf.tidy(() => ({
        kernel: tf.variable(tf.tensor2d(weights, [CHANNELS, CLASSES])),
        bias: tf.variable(tf.zeros([CLASSES])),
      }));
      this.optimizer = tf.train.adam(LEARNING_RATE);
    }
    return this.head;
  }

  private disposeHead(): void {
    if (this.head) tf.dispose([this.head.kernel, this.head.bias]);
    this.optimizer?.dispose();
    this.head = null;
    this.optimizer = null;
    this.losses = [];
  }

  private disposeLayer(): void {
    this.disposeHead();
    if (this.layer) {
      try {
        this.layer.dispose();
      } catch {
        // A layer used eagerly (never connected in a model) has no reference count and refuses
        // dispose(); its weights are freed directly.
        for (const w of this.layer.weights) w.dispose();
      }
    }
    this.layer = null;
  }

  /** Forget the running statistics (a fresh layer) and go back to the first batch. */
  reset(): void {
    this.disposeLayer();
    this.offset = 0;
    this.steps = 0;
  }

  /**
   * One training step of the network on the current batch: the cross-entropy of its labels, one
   * Adam step on the normalization layer's γ and β and the dense layer (batch norm also updates its
   * running statistics), then the next batch. Returns the batch's loss before the step.
   */
  trainStep(s: PlaygroundSettings): number {
    const layer = this.ensureLayer(s);
    const head = this.ensureHead();
    const indices = this.batchIndices(s.batchSize);
    const variables = [...layer.trainableWeights.map((w) => w.read() as tf.Variable), head.kernel, head.bias];
    const loss = tf.tidy(() => {
      const x = this.features(indices);
      const labels = tf.oneHot(
        tf.tensor1d(
          indices.map((i) => this.labels[i]),
          'int32',
        ),
        CLASSES,
      );
      const cost = this.optimizer!.minimize(
        () => {
          const h = tf.relu(layer.apply(x, { training: true }) as tf.Tensor4D);
          const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
          const logits = tf.add(tf.matMul(pooled, head.kernel as tf.Tensor2D), head.bias);
          return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
        },
        true,
        variables,
      );
      return cost ? cost.dataSync()[0] : Number.NaN;
    });
    this.losses.push(loss);
    this.steps += 1;
    this.offset = (this.offset + s.batchSize) % this.size;
    return loss;
  }

  /** Compute what the page shows for the current batch (nothing is updated). */
  view(s: PlaygroundSettings): PlaygroundView {
    const layer = this.ensureLayer(s);
    const indices = this.batchIndices(s.batchSize);
    let result: PlaygroundView | null = null;
    tf.tidy(() => {
      const x = this.features(indices);
      const n = s.batchSize;
      let xhat: tf.Tensor4D;
      const stats: StatRow[] = [];
      let statsScope = '';
      const c = s.channel;
      const rows = (mean: tf.Tensor, variance: tf.Tensor, label: (i: number) => string, pick: number[]) => {
        const m = mean.dataSync();
        const v = variance.dataSync();
        for (const i of pick) stats.push({ label: label(i), mean: m[i], variance: v[i] });
      };
      if (s.kind === 'none') {
        xhat = x;
        statsScope = 'no statistics: the input passes through unchanged';
      } else if (s.kind === 'group') {
        const size = CHANNELS / s.groups;
        const grouped = x.reshape([n, SIDE, SIDE, s.groups, size]);
        const m = moments(grouped, [1, 2, 4]);
        xhat = normalize(grouped, m.mean, m.variance, 1e-3).reshape(x.shape) as tf.Tensor4D;
        const g = Math.floor(c / size);
        const means = m.mean.reshape([n, s.groups]);
        const vars = m.variance.reshape([n, s.groups]);
        rows(
          tf.gather(means, [g], 1).reshape([n]),
          tf.gather(vars, [g], 1).reshape([n]),
          (i) => `image ${i + 1}`,
          indices.map((_, i) => i),
        );
        statsScope = `one mean and variance per image and group of ${size} channel${size > 1 ? 's' : ''}: shown for group ${g + 1} of ${s.groups} (channels ${g * size + 1}–${(g + 1) * size}), which holds channel ${c + 1}`;
      } else {
        const axes = axesOf(s.kind);
        const m = moments(x, axes);
        xhat = normalize(x, m.mean, m.variance, 1e-3) as tf.Tensor4D;
        if (s.kind === 'batch') {
          rows(m.mean.reshape([CHANNELS]), m.variance.reshape([CHANNELS]), (i) => `channel ${i + 1}`, [
            ...Array(CHANNELS).keys(),
          ]);
          statsScope = `one mean and variance per channel, over the ${n} images and all 28×28 positions`;
        } else if (s.kind === 'layer') {
          rows(
            m.mean.reshape([n]),
            m.variance.reshape([n]),
            (i) => `image ${i + 1}`,
            indices.map((_, i) => i),
          );
          statsScope = 'one mean and variance per image, over all positions and all 8 channels';
        } else {
          const means = tf.gather(m.mean.reshape([n, CHANNELS]), [c], 1).reshape([n]);
          const vars = tf.gather(m.variance.reshape([n, CHANNELS]), [c], 1).reshape([n]);
          rows(
            means,
            vars,
            (i) => `image ${i + 1}`,
            indices.map((_, i) => i),
          );
          statsScope = `one mean and variance per image and channel, over the 28×28 positions: shown for channel ${c + 1}`;
        }
      }
      const gamma = tf.fill([CHANNELS], 1).bufferSync();
      const beta = tf.fill([CHANNELS], 0).bufferSync();
      gamma.set(s.gamma, c);
      beta.set(s.beta, c);
      const y = scaleShift(xhat, gamma.toTensor(), beta.toTensor());
      // The library layer on the same batch, in training mode, through a clone so that viewing
      // does not move the running statistics. It applies its own γ and β (learned when the
      // network trains), so the steps are compared with those.
      const layerOut = this.applyWithoutUpdate(layer, x, true);
      const own = this.scaleAndShift(layer);
      const layerMatchesSteps =
        s.kind === 'none'
          ? 0
          : tf.max(tf.abs(tf.sub(layerOut, tf.add(tf.mul(xhat, own.gamma), own.beta)))).dataSync()[0];
      // Per channel, or (layer norm) per position and channel: the drawn channel's mean.
      const ofChannel = (t: tf.Tensor) =>
        t.size % CHANNELS === 0
          ? tf.mean(tf.gather(t.reshape([-1, CHANNELS]), [c], 1)).dataSync()[0]
          : t.dataSync()[0];
      const ownGamma = ofChannel(own.gamma);
      const ownBeta = ofChannel(own.beta);
      const running: PlaygroundView['running'] = [];
      let trainInferenceGap: number | null = null;
      if (s.kind === 'batch') {
        const bm = moments(x, [0, 1, 2]);
        const bMean = bm.mean.dataSync();
        const bVar = bm.variance.dataSync();
        const weights = layer.getWeights();
        const rMean = weights[weights.length - 2].dataSync();
        const rVar = weights[weights.length - 1].dataSync();
        for (let ch = 0; ch < CHANNELS; ch++) {
          running.push({
            channel: ch + 1,
            batchMean: bMean[ch],
            runningMean: rMean[ch],
            batchVariance: bVar[ch],
            runningVariance: rVar[ch],
          });
        }
        const inference = layer.apply(x, { training: false }) as tf.Tensor;
        trainInferenceGap = tf.mean(tf.abs(tf.sub(inference, layerOut))).dataSync()[0];
      }
      const features = channelMaps(x, c);
      const normalized = channelMaps(xhat, c);
      const flat = (maps: Float32Array[]) => {
        const all = new Float32Array(maps.length * SIDE * SIDE);
        maps.forEach((m, i) => {
          all.set(m, i * SIDE * SIDE);
        });
        return all;
      };
      result = {
        labels: indices.map((i) => this.classNames[this.labels[i]]),
        images: channelMaps(tf.gather(this.images, indices) as tf.Tensor4D, 0),
        features,
        normalized,
        scaled: channelMaps(y as tf.Tensor4D, c),
        stats,
        statsScope,
        before: meanStd(flat(features)),
        after: meanStd(flat(normalized)),
        layerMatchesSteps,
        running,
        trainInferenceGap,
        layerGamma: ownGamma,
        layerBeta: ownBeta,
        losses: [...this.losses],
        steps: this.steps,
        backend: tf.getBackend(),
      };
    });
    if (!result) throw new Error('the playground computed nothing');
    return result;
  }

  /** The layer's γ and β (1 and 0 for a kind without them). */
  private scaleAndShift(layer: tf.layers.Layer): { gamma: tf.Tensor; beta: tf.Tensor } {
    const named = (part: string) => layer.trainableWeights.find((w) => w.name.includes(part))?.read();
    return { gamma: named('gamma') ?? tf.scalar(1), beta: named('beta') ?? tf.scalar(0) };
  }

  /** Apply the layer in training mode without keeping its running-statistics update. */
  private applyWithoutUpdate(layer: tf.layers.Layer, x: tf.Tensor, training: boolean): tf.Tensor {
    if (!training || this.layerKey.split('/')[0] !== 'batch') {
      return layer.apply(x, { training }) as tf.Tensor;
    }
    const bn = layer as BatchNormalization;
    const saved = bn.getWeights().map((w) => w.clone());
    const out = bn.apply(x, { training: true }) as tf.Tensor;
    bn.setWeights(saved);
    return out;
  }

  dispose(): void {
    this.disposeLayer();
    tf.dispose([this.images, this.maker.kernel, this.maker.scale, this.maker.offset]);
  }
}

/** Start TensorFlow.js on the browser's CPU backend. */
export async function startBackend(): Promise<string> {
  await tf.setBackend('cpu');
  await tf.ready();
  return tf.getBackend();
}
