import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  SCORECARD_TABLE_COLUMNS,
  scorecardTableFigure,
  VERDICT_COLORS,
} from '../../lib/report/scorecard-table-figure';
import { type ClaimResult, scorecard } from '../../lib/study/claims/scorecard';
import { runStudy } from '../../lib/study/run/runner';
import { profileSpec } from '../../lib/study/spec/profiles';
import { fakeExecutor } from '../study/fake-executor';

async function smokeCard(): Promise<ClaimResult[]> {
  const spec = profileSpec('smoke');
  const out = await runStudy({
    spec,
    outDir: mkdtempSync(join(tmpdir(), 'normlab-card-')),
    executor: fakeExecutor(),
  });
  return scorecard(spec, out.records);
}

test('scorecardTableFigure: one row per comparison, claim and verdict on its first row, verdict colours', async () => {
  const card = await smokeCard();
  const fig = scorecardTableFigure(card, { title: 'Claim scorecard: smoke' });
  assert.deepEqual(JSON.parse(JSON.stringify(fig)), fig, 'plain JSON');
  const table = fig.data[0] as unknown as {
    type: string;
    header: { values: string[] };
    cells: { values: string[][]; fill: { color: string[][] } };
  };
  assert.equal(table.type, 'table');
  assert.deepEqual(
    table.header.values,
    SCORECARD_TABLE_COLUMNS.map((c) => `<b>${c}</b>`),
  );
  const [claimCol, verdictCol, comparisonCol, bnCol, , outcomeCol, refCol] = table.cells.values;
  const expectedRows = card.reduce((n, c) => n + Math.max(1, c.comparisons.length), 0);
  assert.equal(claimCol.length, expectedRows);
  assert.equal(fig.layout.height, 140 + 64 * expectedRows);
  assert.match(
    String((fig.layout.title as { text?: string })?.text ?? fig.layout.title),
    /Claim scorecard: smoke/,
  );
  let row = 0;
  for (const c of card) {
    const n = Math.max(1, c.comparisons.length);
    assert.equal(claimCol[row], `${c.id}. ${c.title}`);
    assert.ok(verdictCol[row].startsWith(c.verdict));
    if (c.dependsOn) assert.ok(verdictCol[row].endsWith(`(on ${c.dependsOn})`));
    for (let i = 0; i < n; i++) {
      const k = c.comparisons[i];
      assert.equal(
        comparisonCol[row + i],
        k ? k.label : `no data (${c.experiments.join(', ') || 'no experiment'})`,
      );
      assert.equal(outcomeCol[row + i], k ? `${k.outcome}${k.deciding ? '' : ' (shown)'}` : '-');
      if (k) assert.ok(bnCol[row + i].startsWith(k.effectText), 'the effect with its interval');
      if (i > 0) assert.equal(claimCol[row + i], '', 'claim only on its first row');
      for (const col of table.cells.fill.color) assert.equal(col[row + i], VERDICT_COLORS[c.verdict]);
    }
    if (c.references.length) assert.match(refCol[row], new RegExp(c.references[0].unit));
    row += n;
  }
  assert.ok(
    card.some((c) => c.comparisons.length > 1),
    'the smoke card exercises multi-row claims',
  );
});

test('scorecardTableFigure: a claim without comparisons gets one no-data row; empty card, empty table', () => {
  const claim: ClaimResult = {
    id: 4,
    title: 'Robust to initialization',
    statement: '',
    experiments: [],
    rule: '',
    comparisons: [],
    verdict: 'not tested',
    sentence: 'Not tested: no deciding comparison has enough paired seeds yet.',
    explanation: '',
    notes: [],
    references: [],
  };
  const fig = scorecardTableFigure([claim]);
  const cells = (fig.data[0] as unknown as { cells: { values: string[][] } }).cells.values;
  assert.deepEqual(
    cells.map((col) => col[0]),
    ['4. Robust to initialization', 'not tested', 'no data (no experiment)', '-', '-', '-', ''],
  );
  const empty = scorecardTableFigure([]);
  assert.deepEqual(
    (empty.data[0] as unknown as { cells: { values: string[][] } }).cells.values,
    SCORECARD_TABLE_COLUMNS.map(() => []),
  );
});
