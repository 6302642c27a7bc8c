/** The allow-list sanitizer that notebook HTML outputs pass through on their way to the site. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeStyle, safeUrl, sanitizeHtml } from '../../scripts/docs/sanitize-html';

test('sanitizeHtml drops active content and keeps tables, text and safe attributes', () => {
  assert.equal(sanitizeHtml('<p onclick="x()">a <b>b</b></p><script>evil()</script>'), '<p>a <b>b</b></p>');
  assert.equal(sanitizeHtml('<style>body{display:none}</style><iframe src="x"></iframe>ok'), 'ok');
  assert.equal(sanitizeHtml('<blink>kept text</blink>'), 'kept text', 'unknown elements keep their text');
  assert.equal(
    sanitizeHtml(
      '<table><tr><th scope="col" data-label="a">h</th></tr><tr><td colspan="2">c</td></tr></table>',
    ),
    '<table><tbody><tr><th scope="col" data-label="a">h</th></tr><tr><td colspan="2">c</td></tr></tbody></table>',
  );
  assert.equal(
    sanitizeHtml('<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>c</td></tr></tbody></table>'),
    '<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>c</td></tr></tbody></table>',
    'explicit sections are kept as they are',
  );
  assert.equal(
    sanitizeHtml('a<br>b<img src="data:image/png;base64,AAAA" alt="x" onerror="y()">'),
    'a<br>b<img src="data:image/png;base64,AAAA" alt="x">',
  );
  assert.equal(
    sanitizeHtml('<a href="https://example.org/x">x</a>'),
    '<a href="https://example.org/x" rel="noopener noreferrer">x</a>',
  );
  assert.equal(sanitizeHtml('<a href=" JaVaScRiPt:alert(1)">x</a>'), '<a>x</a>');
  assert.equal(sanitizeHtml('<img src="data:text/html;base64,AAAA">'), '<img>');
  assert.equal(sanitizeHtml('<h1>t</h1><h3>u</h3><h6>v</h6>'), '<h4>t</h4><h6>u</h6><h6>v</h6>');
  assert.equal(sanitizeHtml('&lt;b&gt; &amp; "q"\n{{ x }}'), '&lt;b&gt; &amp; "q"&#10;{{ x }}');
  assert.equal(sanitizeHtml('<span title="a&quot;b">s</span>'), '<span title="a&quot;b">s</span>');
  assert.equal(sanitizeHtml('<div><script>a<b>c</b></script>d</div>'), '<div>d</div>');
  assert.equal(sanitizeHtml('<svg><script>x</script><text>t</text></svg>after'), 'after');
});

test('safeUrl and safeStyle', () => {
  assert.ok(safeUrl('#x', 'href'));
  assert.ok(safeUrl('../api/', 'href'));
  assert.ok(safeUrl('mailto:a@b.c', 'href'));
  assert.ok(!safeUrl('mailto:a@b.c', 'src'));
  assert.ok(!safeUrl('java\tscript:alert(1)', 'href'));
  assert.ok(!safeUrl('vbscript:x', 'href'));
  assert.equal(
    safeStyle('color: red; position: fixed; background: url(x); text-align:left'),
    'color: red;text-align:left',
  );
  assert.equal(safeStyle('width: expression(alert(1))'), '');
  assert.equal(
    safeStyle('background:rgba(0, 158, 115, 0.22);font-weight:600'),
    'background:rgba(0, 158, 115, 0.22);font-weight:600',
  );
});
