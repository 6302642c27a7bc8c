/**
 * The study's self-contained HTML report (Node I/O): the claim scorecard with its numbers, the
 * study's figures (plotly.js inlined from `plotly.js-dist-min`, so it works offline and from
 * `file://`), and the provenance of the results. Light and dark pages follow the reader's system
 * preference.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { describeComparison } from '../study/claims/decision';
import { formatReferenceValues } from '../study/claims/references';
import type { ClaimResult, Verdict } from '../study/claims/scorecard';
import type { RunRecord } from '../study/spec/records';
import type { StudySpec } from '../study/spec/schema';
import { replaceFileDurably } from '../study/store/durable-write';
import { type StudyFigureSection, studyFigures } from './study-figures';

/** Escape text for HTML. */
function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

let plotlyCache: string | undefined;

/**
 * The minified plotly.js bundle of the installed `plotly.js-dist-min` package.
 *
 * @example
 * ```ts
 * const html = `<script>${inlinePlotlySource()}</script>`; // works offline
 * ```
 */
export function inlinePlotlySource(): string {
  plotlyCache ??= readFileSync(require.resolve('plotly.js-dist-min/plotly.min.js'), 'utf8');
  return plotlyCache;
}

/** Inputs of `studyReportHtml`. */
export interface StudyReportInput {
  /** The study's spec. */
  spec: StudySpec;
  /** Its spec hash. */
  specHash: string;
  /** The run records. */
  records: readonly RunRecord[];
  /** The scorecard computed from them. */
  scorecard: readonly ClaimResult[];
  /** Planned runs of the spec (to say how complete the results are). */
  plannedRuns: number;
  /** Extra provenance lines (command, wall time, ...). */
  provenance?: Record<string, string>;
  /** plotly.js source to inline; default `inlinePlotlySource`. */
  plotlyJs?: string;
  /** Figures; default `studyFigures(records)`. */
  figures?: StudyFigureSection[];
}

const VERDICT_CLASS: Readonly<Record<Verdict, string>> = {
  holds: 'holds',
  'does not hold': 'fails',
  depends: 'depends',
  inconclusive: 'open',
  'under revision': 'revision',
  'not tested': 'untested',
};

function scorecardTable(card: readonly ClaimResult[]): string {
  const rows = card.map((c) => {
    const comparisons = c.comparisons
      .map(
        (cmp) =>
          `<li>${cmp.deciding ? '' : '<span class="muted">(shown, not deciding)</span> '}${esc(describeComparison(cmp))}</li>`,
      )
      .join('');
    const refs = c.references
      .map(
        (r) =>
          `<li>${esc(r.setting)}: ${esc(formatReferenceValues(r))} (${esc(r.unit)}; ${esc(r.source)})</li>`,
      )
      .join('');
    return `<tr>
<td>${c.id}</td>
<td><b>${esc(c.title)}</b><br><span class="muted">${esc(c.statement)}</span></td>
<td>${esc(c.experiments.join(', ') || '–')}</td>
<td><span class="verdict ${VERDICT_CLASS[c.verdict]}">${esc(c.verdict)}</span>${
      c.dependsOn ? `<br><span class="muted">on ${esc(c.dependsOn)}</span>` : ''
    }<br>${esc(c.sentence)}</td>
<td><details><summary>${c.comparisons.length} comparison(s); rule: ${esc(c.rule)}</summary><ul>${comparisons}</ul>${
      c.notes.length ? `<ul class="muted">${c.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''
    }</details>${refs ? `<ul class="refs">${refs}</ul>` : ''}</td>
</tr>`;
  });
  return `<table class="scorecard"><thead><tr><th>#</th><th>claim</th><th>experiment</th><th>verdict</th><th>numbers (95% CI) and references</th></tr></thead><tbody>${rows.join(
    '\n',
  )}</tbody></table>`;
}

/**
 * The report page as one HTML string (no external requests).
 *
 * @example
 * ```ts
 * const html = studyReportHtml({ spec, specHash, records, scorecard: scorecard(spec, records), plannedRuns: 67 });
 * ```
 */
export function studyReportHtml(input: StudyReportInput): string {
  const figures = input.figures ?? studyFigures(input.records, input.spec);
  const env = input.records[0]?.env;
  const provenance: Record<string, string> = {
    spec: `${input.spec.name} (hash ${input.specHash})`,
    runs: `${input.records.length} of ${input.plannedRuns} planned`,
    ...(env
      ? {
          backend: `${env.backend} (tfjs ${env.tfjsVersion}${env.tensorflowVersion ? `, TensorFlow ${env.tensorflowVersion}` : ''}, node ${env.nodeVersion})`,
          machine: `${env.cpu} × ${env.cpuCount}, ${env.platform}`,
          commit: `${env.commit ?? 'unknown'}${env.dirty ? ' (uncommitted changes)' : ''}`,
        }
      : {}),
    ...(input.provenance ?? {}),
  };
  const figureDivs = figures
    .map(
      (f, i) =>
        `<section><h3>${esc(f.heading)}</h3><div id="fig-${i}" class="fig"></div><p class="muted">${esc(f.caption)}</p></section>`,
    )
    .join('\n');
  const plots = figures
    .map(
      (f, i) =>
        `Plotly.newPlot('fig-${i}', ${scriptJson(f.figure.data)}, ${scriptJson(f.figure.layout)}, ${scriptJson({ responsive: true, displaylogo: false, ...(f.figure.config ?? {}) })});`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>normlab study: ${esc(input.spec.name)}</title>
<style>
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1d1d1f; --muted: #6b6b70; --line: rgba(136,136,136,.35); }
@media (prefers-color-scheme: dark) { :root { --bg: #1b1b1f; --fg: #e6e6e9; --muted: #a0a0a8; } }
body { background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1100px; margin: 2rem auto; padding: 0 1rem; }
.muted { color: var(--muted); font-size: 0.92em; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: .5rem; vertical-align: top; text-align: left; }
.verdict { font-weight: 700; padding: .1rem .45rem; border-radius: .3rem; white-space: nowrap; }
.holds { background: rgba(46,160,67,.2); } .fails { background: rgba(218,54,51,.2); } .depends { background: rgba(210,153,34,.25); } .open { background: rgba(86,180,233,.25); } .revision { background: rgba(204,121,167,.28); } .untested { background: rgba(136,136,136,.2); }
.fig { width: 100%; height: 440px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dt { color: var(--muted); }
ul { margin: .3rem 0; padding-left: 1.2rem; } .refs { font-size: .9em; }
</style></head><body>
<h1>normlab study: ${esc(input.spec.name)}</h1>
<p>${esc(input.spec.description ?? '')}</p>
<dl>${Object.entries(provenance)
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
    .join('')}</dl>
<h2>Claim scorecard</h2>
<p class="muted">Verdicts are computed from the results by lib/study/claims/decision.ts: each comparison pairs runs by seed (paired t-test, or the log-rank test for censored steps to target), p-values are Holm-corrected inside each claim, and an equivalence test (TOST) with the claim's margin tells "no difference" from "not enough evidence". A claim holds when every deciding comparison supports it, does not hold when every one is equivalent or the opposite, is inconclusive when any is undecided, and depends otherwise. The rules are on the site's Study design page.</p>
${scorecardTable(input.scorecard)}
<h2>Figures</h2>
${figureDivs || '<p class="muted">No results to plot yet.</p>'}
<script>${(input.plotlyJs ?? inlinePlotlySource()).replace(/<\/script/gi, '<\\/script')}</script>
<script>
${plots}
</script>
</body></html>
`;
}

/**
 * Write `studyReportHtml` to a file, atomically (a temporary file beside it, renamed): a
 * failed write (a full disk) leaves the previous file as it was.
 *
 * @throws the file system's error (with its `code`) when the file could not be written.
 * @example
 * ```ts
 * // input: the spec, its hash, the records, the scorecard and the planned run count
 * writeStudyReport('artifacts/report.html', input);
 * ```
 */
export function writeStudyReport(path: string, input: StudyReportInput): void {
  replaceFileDurably(path, studyReportHtml(input));
}
