/**
 * The home page's scorecard data: docs/public/generated/scorecard.json, read at build time by
 * docs/.vitepress/theme/scorecard.data.mts. The verdicts are the study library's
 * (`scorecard()` in lib/study/claims), computed from a results file:
 *
 * 1. `results/full/results.jsonl`, the committed full run, when present;
 * 2. otherwise `artifacts/study/quick/results.jsonl`, the quick profile the notebooks run;
 * 3. otherwise nothing: the home page says how to produce results.
 *
 * A claim the chosen file has no experiment for (claim 9 in a full run made before the mechanism
 * experiment existed) is taken from a supplementary file when one is committed
 * ({@link SCORECARD_SUPPLEMENTS}), and its row says so.
 *
 * Usage: node --import tsx scripts/docs/scorecard.ts (also called by scripts/docs/build.ts).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { ScorecardData, ScorecardRow } from '../../docs/.vitepress/theme/scorecard-row';
import type { ClaimComparison, ClaimResult, Verdict } from '../../lib/study/index';

const ROOT = join(__dirname, '..', '..');
const OUT = join(ROOT, 'docs', 'public', 'generated', 'scorecard.json');

/** Results files in order of preference, with how the page names them. */
export const SCORECARD_SOURCES: readonly { path: string; what: string }[] = [
  { path: 'results/full/results.jsonl', what: 'the committed full study' },
  {
    path: 'artifacts/study/quick/results.jsonl',
    what: 'the full re-run with the current method is pending; meanwhile, a quick-profile study run on the build machine',
  },
];

/** Committed results of single experiments, used for claims the main source does not test. */
export const SCORECARD_SUPPLEMENTS: readonly { path: string; what: string }[] = [
  {
    path: 'results/mechanism/results.jsonl',
    what: "the full profile's mechanism experiment, run on its own",
  },
];

/** The notebook page that shows each claim's evidence (site paths). */
export const EVIDENCE_PAGES: Readonly<Record<number, string>> = {
  1: '/notebooks/04-comparative-study',
  2: '/notebooks/04-comparative-study',
  3: '/notebooks/04-comparative-study',
  4: '/notebooks/05-claims-scorecard',
  5: '/notebooks/05-claims-scorecard',
  6: '/notebooks/04-comparative-study',
  7: '/notebooks/05-claims-scorecard',
  8: '/notebooks/05-claims-scorecard',
  9: '/notebooks/06-why-does-it-work',
};

/** The page's tone (CSS class) of each verdict: one per verdict. */
export const VERDICT_TONE: Readonly<Record<Verdict, ScorecardRow['tone']>> = {
  holds: 'holds',
  'does not hold': 'fails',
  depends: 'depends',
  inconclusive: 'open',
  'under revision': 'revision',
  'not tested': 'untested',
};

/** A verdict as the pages name it: `depends on <what>` for `depends`, else the verdict itself. */
export function verdictLabel(c: Pick<ClaimResult, 'verdict' | 'dependsOn'>): string {
  const on = c.dependsOn ? c.dependsOn.split(':')[0].trim() : '';
  return c.verdict === 'depends' && on ? `depends on ${on}` : c.verdict;
}

/** One claim as the home page shows it: verdict, tone and the evidence line (or why it is under revision). */
export function scorecardPageRow(c: ClaimResult, describe: (k: ClaimComparison) => string): ScorecardRow {
  const deciding = c.comparisons.filter((k) => k.deciding && k.outcome !== 'insufficient data');
  const supporting = deciding.filter((k) => k.outcome === 'supports');
  const shown = supporting[0] ?? deciding[0];
  // The plain sentence (a claim under revision says why); the statistics are one click down.
  const evidence = c.sentence;
  const detail = c.revision
    ? ''
    : shown
      ? `${supporting.length} of ${deciding.length} deciding comparisons support it. ${describe(shown)}`
      : '';
  const tone = VERDICT_TONE[c.verdict];
  return {
    claim: `${c.id}. ${c.title}`,
    experiment: c.experiments.join(', ') || '–',
    evidence,
    detail,
    link: EVIDENCE_PAGES[c.id],
    verdict: verdictLabel(c),
    tone,
  };
}

/** Write the scorecard data when a results file exists; returns what happened, for the build log. */
export function writeScorecard(): string {
  rmSync(OUT, { force: true });
  const source = SCORECARD_SOURCES.find((s) => existsSync(join(ROOT, s.path)));
  const supplements = SCORECARD_SUPPLEMENTS.filter((s) => existsSync(join(ROOT, s.path)));
  if (!source && supplements.length === 0)
    return `no results file (${SCORECARD_SOURCES.map((s) => s.path).join(', ')}): no scorecard`;
  // Loaded here, not at the top: the study library pulls in TensorFlow.js.
  const study = require('../../lib/study/index') as typeof import('../../lib/study/index');
  const main = source ? study.loadResults(join(ROOT, source.path)) : null;
  // Without a study file every claim waits for the re-run, except those a supplement tests.
  const claims = main
    ? study.scorecard(main.header.spec, main.runs)
    : study.CLAIM_IDS.map((id) => ({ id, experiments: [] as string[] }));
  const rows: ScorecardRow[] = main
    ? (claims as ReturnType<typeof study.scorecard>).map((c) => scorecardPageRow(c, study.describeComparison))
    : study.CLAIM_IDS.map((id) => ({
        claim: `${id}. ${study.CLAIMS[id].title}`,
        experiment: '–',
        evidence: 'the full study is being re-run with the current method',
        detail: '',
        link: EVIDENCE_PAGES[id],
        verdict: 'pending re-run',
        tone: 'untested',
      }));
  const notes: string[] = [];
  for (const supplement of SCORECARD_SUPPLEMENTS) {
    if (!existsSync(join(ROOT, supplement.path))) continue;
    const extra = study.loadResults(join(ROOT, supplement.path));
    for (const [i, c] of study.scorecard(extra.header.spec, extra.runs).entries()) {
      if (claims[i].experiments.length > 0 || c.experiments.length === 0) continue;
      rows[i] = {
        ...scorecardPageRow(c, study.describeComparison),
        experiment: `${c.experiments.join(', ')} (${supplement.path})`,
      };
      notes.push(
        `claim ${c.id} from ${supplement.what} (${supplement.path}: spec '${extra.header.specName}', ${extra.runs.length} runs, created ${extra.header.createdAt.slice(0, 10)})`,
      );
    }
  }
  const from =
    source && main
      ? `${source.what} (${source.path}: spec '${main.header.specName}', ${main.runs.length} runs, created ${main.header.createdAt.slice(0, 10)})`
      : 'no full study yet: the other claims wait for its re-run';
  const data: ScorecardData = { source: `${from}${notes.length ? `; ${notes.join('; ')}` : ''}`, rows };
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(data, null, 2)}\n`);
  return `scorecard of ${claims.length} claims from ${source ? relative(ROOT, join(ROOT, source.path)) : supplements.map((s) => s.path).join(', ')}`;
}

if (require.main === module) console.log(writeScorecard());
