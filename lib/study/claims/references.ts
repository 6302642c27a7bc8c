/**
 * Published reference points the scorecard shows next to the study's own numbers. Data only:
 * they inform the reader, they do not enter any verdict.
 *
 * @module
 */
import type { ClaimId } from '../spec/schema';

/** A published number. */
export interface ReferencePoint {
  /** Short citation. */
  source: string;
  /** What was measured, where. */
  setting: string;
  /** The values, by label (e.g. `{ BN: 0.347, GN: 0.241 }`). */
  values: Record<string, number>;
  /** Unit / meaning of the values. */
  unit: string;
  /** Claims the point bears on. */
  claims: ClaimId[];
}

/**
 * The reference points (Wu & He 2018; the Fashion-MNIST benchmark; Ioffe & Szegedy 2015).
 *
 * @example
 * ```ts
 * for (const r of REFERENCE_POINTS) console.log(r.source, formatReferenceValues(r));
 * ```
 */
export const REFERENCE_POINTS: readonly ReferencePoint[] = [
  {
    source: 'Wu & He 2018, Group Normalization (ECCV), Table 2 / Fig. 1',
    setting: 'ResNet-50 on ImageNet, 8 GPUs, batch 2 images per GPU',
    values: { BN: 0.347, GN: 0.241 },
    unit: 'top-1 validation error',
    claims: [8],
  },
  {
    source: 'Wu & He 2018, Group Normalization (ECCV), Table 1',
    setting: 'ResNet-50 on ImageNet, batch 32 images per GPU',
    values: { BN: 0.236, LN: 0.253, IN: 0.284, GN: 0.241 },
    unit: 'top-1 validation error',
    claims: [6, 8],
  },
  {
    source: 'Fashion-MNIST benchmark (Xiao, Rasul & Vollgraf 2017; zalandoresearch/fashion-mnist README)',
    setting: 'Fashion-MNIST test set: 2 conv layers + pooling + batch norm',
    values: { '2-conv+BN': 0.934 },
    unit: 'test accuracy',
    claims: [3],
  },
  {
    source: 'Fashion-MNIST benchmark (Xiao, Rasul & Vollgraf 2017; scikit-learn MLPClassifier)',
    setting: 'Fashion-MNIST test set: multilayer perceptron, no normalization',
    values: { MLP: 0.883 },
    unit: 'test accuracy',
    claims: [3],
  },
  {
    source: 'Ioffe & Szegedy 2015, Batch Normalization (ICML)',
    setting: 'Inception on ImageNet: BN-Inception matched the baseline accuracy in 14x fewer training steps',
    values: { stepRatio: 1 / 14 },
    unit: 'training steps relative to the baseline',
    claims: [1],
  },
];

/**
 * Reference points bearing on one claim.
 *
 * @example
 * ```ts
 * const published = referencesFor(8); // what papers report on batch size
 * ```
 */
export function referencesFor(claim: ClaimId): ReferencePoint[] {
  return REFERENCE_POINTS.filter((r) => r.claims.includes(claim));
}

/**
 * A reference point's values as text, e.g. `BN 0.347, GN 0.241` (3 significant digits).
 *
 * @example
 * ```ts
 * console.log(referencesFor(8).map(formatReferenceValues));
 * ```
 */
export function formatReferenceValues(r: ReferencePoint): string {
  return Object.entries(r.values)
    .map(([k, v]) => `${k} ${Number(v.toPrecision(3))}`)
    .join(', ');
}
