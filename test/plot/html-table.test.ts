import assert from 'node:assert/strict';
import { test } from 'node:test';
import { showHtml, showMarkdown, showTable } from '../../lib/plot/display';
import { BADGE_TINTS, cellText, htmlTable, plainTable } from '../../lib/plot/html-table';

test('htmlTable: escaped, wrapping, labelled cells; badges, notes, lines and folded details', () => {
  const html = htmlTable(
    ['claim', { label: 'verdict', nowrap: true }, { label: 'n', align: 'right' }],
    [
      ['1. <script>x</script> & more', { text: 'holds', badge: 'positive', note: 'on mlp' }, 3],
      [{ text: 'two', lines: ['a', 'b'] }, null, Number.NaN],
      [{ text: 'folded', details: ['c1', 'c2'], detailsSummary: '2 comparisons' }, 'x', 0],
    ],
    { caption: 'Scorecard "s"' },
  );
  assert.ok(!html.includes('<script>'), 'cell text is escaped');
  assert.match(html, /1\. &#60;script&#62;x&#60;\/script&#62; &#38; more/);
  assert.match(html, /^<div class="normlab-table-wrap"[^>]*overflow-x:auto/);
  assert.match(html, /<caption[^>]*>Scorecard &#34;s&#34;<\/caption>/);
  assert.match(html, /<th scope="col" style="text-align:left;vertical-align:top;white-space:normal/);
  assert.match(
    html,
    /<td data-label="verdict" style="[^"]*white-space:nowrap[^"]*"><span class="nl-badge nl-badge-positive" style="background:rgba\(0, 158, 115, 0\.22\)/,
  );
  assert.match(html, />holds<\/span><br><span class="nl-note"[^>]*>on mlp<\/span>/);
  assert.match(html, /<td data-label="n" style="text-align:right[^"]*">3<\/td>/);
  assert.match(html, />two<br>a<br>b<\/td>/);
  assert.match(html, /<td data-label="n"[^>]*>–<\/td>/, 'a non-finite number shows as a dash');
  assert.match(
    html,
    /<details class="nl-details"><summary>2 comparisons<\/summary><ul[^>]*><li>c1<\/li><li>c2<\/li><\/ul><\/details>/,
  );
  assert.equal(html.match(/<tr>/g)?.length, 4, 'a header row and three rows');
  assert.throws(() => htmlTable(['a', 'b'], [['only one']]), /row 0 has 1 cells; columns has 2/);
  assert.equal(Object.keys(BADGE_TINTS).length, 6);
  assert.equal(new Set(Object.values(BADGE_TINTS)).size, 6, 'every tone has its own tint');
});

test('plainTable and cellText give the same rows as text', () => {
  assert.equal(cellText({ text: 'holds', note: 'on mlp', details: ['c1'] }), 'holds; on mlp; c1');
  assert.equal(
    plainTable(
      ['a', 'b'],
      [
        ['x', null],
        ['y', 2],
      ],
    ),
    'a: x\n\na: y\nb: 2',
  );
});

test('outside a notebook, showTable, showHtml and showMarkdown print text', () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => lines.push(s);
  try {
    showTable(['a'], [['x']], { caption: 'T' });
    showHtml('<b>b</b>', 'b as text');
    showHtml('<i>i</i>');
    showMarkdown('**m**');
  } finally {
    console.log = log;
  }
  assert.deepEqual(lines, ['T\n\na: x', 'b as text', '<i>i</i>', '**m**']);
});
