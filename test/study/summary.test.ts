import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClaimResult } from '../../lib/study/claims/scorecard';
import { formatScorecard, verdictAgreement } from '../../lib/study/claims/summary';

const claim = (id: 1 | 2, verdict: ClaimResult['verdict']): ClaimResult => ({
  id,
  title: `claim ${id}`,
  statement: 's',
  experiments: ['headline'],
  rule: 'r',
  comparisons: [],
  verdict,
  sentence: `${verdict}: because.`,
  explanation: 'e',
  notes: [],
  references: [],
});

test('the summary sets the committed study’s verdict beside each one: agrees, differs, not comparable', () => {
  assert.equal(verdictAgreement(claim(1, 'holds'), claim(1, 'holds')), 'agrees');
  assert.equal(verdictAgreement(claim(1, 'holds'), claim(1, 'depends')), 'differs');
  assert.equal(verdictAgreement(claim(1, 'holds'), claim(1, 'under revision')), 'not comparable');
  const text = formatScorecard([claim(1, 'holds'), claim(2, 'inconclusive')], {
    indicative: true,
    reference: { card: [claim(1, 'holds'), claim(2, 'does not hold')], label: 'committed full study' },
  });
  assert.match(text, /^Claim 1\. claim 1: HOLDS \(indicative\) \| committed full study: holds \(agrees\)$/m);
  assert.match(
    text,
    /^Claim 2\. claim 2: INCONCLUSIVE \(indicative\) \| committed full study: does not hold \(differs\)$/m,
  );
  assert.match(text, /^ {2}holds: because\.$/m, 'the plain sentence under the verdict');
});
