/**
 * The notebook → page converter on a small synthetic notebook: every kind of output, Vue's
 * `{{ }}` in prose and outputs, Plotly figures written to data files, the download copy.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PLOTLY_MIME } from '../../lib/plot/display';
import { convertAll, fence, mergeStreams, terminalText } from '../../scripts/docs/notebook-to-page';

const dir = mkdtempSync(join(tmpdir(), 'normlab-nb2page-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const figure = {
  data: [{ type: 'scatter', x: [1, 2], y: [3, 4] }],
  layout: { title: { text: 'A <b>chart</b>' } },
};
const notebook = {
  cells: [
    {
      cell_type: 'markdown',
      source: [
        '# 07 · A test notebook\n',
        '\n',
        'Prose with {{ braces }} and $x^2$, see [next](08-next.ipynb).',
      ],
    },
    {
      cell_type: 'code',
      source: 'console.log("a"); console.log("b")',
      outputs: [
        { output_type: 'stream', name: 'stdout', text: 'line one\n' },
        { output_type: 'stream', name: 'stdout', text: ['progress 10%\rprogress 100%\n'] },
        { output_type: 'stream', name: 'stderr', text: 'careful {{ not vue }}\n' },
      ],
    },
    {
      cell_type: 'code',
      source: 'show(fig)',
      outputs: [{ output_type: 'display_data', data: { [PLOTLY_MIME]: figure, 'text/plain': 'fig' } }],
    },
    {
      cell_type: 'code',
      source: 'table',
      outputs: [
        { output_type: 'execute_result', data: { 'text/html': '<table><tr><td>{{ x }}</td></tr></table>' } },
        {
          output_type: 'display_data',
          data: {
            'text/html':
              '<div onclick="steal()"><script>alert(1)</script><table class="t"><tr><td style="color:red;background:url(https://x.example/a)">a\n\nb</td></tr></table><a href="javascript:alert(1)">x</a></div>',
          },
        },
        {
          output_type: 'display_data',
          data: { 'text/markdown': '# Provenance\n\n| what | value |\n| --- | --- |\n| runs | 289 |' },
        },
      ],
    },
    {
      cell_type: 'code',
      source: 'throw',
      outputs: [
        {
          output_type: 'error',
          ename: 'Error',
          evalue: 'boom',
          traceback: ['\u001b[31mError: boom\u001b[0m', '    at cell'],
        },
      ],
    },
    { cell_type: 'code', source: '', outputs: [] },
  ],
  metadata: { language_info: { name: 'typescript' } },
  nbformat: 4,
  nbformat_minor: 5,
};

test('converts an executed notebook into a page, its figure data and a download copy', () => {
  const executed = join(dir, '07-test.ipynb');
  writeFileSync(executed, JSON.stringify(notebook));
  const paths = {
    pagesDir: join(dir, 'pages'),
    dataDir: join(dir, 'data'),
    dataUrl: '/generated/notebooks',
    sourceDir: join(dir, 'none'),
  };
  const [converted] = convertAll([executed], paths);
  assert.equal(converted.title, '07 · A test notebook');
  assert.equal(converted.figures, 1);
  const page = readFileSync(join(paths.pagesDir, '07-test.md'), 'utf8');
  assert.match(page, /^---\ntitle: "07 · A test notebook"/);
  assert.match(
    page,
    /<div class="nb-md" v-pre>\n\n# 07 · A test notebook/,
    "prose is kept as Markdown, out of Vue's reach",
  );
  assert.match(page, /```ts\nconsole\.log\("a"\); console\.log\("b"\)\n```/);
  assert.match(
    page,
    /line one\nprogress 100%\n```/,
    'consecutive stdout outputs merge; carriage returns resolve',
  );
  assert.match(
    page,
    /<div class="nb-output nb-stderr">\n\n```text\ncareful \{\{ not vue \}\}\n```/,
    'text outputs are fenced (VitePress adds v-pre)',
  );
  assert.match(page, /<PlotlyChart src="\/generated\/notebooks\/07-test\/fig-1\.json" label="A chart" \/>/);
  assert.ok(
    page.includes(
      '<div class="nb-output nb-html" v-pre><table><tbody><tr><td>{{ x }}</td></tr></tbody></table></div>',
    ),
    "an HTML output is on the page itself, out of Vue's reach, with the tbody a browser adds",
  );
  assert.ok(
    page.includes(
      '<div class="nb-output nb-html" v-pre><div><table class="t"><tbody><tr><td style="color:red">a&#10;&#10;b</td></tr></tbody></table><a>x</a></div></div>',
    ),
    'scripts, event handlers, javascript: links and style URLs are removed; blank lines cannot end the HTML block',
  );
  assert.match(
    page,
    /<div class="nb-output nb-html" v-pre><h4>Provenance<\/h4>&#10;<table>&#10;<thead>/,
    'a Markdown output is rendered to HTML, its headings demoted below the page outline',
  );
  assert.ok(
    page
      .split('\n')
      .find((line) => line.includes('runs</td>'))
      ?.startsWith('<div class="nb-output nb-html" v-pre>'),
    'the Markdown output is one line, hence one HTML block',
  );
  assert.ok(!page.includes('\u001b'), 'ANSI colours are stripped');
  assert.match(page, /Error: boom\n {4}at cell/);
  assert.deepEqual(JSON.parse(readFileSync(join(paths.dataDir, '07-test', 'fig-1.json'), 'utf8')), figure);
  assert.ok(existsSync(join(paths.dataDir, '07-test.ipynb')), 'the notebook is offered for download');
  const sidebar = JSON.parse(readFileSync(join(paths.pagesDir, 'sidebar.json'), 'utf8'));
  assert.deepEqual(sidebar, [{ text: '07 · A test notebook', link: '/notebooks/07-test' }]);
  assert.match(
    readFileSync(join(paths.pagesDir, 'index.md'), 'utf8'),
    /\[07 · A test notebook\]\(\.\/07-test\.md\)/,
  );
});

test('fences outlast the backticks inside; terminal text resolves carriage returns', () => {
  assert.equal(fence('a ``` b', 'text'), '````text\na ``` b\n````');
  assert.equal(terminalText('\u001b[1mbold\u001b[0m\n10%\r50%\r100%'), 'bold\n100%');
  assert.equal(
    mergeStreams([
      { output_type: 'stream', name: 'stdout', text: 'a' },
      { output_type: 'stream', name: 'stderr', text: 'b' },
      { output_type: 'stream', name: 'stderr', text: 'c' },
    ]).length,
    2,
  );
});
