/**
 * The rule each scorecard shows under a claim (CLAIMS[id].rule) describes the rule the code
 * applies: claim 8 decides on each kind's small-batch penalty against its own tuned batch, claim 9
 * on the four comparisons of lib/study/claims/mechanism.ts with its symmetric verdict.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLAIMS, MARGINS } from '../../lib/study/claims/claims';

test('claim 8: the small-batch penalty against the tuned batch, either direction', () => {
  const rule = CLAIMS[8].rule;
  assert.match(rule, /small-batch penalty/);
  assert.match(rule, /at the batch its rate was tuned at minus at the small batch/);
  assert.match(rule, /a smaller one is the opposite/);
  assert.match(rule, /no norm’s penalty is the control/);
  assert.doesNotMatch(rule, /from the largest to the smallest batch/, 'the withdrawn design');
});

test('claim 9: comparisons A, B, C, C′ and a verdict rule symmetric between its answers', () => {
  const rule = CLAIMS[9].rule;
  for (const part of [
    'A: gradient covariate shift',
    'B: the same, noisy-batch vs batch',
    'C: steps to target',
    'C′: test accuracy',
  ])
    assert.ok(rule.includes(part), part);
  assert.match(rule, /Holds when B shows added shift, C or C′ .* and A shows/);
  assert.match(rule, /does not hold when B shows added shift and C and C′ are both equivalent/);
  assert.match(rule, /inconclusive otherwise/);
  // The margins it quotes are the ones the comparisons use.
  assert.ok(rule.includes(`±${Math.round(100 * (Math.exp(MARGINS.relative) - 1))}% steps`), rule);
  assert.ok(rule.includes(`±${Math.round(100 * MARGINS.accuracy)} point)`), rule);
});
