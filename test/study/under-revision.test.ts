import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { studyReportHtml } from '../../lib/report/html-report';
import { mechanismVerdictMarkdown } from '../../lib/report/mechanism-tables';
import { scorecardRows, VERDICT_TONES } from '../../lib/report/study-tables';
import { describeComparison } from '../../lib/study/claims/decision';
import { CLAIMS_UNDER_REVISION, revisionOf } from '../../lib/study/claims/revisions';
import { scorecard } from '../../lib/study/claims/scorecard';
import { formatScorecard } from '../../lib/study/claims/summary';
import { CLAIM_IDS, type ClaimId } from '../../lib/study/spec/schema';
import { loadResults } from '../../lib/study/store/results';
import { scorecardPageRow } from '../../scripts/docs/scorecard';

// While a claim is flagged in lib/study/claims/revisions.ts, every page that shows the scorecard must show
// it as under revision, with the reason; when the flag is lifted, none may.
const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const FULL = join(ROOT, 'results', 'full', 'results.jsonl');
// The claims whose revision applies to the committed full results (made with the withdrawn design).
const committed = existsSync(FULL) ? loadResults(FULL) : null;
const flagged = committed ? CLAIM_IDS.filter((id) => revisionOf(id, committed.header.spec)) : [];
const isFlagged = (id: ClaimId) => flagged.includes(id);

/** The sentence the hand-written pages open their notice with, from the flag itself. */
function noticeHeading(): string {
  return flagged.length === 1
    ? `Claim ${flagged[0]} is under revision`
    : `Claims ${flagged.slice(0, -1).join(', ')} and ${flagged[flagged.length - 1]} are under revision`;
}

/** Markdown text of a notebook's cells. */
function notebookMarkdown(name: string): string {
  const nb = JSON.parse(read(`notebooks/${name}`)) as { cells: { cell_type: string; source: string[] }[] };
  return nb.cells
    .filter((c) => c.cell_type === 'markdown')
    .map((c) => c.source.join(''))
    .join('\n');
}

test('the flag: each entry has one plain sentence', () => {
  for (const id of CLAIM_IDS.filter((i) => CLAIMS_UNDER_REVISION[i])) {
    const reason = CLAIMS_UNDER_REVISION[id]!.reason;
    assert.ok(reason.length > 20 && !reason.endsWith('.'), `claim ${id}: a sentence without its full stop`);
    assert.doesNotMatch(reason, /\b[0-9a-f]{7,40}\b|issue \d+|#\d+/, 'no commit hashes or issue numbers');
  }
});

test('scorecard() shows a flagged claim as under revision with its reason, and keeps the computed verdict', {
  skip: existsSync(FULL) ? false : 'results/full is not committed in this copy',
}, () => {
  const { header, runs } = committed!;
  const card = scorecard(header.spec, runs);
  for (const c of card) {
    if (isFlagged(c.id)) {
      assert.equal(c.verdict, 'under revision', `claim ${c.id}`);
      assert.equal(c.revision?.reason, CLAIMS_UNDER_REVISION[c.id]!.reason);
      assert.notEqual(c.revision?.computedVerdict, 'under revision');
      assert.ok(c.explanation.startsWith(`Under revision: ${c.revision!.reason}.`));
      assert.equal(c.dependsOn, undefined);
    } else {
      assert.notEqual(c.verdict, 'under revision', `claim ${c.id}`);
      assert.equal(c.revision, undefined);
    }
  }
  // The renderers every page uses: the notebooks' table, the home page's rows, the CLI summary, the
  // HTML report and notebook 06's verdict line.
  const rows = scorecardRows(card);
  const page = card.map((c) => scorecardPageRow(c, describeComparison));
  const text = formatScorecard(card);
  const html = studyReportHtml({
    spec: header.spec,
    specHash: header.specHash,
    records: runs,
    scorecard: card,
    plannedRuns: runs.length,
    figures: [],
  });
  assert.equal([...html.matchAll(/class="verdict revision">under revision</g)].length, flagged.length);
  for (const [i, c] of card.entries()) {
    const badge = rows[i][2] as { text: string; badge: string };
    assert.equal(badge.text, c.verdict);
    assert.equal(badge.badge, VERDICT_TONES[c.verdict]);
    assert.equal(page[i].verdict === 'under revision', isFlagged(c.id));
    assert.equal(page[i].tone === 'revision', isFlagged(c.id));
    assert.equal(text.includes(`Claim ${c.id}. ${c.title}: UNDER REVISION`), isFlagged(c.id));
    if (isFlagged(c.id)) {
      const reason = CLAIMS_UNDER_REVISION[c.id]!.reason;
      assert.ok(page[i].evidence.includes(reason));
      assert.ok(html.includes(reason.replace(/&/g, '&#38;')), `the report gives claim ${c.id}'s reason`);
    }
  }
  const claim9 = card.find((c) => c.id === 9)!;
  assert.equal(/: under revision\.\*\*/.test(mechanismVerdictMarkdown(claim9)), isFlagged(9));
});

test('every verdict has its own badge tone', () => {
  const tones = Object.values(VERDICT_TONES);
  assert.equal(new Set(tones).size, tones.length);
});

test('the committed report shows the flagged claims as under revision', {
  skip: existsSync(join(ROOT, 'results/full/report.html')) ? false : 'no committed report',
}, () => {
  const html = read('results/full/report.html');
  assert.equal([...html.matchAll(/class="verdict revision">under revision</g)].length, flagged.length);
});

test("README's verdict table shows a flagged claim as under revision, and no other", () => {
  const readme = read('README.md');
  for (const id of CLAIM_IDS) {
    const row = readme.split('\n').find((l) => l.startsWith(`| ${id} | `) && /\*\*[^*]+\*\*/.test(l));
    assert.ok(row, `README has a verdict row for claim ${id}`);
    assert.equal(row.includes('**under revision**'), isFlagged(id), `claim ${id}: ${row.slice(0, 120)}`);
  }
});

test('the hand-written pages that show verdicts carry the notice while a claim is flagged', () => {
  const pages: Record<string, string> = {
    'docs/index.md': read('docs/index.md'),
    'docs/guide/study-design.md': read('docs/guide/study-design.md'),
    'notebook 05': notebookMarkdown('05-claims-scorecard.ipynb'),
  };
  for (const [name, text] of Object.entries(pages)) {
    if (flagged.length === 0) assert.doesNotMatch(text, /under revision/i, name);
    else assert.ok(text.includes(noticeHeading()), `${name} says "${noticeHeading()}"`);
  }
  // Claim 8's figure and the promise of notebook 02; claim 9's verdict in notebook 06.
  assert.equal(
    /Under revision: this figure shows no small-batch gap/.test(pages['notebook 05']),
    isFlagged(8),
  );
  assert.equal(/is under revision/.test(notebookMarkdown('02-training-vs-inference.ipynb')), isFlagged(8));
  assert.equal(
    /## Verdict on the article's explanation\n\n\*\*Under revision\.\*\*/.test(
      notebookMarkdown('06-why-does-it-work.ipynb'),
    ),
    isFlagged(9),
  );
});

test("README's verdict table agrees with the scorecard of the committed results", {
  skip: committed ? false : 'results/full is not committed in this copy',
}, () => {
  const readme = read('README.md');
  for (const c of scorecard(committed!.header.spec, committed!.runs)) {
    const row = readme.split('\n').find((l) => l.startsWith(`| ${c.id} | `) && /\*\*[^*]+\*\*/.test(l))!;
    const shown = /\*\*([^*]+)\*\*/.exec(row)![1];
    const verdict = c.verdict === 'depends' ? 'depends' : c.verdict;
    assert.ok(shown.startsWith(verdict), `claim ${c.id}: README says ${shown}, the results ${c.verdict}`);
  }
});
