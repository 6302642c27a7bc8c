/**
 * The study's tables of text (the claim scorecard, the experiments of a spec, per-group numbers,
 * published reference points) as rows for `htmlTable`/`showTable` in lib/plot: HTML tables that
 * wrap and stay searchable in JupyterLab and on the site. The rows are built from the data, so new
 * claims, experiments, comparisons or reference points flow through without changes here.
 *
 * @module
 */
import type { BadgeTone, HtmlTableCell, HtmlTableColumn } from '../plot/html-table';
import type { MeanCI } from '../stats/basics';
import type { AggregatedMetric, GroupSummary } from '../study/claims/aggregate';
import { describeComparison } from '../study/claims/decision';
import { formatReferenceValues, type ReferencePoint } from '../study/claims/references';
import type { ClaimComparison, ClaimResult, Verdict } from '../study/claims/scorecard';
import { tuningTargets } from '../study/spec/plan';
import type { RunRecord } from '../study/spec/records';
import type { StudySpec } from '../study/spec/schema';
import { TUNING_EXPERIMENT } from '../study/spec/tuning';
import { STUDY_METRIC_LABELS } from './metric-figures';

/** Columns and rows, ready for `htmlTable(columns, rows)` or `showTable(columns, rows)`. */
export interface TableRows {
  /** The columns. */
  columns: HtmlTableColumn[];
  /** One array of cells per row. */
  rows: HtmlTableCell[][];
}

/**
 * The badge tint of each verdict, one per verdict: holds green, does not hold orange, depends amber,
 * inconclusive blue, under revision purple, not tested grey.
 */
export const VERDICT_TONES: Readonly<Record<Verdict, BadgeTone>> = {
  holds: 'positive',
  'does not hold': 'negative',
  depends: 'mixed',
  inconclusive: 'open',
  'under revision': 'revision',
  'not tested': 'neutral',
};

/**
 * Significant decimals for a mean of this size: 0 from 100 up, 1 from 10, else 3.
 *
 * @example
 * ```ts
 * decimalsFor(0.873); // 3
 * decimalsFor(152); // 0
 * ```
 */
export function decimalsFor(value: number): number {
  const size = Math.abs(value);
  return size >= 100 ? 0 : size >= 10 ? 1 : 3;
}

/**
 * A mean with its interval, `mean [lo, hi]`, rounded to {@link decimalsFor} the mean; `n=1` when
 * there is a single value and `–` for none. With `floor` (e.g. 0 for times and counts), an interval
 * end below it is shown at the floor and marked `≥`: a time cannot be negative, and Student's t
 * interval of a small skewed sample can reach below 0.
 *
 * @example
 * ```ts
 * formatInterval(meanCI([0.84, 0.86, 0.85])); // '0.850 [0.825, 0.875]'
 * ```
 */
export function formatInterval(ci: MeanCI, options: { floor?: number; decimals?: number } = {}): string {
  if (ci.n === 0 || !Number.isFinite(ci.mean)) return '–';
  const d = options.decimals ?? decimalsFor(ci.mean);
  const mean = ci.mean.toFixed(d);
  if (!(Number.isFinite(ci.lo) && Number.isFinite(ci.hi))) return `${mean} (n=${ci.n})`;
  const floor = options.floor;
  const lo = floor !== undefined && ci.lo < floor ? `≥${floor.toFixed(d)}` : ci.lo.toFixed(d);
  return `${mean} [${lo}, ${ci.hi.toFixed(d)}]`;
}

/**
 * One comparison on one line: `label: effect [95% CI] (n, test, adjusted p, p_eq) → outcome`
 * (`describeComparison` in lib/study/claims/decision.ts), marked `(shown)` when it does not decide.
 *
 * @example
 * ```ts
 * for (const c of scorecard(study.spec, study.records)[0].comparisons) console.log(comparisonText(c));
 * ```
 */
export function comparisonText(c: ClaimComparison): string {
  return `${c.deciding ? '' : '(shown) '}${describeComparison(c)}`;
}

/**
 * Columns of {@link scorecardRows}.
 *
 * @example
 * ```ts
 * showTable(SCORECARD_COLUMNS, scorecardRows(scorecard(study.spec, study.records)));
 * ```
 */
export const SCORECARD_COLUMNS: readonly HtmlTableColumn[] = [
  { label: '#', nowrap: true },
  { label: 'claim', minWidth: '9em' },
  { label: 'verdict', minWidth: '7em' },
  {
    label:
      'why (the statistics fold away: effect [95% CI] paired by seed, Holm-adjusted p, p_eq of the equivalence test)',
    minWidth: '16em',
  },
];

/**
 * The claim scorecard as a compact table: one row per claim with its title and statement, its
 * verdict as a tinted badge (and the facet it depends on), how many comparisons support it with
 * the deciding one (`comparisonText`: the first that supports it, else the first with data),
 * and, folded under a `<details>`, the explanation the rules computed, every comparison, the rule
 * and the claim's published reference points.
 *
 * @example
 * ```ts
 * showTable(SCORECARD_COLUMNS, scorecardRows(scorecard(spec, records)), { caption: 'Claim scorecard' });
 * ```
 */
export function scorecardRows(card: readonly ClaimResult[]): HtmlTableCell[][] {
  return card.map((c) => {
    const withData = c.comparisons.filter((k) => k.deciding && k.outcome !== 'insufficient data');
    const supporting = withData.filter((k) => k.outcome === 'supports');
    const deciding = supporting[0] ?? withData[0];
    const details = [
      c.explanation,
      ...c.comparisons.map(comparisonText),
      `rule: ${c.rule}`,
      ...c.references.map(
        (r) => `published: ${r.setting}: ${formatReferenceValues(r)} (${r.unit}; ${r.source})`,
      ),
    ];
    const n = c.comparisons.length;
    return [
      String(c.id),
      { text: c.title, note: c.statement },
      {
        text: c.verdict,
        badge: VERDICT_TONES[c.verdict] ?? 'neutral',
        note: c.dependsOn ? `on ${c.dependsOn.split(':')[0].trim()}` : undefined,
      },
      {
        // The plain sentence (a claim under revision says why); the statistics fold away below.
        text: c.sentence,
        lines:
          deciding && !c.revision
            ? [`${supporting.length} of ${withData.length} deciding comparisons support it`]
            : [],
        details,
        detailsSummary: `all ${n} comparison${n === 1 ? '' : 's'}, the rule${c.references.length ? ', published references' : ''}`,
      },
    ];
  });
}

/**
 * The tuning stage's rates: its grid, and for two-stage tuning (`evaluation-near-proxy`) which
 * architectures then run a local grid at their evaluation budget.
 */
function tuningRatesText(spec: StudySpec): string {
  const grid = `rates ${spec.tuning?.learningRates.join(', ') ?? ''}`;
  const local = [
    ...new Set(
      tuningTargets(spec)
        .filter((t) => t.near)
        .map((t) => t.arch),
    ),
  ];
  return local.length
    ? `${grid}; then ${local.join(', ')} at the evaluation budget: the proxy's pick and one step either side`
    : grid;
}

/**
 * The experiments of a spec, after its tuning stage when it has one: name, claims (the tuning
 * stage: its rates), architectures, norm kinds, seeds, and runs found in `records`.
 *
 * @example
 * ```ts
 * const { columns, rows } = experimentRows(study.spec, study.records);
 * showTable(columns, rows);
 * ```
 */
export function experimentRows(spec: StudySpec, records: readonly RunRecord[]): TableRows {
  return {
    columns: [
      { label: 'experiment', nowrap: true },
      { label: 'claims' },
      { label: 'architectures' },
      { label: 'norm kinds', minWidth: '8em' },
      { label: 'seeds', align: 'right' },
      { label: 'runs in the file', align: 'right' },
    ],
    rows: [
      // The tuning stage first: every tuned architecture × kind over the learning-rate grid.
      ...(spec.tuning
        ? [
            [
              TUNING_EXPERIMENT,
              tuningRatesText(spec),
              [...new Set(tuningTargets(spec).map((t) => t.arch))].join(', '),
              [...new Set(tuningTargets(spec).map((t) => t.norm))].join(', '),
              spec.tuning.seeds.join(', '),
              String(records.filter((r) => r.experiments.includes(TUNING_EXPERIMENT)).length),
            ],
          ]
        : []),
      ...spec.experiments.map((e) => [
        e.name,
        (e.claims as readonly number[]).join(', '),
        e.archs.join(', '),
        e.norms.join(', '),
        String(e.seeds),
        String(records.filter((r) => r.experiments.includes(e.name)).length),
      ]),
    ],
  };
}

/**
 * Published reference points: source, setting, values, unit, claims.
 *
 * @example
 * ```ts
 * const { columns, rows } = referenceRows(referencesFor(8));
 * showTable(columns, rows);
 * ```
 */
export function referenceRows(points: readonly ReferencePoint[]): TableRows {
  return {
    columns: [
      { label: 'source', minWidth: '10em' },
      { label: 'setting', minWidth: '10em' },
      { label: 'values' },
      { label: 'unit' },
      { label: 'claims', nowrap: true },
    ],
    rows: points.map((r) => [r.source, r.setting, formatReferenceValues(r), r.unit, r.claims.join(', ')]),
  };
}

/**
 * Metrics that cannot be negative (counts, times, losses, accuracies): their intervals are shown
 * clipped at 0 by {@link groupRows}.
 */
const NON_NEGATIVE: ReadonlySet<AggregatedMetric> = new Set<AggregatedMetric>([
  'stepsToTarget',
  'secondsToTarget',
  'lossAuc',
  'lossRoughness',
  'epochsToPlateau',
  'bestValAccuracy',
  'valAccuracy',
  'testAccuracy',
  'trainAccuracy',
  'medianStepMs',
  'samplesPerSecond',
]);

/** A column of {@link groupRows}: a metric (mean [95% CI]) or the share of runs that reached the target. */
export type GroupColumn = AggregatedMetric | 'reachedShare' | 'divergedShare';

/**
 * One row per grid point (architecture, norm kind) with the chosen metrics as `mean [95% CI]`
 * across seeds (`formatInterval`). Intervals of metrics that cannot be negative are clipped
 * at 0 and marked `≥0`; shares are percentages of the point's runs.
 *
 * @example
 * ```ts
 * const t = groupRows(summarizeGroups(records), ['stepsToTarget', 'reachedShare', 'secondsToTarget']);
 * showTable(t.columns, t.rows);
 * ```
 */
export function groupRows(groups: readonly GroupSummary[], columns: readonly GroupColumn[]): TableRows {
  const label = (c: GroupColumn): string =>
    c === 'reachedShare'
      ? 'reached the target'
      : c === 'divergedShare'
        ? 'diverged'
        : `${STUDY_METRIC_LABELS[c]} (mean [95% CI])`;
  return {
    columns: [
      { label: 'architecture', nowrap: true },
      { label: 'norm', nowrap: true },
      ...columns.map((c): HtmlTableColumn => ({ label: label(c), align: 'right', nowrap: true })),
    ],
    rows: groups.map((g) => [
      g.point.arch,
      g.point.norm,
      ...columns.map((c) =>
        c === 'reachedShare' || c === 'divergedShare'
          ? `${(100 * g[c]).toFixed(0)}%`
          : formatInterval(g.metrics[c], { floor: NON_NEGATIVE.has(c) ? 0 : undefined }),
      ),
    ]),
  };
}
