import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { htmlTable } from '../../lib/plot/html-table';
import { demoteHeadings, studySourceMarkdown } from '../../lib/report/study-source';
import {
  comparisonText,
  experimentRows,
  formatInterval,
  groupRows,
  referenceRows,
  SCORECARD_COLUMNS,
  scorecardRows,
  VERDICT_TONES,
} from '../../lib/report/study-tables';
import { summarizeGroups } from '../../lib/study/claims/aggregate';
import { REFERENCE_POINTS } from '../../lib/study/claims/references';
import { scorecard } from '../../lib/study/claims/scorecard';
import { runStudy } from '../../lib/study/run/runner';
import { profileSpec } from '../../lib/study/spec/profiles';
import { fakeExecutor } from '../study/fake-executor';

async function smokeStudy() {
  const spec = profileSpec('smoke');
  const out = await runStudy({
    spec,
    outDir: mkdtempSync(join(tmpdir(), 'normlab-tables-')),
    executor: fakeExecutor(),
  });
  return { spec, records: out.records };
}

test('formatInterval rounds to the size of the mean and clips what cannot be negative', () => {
  const ci = (mean: number, lo: number, hi: number, n = 5) => ({ n, mean, sd: 1, lo, hi, level: 0.95 });
  assert.equal(formatInterval(ci(105.04, 84.2, 127.9)), '105 [84, 128]');
  assert.equal(formatInterval(ci(11.94, -1.8, 25.5)), '11.9 [-1.8, 25.5]');
  assert.equal(formatInterval(ci(11.94, -1.8, 25.5), { floor: 0 }), '11.9 [≥0.0, 25.5]');
  assert.equal(formatInterval(ci(0.6751, 0.65, 0.7)), '0.675 [0.650, 0.700]');
  assert.equal(formatInterval(ci(3, Number.NaN, Number.NaN, 1)), '3.000 (n=1)');
  assert.equal(formatInterval(ci(Number.NaN, Number.NaN, Number.NaN, 0)), '–');
});

test('scorecardRows: one compact row per claim, verdict badge, comparisons folded', async () => {
  const { spec, records } = await smokeStudy();
  const card = scorecard(spec, records);
  const rows = scorecardRows(card);
  assert.equal(rows.length, card.length);
  for (const [i, c] of card.entries()) {
    const [id, claim, verdict, decides] = rows[i] as [
      string,
      { text: string },
      { text: string; badge: string; note?: string },
      { text: string; lines: string[]; details: string[] },
    ];
    assert.equal(id, String(c.id));
    assert.equal(claim.text, c.title);
    assert.equal(verdict.text, c.verdict);
    assert.equal(verdict.badge, VERDICT_TONES[c.verdict]);
    if (c.dependsOn) assert.ok(c.dependsOn.startsWith(verdict.note!.replace(/^on /, '')), verdict.note);
    else assert.equal(verdict.note, undefined);
    const withData = c.comparisons.filter((k) => k.deciding && k.outcome !== 'insufficient data');
    const supports = withData.filter((k) => k.outcome === 'supports').length;
    assert.equal(decides.text, c.sentence, 'the plain sentence first');
    if (!c.revision && withData.length)
      assert.deepEqual(decides.lines, [`${supports} of ${withData.length} deciding comparisons support it`]);
    else assert.deepEqual(decides.lines, []);
    assert.equal(decides.details[0], c.explanation);
    assert.equal(decides.details.length, 2 + c.comparisons.length + c.references.length);
    for (const [j, k] of c.comparisons.entries()) assert.equal(decides.details[j + 1], comparisonText(k));
  }
  const html = htmlTable(SCORECARD_COLUMNS, rows);
  assert.equal(html.match(/<tr>/g)?.length, card.length + 1);
  assert.match(
    comparisonText(card.find((c) => c.comparisons.length)!.comparisons[0]),
    /, batch vs \w+: .* \(n=\d+, (paired t|log-rank), adjusted p .*\) → (supports|opposite|equivalent|inconclusive|insufficient data)/,
  );
});

test('experimentRows, groupRows and referenceRows follow the data', async () => {
  const { spec, records } = await smokeStudy();
  const experiments = experimentRows(spec, records);
  assert.equal(
    experiments.rows.length,
    spec.experiments.length + 1,
    'the tuning stage, then each experiment',
  );
  assert.equal(experiments.rows[0][0], 'tuning');
  assert.equal(
    experiments.rows.reduce((n, r) => n + Number(r[5]), 0),
    records.reduce((n, r) => n + r.experiments.length, 0),
  );
  const groups = summarizeGroups(records);
  const speed = groupRows(groups, ['stepsToTarget', 'reachedShare', 'secondsToTarget', 'trainTestGap']);
  assert.deepEqual(speed.columns.map((c) => c.label).slice(0, 3), [
    'architecture',
    'norm',
    'steps to target accuracy (mean [95% CI])',
  ]);
  assert.equal(speed.rows.length, groups.length);
  for (const row of speed.rows) {
    assert.match(String(row[3]), /^\d+%$/);
    assert.ok(
      !/\[-/.test(String(row[2])) && !/\[-/.test(String(row[4])),
      `no negative steps or seconds: ${row}`,
    );
  }
  const refs = referenceRows(REFERENCE_POINTS);
  assert.equal(refs.rows.length, REFERENCE_POINTS.length);
  assert.equal(refs.rows[0][2], 'BN 0.347, GN 0.241');
});

test('studySourceMarkdown shows provenance files as Markdown under the notebook headings', () => {
  assert.equal(
    demoteHeadings('# A\ntext\n```bash\n# a comment\n```\n## B', 2),
    '### A\ntext\n```bash\n# a comment\n```\n#### B',
  );
  const spec = profileSpec('smoke');
  const md = studySourceMarkdown({
    spec,
    records: [],
    source: 'committed',
    resultsPath: 'results/full/results.jsonl',
    createdAt: '2026-11-25T15:55:21Z',
    provenance: [
      { path: 'results/full/PROVENANCE.md', text: '# Provenance\n\n| what | value |\n| --- | --- |' },
    ],
  });
  assert.equal(
    md,
    "Read **0 runs** of the `smoke` study from `results/full/results.jsonl` (created 2026-11-25T15:55:21Z). How they were made (commands, machine, code version): `results/full/PROVENANCE.md`, gathered on the site's *Provenance* page.",
  );
  assert.match(
    studySourceMarkdown({
      spec,
      records: [],
      source: 'live',
      resultsPath: 'artifacts/study/smoke/results.jsonl',
      provenance: [],
    }),
    /^No committed full run: \*\*0 runs\*\* of the `smoke` profile/,
  );
});
