import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { executeNotebook } from '../helpers/notebooks';
import { notebookRichText, notebookText, plotlyTables } from './notebook-text';

// The notebook reads results/full/results.jsonl when it is committed; otherwise it runs (or resumes)
// a study profile into artifacts/study/<profile>: `quick` for readers, which takes about 10 minutes
// on a shared 2-core machine. The test picks `smoke` (seconds) in that case, unless
// NORMLAB_STUDY_PROFILE is set (e.g. to `quick`, to test exactly what a reader runs).
if (!existsSync(join(__dirname, '..', '..', 'results', 'full', 'results.jsonl'))) {
  process.env.NORMLAB_STUDY_PROFILE ??= 'smoke';
}

test('05-claims-scorecard: runs clean and shows its study figures with data', () => {
  const run = executeNotebook('05-claims-scorecard.ipynb', 1800);
  assert.equal(run.failed, null, run.failed ?? '');
  assert.deepEqual(run.errors, []);
  assert.deepEqual(run.stderr, [], 'no stderr noise');
  const study = run.figures.filter((f) => !/in progress/.test(f.title ?? ''));
  assert.ok(study.length >= 4, JSON.stringify(run.figures));
  for (const f of run.figures) assert.ok(f.tracesWithData > 0, `figure without data: ${JSON.stringify(f)}`);
  const text = notebookText(run.executed);
  assert.match(text, /backend tensorflow/);
  const rich = notebookRichText(run.executed);
  assert.match(rich, /(Read|No committed full run:) \*\*\d+ runs\*\* of the `\w+`/, 'the source is Markdown');
  assert.equal(plotlyTables(run.executed), 0, 'the scorecard and the references are HTML tables');
  const verdicts = [
    ...rich.matchAll(
      /nl-badge-\w+"[^>]*>(holds|does not hold|depends|inconclusive|not tested|under revision)</g,
    ),
  ].map((m) => m[1]);
  assert.equal(
    verdicts.length,
    9,
    `one verdict badge per claim (8 claims and the mechanism, 9): ${verdicts.join(', ')}`,
  );
  for (let claim = 1; claim <= 9; claim++)
    assert.match(rich, new RegExp(`<td data-label="#"[^>]*>${claim}</td>`), `claim ${claim} has a row`);
  assert.match(rich, /<details class="nl-details"><summary>all \d+ comparisons?/, 'comparisons fold away');
  assert.match(rich, /Wu &#38; He 2018/);
});
