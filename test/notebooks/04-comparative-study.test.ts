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

test('04-comparative-study: runs clean and shows its study figures with data', () => {
  const run = executeNotebook('04-comparative-study.ipynb', 1800);
  assert.equal(run.failed, null, run.failed ?? '');
  assert.deepEqual(run.errors, []);
  assert.deepEqual(run.stderr, [], 'no stderr noise');
  const study = run.figures.filter((f) => !/in progress/.test(f.title ?? ''));
  // Steps, loss AUC, test accuracy, gap, and a validation-curve figure per architecture (2 in smoke).
  assert.ok(study.length >= 6, JSON.stringify(run.figures));
  for (const f of run.figures) assert.ok(f.tracesWithData > 0, `figure without data: ${JSON.stringify(f)}`);
  const text = notebookText(run.executed);
  assert.match(text, /backend tensorflow/);
  const rich = notebookRichText(run.executed);
  assert.match(rich, /(Read|No committed full run:) \*\*\d+ runs\*\* of the `\w+`/, 'the source is Markdown');
  if (existsSync(join(__dirname, '..', '..', 'results', 'full', 'PROVENANCE.md'))) {
    // The provenance is named and linked, not inlined: the notebook opens with its question.
    assert.match(rich, /`results\/full\/PROVENANCE\.md`, gathered on the site's \*Provenance\* page/);
    assert.doesNotMatch(rich, /\| commit \|/, 'no commit table on a reader page');
  }
  assert.equal(plotlyTables(run.executed), 0, 'tables of text are HTML tables, not Plotly tables');
  // The chapter answers its four claims before it shows the runs behind them.
  const badges = [
    ...rich.matchAll(
      /nl-badge-\w+"[^>]*>(holds|does not hold|depends|inconclusive|not tested|under revision)</g,
    ),
  ];
  assert.equal(badges.length, 4, 'one verdict badge for each of claims 1, 2, 3 and 6');
  assert.ok(rich.indexOf('nl-badge-') < rich.indexOf('data-label="experiment"'), 'the answers come first');
  assert.match(
    rich,
    /<table class="normlab-table"[\s\S]*<td data-label="experiment"/,
    'the experiments table',
  );
  assert.match(rich, /2-conv\+BN 0\.934/, 'published reference points');
  const speed = /Steps and seconds to the target[\s\S]*?<\/table>/.exec(rich)?.[0] ?? '';
  assert.match(speed, /seconds to target accuracy/, 'the speed table');
  assert.ok(!/\[-\d/.test(speed), `no interval of steps or seconds reaches below 0: ${speed}`);
});
