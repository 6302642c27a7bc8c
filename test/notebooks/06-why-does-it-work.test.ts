import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { executeNotebook } from '../helpers/notebooks';
import { notebookRichText, notebookText } from './notebook-text';

// The notebook reads the committed mechanism runs (results/full, else results/mechanism); without
// them it trains the mechanism experiment of a profile: `quick` for readers (a few minutes), `smoke`
// (seconds) here unless NORMLAB_STUDY_PROFILE says otherwise.
const committed = ['full', 'mechanism'].some((d) =>
  existsSync(join(__dirname, '..', '..', 'results', d, 'results.jsonl')),
);
if (!committed) process.env.NORMLAB_STUDY_PROFILE ??= 'smoke';

test('06-why-does-it-work: runs clean, draws the percentile plot and the probes, ends with a verdict', () => {
  const run = executeNotebook('06-why-does-it-work.ipynb', 900);
  assert.equal(run.failed, null, run.failed ?? '');
  assert.deepEqual(run.errors, []);
  assert.deepEqual(run.stderr, [], 'no stderr noise');
  const figures = run.figures.filter((f) => !/in progress/.test(f.title ?? ''));
  for (const f of run.figures) assert.ok(f.tracesWithData > 0, `figure without data: ${JSON.stringify(f)}`);
  const titles = figures.map((f) => f.title ?? '').join(' | ');
  assert.ok(figures.length >= 7, titles);
  assert.match(titles, /Input distribution of one unit over training/);
  assert.match(titles, /gradient shift ‖G − G′‖ \/ ‖G‖ over training/);
  assert.match(titles, /effective β-smoothness over training/);
  const text = notebookText(run.executed);
  assert.match(text, /backend tensorflow/);
  assert.match(text, /probed runs: none, batch, noisy-batch on the vgg/);
  // The noisy layer moves channel 0's distribution from step to step; batch norm keeps it at 0/1.
  assert.match(text, /step 1: batch norm mean -?0\.000, std 1\.000 \| noisy batch norm mean/);
  assert.match(text, /Claim 9: (holds|does not hold|inconclusive|depends|not tested|under revision)/);
  const rich = notebookRichText(run.executed);
  assert.match(rich, /A\. BN reduces the shift/);
  // The answer comes first: claim 9's scorecard row, with its badge.
  assert.match(
    rich,
    /nl-badge-\w+"[^>]*>(holds|does not hold|depends|inconclusive|not tested|under revision)</,
  );
  assert.match(rich, /gradient shift ‖G−G′‖\/‖G‖/);
});
