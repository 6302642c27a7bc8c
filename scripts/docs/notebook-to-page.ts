/**
 * Converts executed notebooks (.ipynb JSON) into VitePress pages.
 *
 * - markdown cells are copied as they are (VitePress renders them: math, links, highlighting),
 *   inside a `v-pre` block so that `{{ }}` in prose is not read by Vue;
 * - TypeScript code cells become fenced ```ts blocks;
 * - stream, text, error, HTML, Markdown and image outputs are kept: HTML (and Markdown, rendered
 *   to HTML) goes through an allow-list sanitizer (`sanitize-html.ts`) and lands on the page as
 *   one `v-pre` HTML block, so it is rendered on the server, found by the site's search, and
 *   neither Markdown nor Vue reads it; images travel base64-encoded to the NotebookHtml component;
 * - `application/vnd.plotly.v1+json` outputs are written to figure JSON files under
 *   docs/public/generated/notebooks/<name>/ and drawn by the PlotlyChart component;
 * - the source notebook is copied to docs/public/generated/notebooks/ for download.
 *
 * Usage: node --import tsx scripts/docs/notebook-to-page.ts [EXECUTED.ipynb ...]
 * (default: every artifacts/notebooks/*.ipynb). Also writes docs/notebooks/index.md and
 * docs/notebooks/sidebar.json.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { Command } from 'commander';
import MarkdownIt from 'markdown-it';
import { PLOTLY_MIME } from '../../lib/plot/display';
import { sanitizeHtml } from './sanitize-html';

const ROOT = join(__dirname, '..', '..');
const md = new MarkdownIt({ html: true });

/** Where pages and data go. */
export interface ConvertPaths {
  /** Folder of the generated pages (docs/notebooks). */
  pagesDir: string;
  /** Folder of figure JSON and notebook copies (docs/public/generated/notebooks). */
  dataDir: string;
  /** URL of `dataDir` below the site's base (`/generated/notebooks`). */
  dataUrl: string;
  /** Folder of the source notebooks (notebooks/), for the download copy. */
  sourceDir: string;
}

/** What one conversion produced. */
export interface ConvertedNotebook {
  name: string;
  title: string;
  summary: string;
  page: string;
  figures: number;
  outputs: number;
}

type MultilineText = string | string[];

interface NotebookOutput {
  output_type: 'stream' | 'display_data' | 'execute_result' | 'error' | 'update_display_data';
  name?: string;
  text?: MultilineText;
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

interface NotebookCell {
  cell_type: 'markdown' | 'code' | 'raw';
  source: MultilineText;
  outputs?: NotebookOutput[];
}

interface Notebook {
  cells: NotebookCell[];
  metadata?: { language_info?: { name?: string } };
}

const MAX_OUTPUT_LINES = 400;

function joinText(text: MultilineText | undefined): string {
  return Array.isArray(text) ? text.join('') : (text ?? '');
}

/** Remove ANSI colour codes and resolve carriage returns the way a terminal shows them. */
export function terminalText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC.
  const plain = text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
  return plain
    .split('\n')
    .map((line) => {
      const parts = line.split('\r').filter((p) => p.length > 0);
      return parts.length ? parts[parts.length - 1] : '';
    })
    .join('\n');
}

/** A fenced code block whose fence is longer than any backtick run inside. */
export function fence(code: string, lang: string): string {
  const longest = Math.max(2, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${code.replace(/\n+$/, '')}\n${ticks}`;
}

function truncate(text: string): string {
  const lines = text.split('\n');
  if (lines.length <= MAX_OUTPUT_LINES) return text;
  return `${lines.slice(0, MAX_OUTPUT_LINES).join('\n')}\n… (${lines.length - MAX_OUTPUT_LINES} more lines in the notebook)`;
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function escapeAttr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function outputBlock(kind: string, body: string): string {
  return `<div class="nb-output ${kind}">\n\n${body}\n\n</div>`;
}

function textOutput(kind: string, text: string): string | null {
  const clean = truncate(terminalText(text)).replace(/\s+$/, '');
  if (!clean) return null;
  return outputBlock(kind, fence(clean, 'text'));
}

function htmlOutput(html: string): string {
  return `<NotebookHtml b64="${b64(html)}" />`;
}

/** HTML made safe and kept on the page itself (searchable, rendered without JavaScript). */
function inlineHtmlOutput(html: string): string | null {
  const safe = sanitizeHtml(html).trim();
  if (!safe) return null;
  return `<div class="nb-output nb-html" v-pre>${safe}</div>`;
}

function figureTitle(figure: { layout?: { title?: unknown } }): string | undefined {
  const title = figure.layout?.title;
  const text = typeof title === 'string' ? title : (title as { text?: string } | undefined)?.text;
  return text
    ? text
        .replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()
    : undefined;
}

/** First heading and first paragraph of the notebook's prose, found with markdown-it's parser. */
export function titleAndSummary(markdown: string, fallback: string): { title: string; summary: string } {
  const tokens = md.parse(markdown, {});
  let title = '';
  let summary = '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!title && token.type === 'heading_open') title = plainInline(tokens[i + 1]);
    if (!summary && token.type === 'paragraph_open') summary = plainInline(tokens[i + 1]);
    if (title && summary) break;
  }
  return { title: title || fallback, summary };
}

function plainInline(token: MarkdownIt.Token | undefined): string {
  if (!token?.children) return token?.content ?? '';
  return token.children
    .filter((child) => child.type === 'text' || child.type === 'code_inline')
    .map((child) => child.content)
    .join('')
    .trim();
}

interface RenderContext {
  name: string;
  paths: ConvertPaths;
  figures: number;
  outputs: number;
}

function renderOutput(output: NotebookOutput, ctx: RenderContext): string | null {
  if (output.output_type === 'stream') {
    return textOutput(output.name === 'stderr' ? 'nb-stderr' : 'nb-stdout', joinText(output.text));
  }
  if (output.output_type === 'error') {
    const trace = (output.traceback ?? []).join('\n') || `${output.ename}: ${output.evalue}`;
    return textOutput('nb-error', trace);
  }
  const data = output.data ?? {};
  if (data[PLOTLY_MIME]) {
    const figure = data[PLOTLY_MIME] as { data?: unknown[]; layout?: { title?: unknown } };
    ctx.figures += 1;
    const file = `fig-${ctx.figures}.json`;
    const dir = join(ctx.paths.dataDir, ctx.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), JSON.stringify(figure));
    const title = figureTitle(figure);
    const label = title ? ` label="${escapeAttr(title)}"` : '';
    return `<PlotlyChart src="${ctx.paths.dataUrl}/${ctx.name}/${file}"${label} />`;
  }
  if (typeof data['text/html'] !== 'undefined')
    return inlineHtmlOutput(joinText(data['text/html'] as MultilineText));
  for (const mime of ['image/png', 'image/jpeg']) {
    if (data[mime]) {
      const src = `data:${mime};base64,${joinText(data[mime] as MultilineText).replace(/\s+/g, '')}`;
      return htmlOutput(`<img alt="notebook output" src="${src}">`);
    }
  }
  if (data['image/svg+xml']) return htmlOutput(joinText(data['image/svg+xml'] as MultilineText));
  if (data['text/markdown'])
    return inlineHtmlOutput(md.render(joinText(data['text/markdown'] as MultilineText)));
  if (data['application/json'])
    return textOutput('nb-result', JSON.stringify(data['application/json'], null, 2));
  if (typeof data['text/plain'] !== 'undefined') {
    return textOutput('nb-result', joinText(data['text/plain'] as MultilineText));
  }
  return null;
}

/** `text` cut at a word boundary to at most `max` characters, with an ellipsis when cut. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 1))}…`;
}

/** Consecutive stream outputs of the same stream become one, as Jupyter shows them. */
export function mergeStreams(outputs: readonly NotebookOutput[]): NotebookOutput[] {
  const merged: NotebookOutput[] = [];
  for (const output of outputs) {
    const last = merged[merged.length - 1];
    if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
      merged[merged.length - 1] = { ...last, text: joinText(last.text) + joinText(output.text) };
    } else {
      merged.push(output);
    }
  }
  return merged;
}

/** Convert one executed notebook; returns the page's text and what it holds. */
export function convertNotebook(executedPath: string, paths: ConvertPaths): ConvertedNotebook {
  const name = basename(executedPath, '.ipynb');
  const notebook = JSON.parse(readFileSync(executedPath, 'utf8')) as Notebook;
  const ctx: RenderContext = { name, paths, figures: 0, outputs: 0 };
  rmSync(join(paths.dataDir, name), { recursive: true, force: true });
  const prose = notebook.cells
    .filter((c) => c.cell_type === 'markdown')
    .map((c) => joinText(c.source))
    .join('\n\n');
  const { title, summary } = titleAndSummary(prose, name);
  const lang = 'ts';
  const blocks: string[] = [];
  let bannerPlaced = false;
  const banner = `<NotebookSource file="${name}.ipynb" />`;
  for (const cell of notebook.cells) {
    const source = joinText(cell.source).replace(/\s+$/, '');
    if (cell.cell_type === 'markdown') {
      if (source) blocks.push(`<div class="nb-md" v-pre>\n\n${source}\n\n</div>`);
      if (!bannerPlaced) {
        blocks.push(banner);
        bannerPlaced = true;
      }
    } else if (cell.cell_type === 'code') {
      if (!bannerPlaced) {
        blocks.push(banner);
        bannerPlaced = true;
      }
      if (source) blocks.push(fence(source, lang));
      for (const output of mergeStreams(cell.outputs ?? [])) {
        const rendered = renderOutput(output, ctx);
        if (rendered) {
          ctx.outputs += 1;
          blocks.push(rendered);
        }
      }
    }
  }
  const frontmatter = [
    '---',
    `title: ${JSON.stringify(title)}`,
    `description: ${JSON.stringify(shorten(summary, 200))}`,
    'outline: [2, 3]',
    'pageClass: notebook-page',
    `notebook: ${JSON.stringify(`${name}.ipynb`)}`,
    '---',
  ].join('\n');
  const page = `${frontmatter}\n\n<!-- Generated by scripts/docs/notebook-to-page.ts from the executed notebook; do not edit. -->\n\n${blocks.join('\n\n')}\n`;
  mkdirSync(paths.pagesDir, { recursive: true });
  writeFileSync(join(paths.pagesDir, `${name}.md`), page);
  mkdirSync(paths.dataDir, { recursive: true });
  const source = join(paths.sourceDir, `${name}.ipynb`);
  copyFileSync(existsSync(source) ? source : executedPath, join(paths.dataDir, `${name}.ipynb`));
  return { name, title, summary, page: `${name}.md`, figures: ctx.figures, outputs: ctx.outputs };
}

/** The notebooks' index page and sidebar. */
export function writeIndex(converted: ConvertedNotebook[], paths: ConvertPaths): void {
  const rows = converted.map((n) => `- [${n.title}](./${n.page}): ${n.summary}`);
  const page = [
    '---',
    'title: Notebooks',
    '---',
    '',
    '<!-- Generated by scripts/docs/notebook-to-page.ts; do not edit. -->',
    '',
    '# Notebooks',
    '',
    'The tutorials are TypeScript notebooks (tslab kernel) in `notebooks/`. These pages show them',
    'executed by `npm run docs:build`, with their interactive charts. To run them yourself, open',
    'them in JupyterLab with `npm run lab`, or download one from the top of its page.',
    '',
    ...(rows.length ? rows : ['No executed notebook was found: run `npm run docs:build`.']),
    '',
  ].join('\n');
  mkdirSync(paths.pagesDir, { recursive: true });
  writeFileSync(join(paths.pagesDir, 'index.md'), page);
  const sidebar = converted.map((n) => ({ text: n.title, link: `/notebooks/${n.name}` }));
  writeFileSync(join(paths.pagesDir, 'sidebar.json'), `${JSON.stringify(sidebar, null, 2)}\n`);
}

/** The site's default paths. */
export function defaultPaths(): ConvertPaths {
  return {
    pagesDir: join(ROOT, 'docs', 'notebooks'),
    dataDir: join(ROOT, 'docs', 'public', 'generated', 'notebooks'),
    dataUrl: '/generated/notebooks',
    sourceDir: join(ROOT, 'notebooks'),
  };
}

/** Convert the given executed notebooks (all of artifacts/notebooks by default) and the index. */
export function convertAll(executed: string[], paths: ConvertPaths = defaultPaths()): ConvertedNotebook[] {
  rmSync(paths.pagesDir, { recursive: true, force: true });
  rmSync(paths.dataDir, { recursive: true, force: true });
  const converted = executed.sort().map((file) => convertNotebook(file, paths));
  writeIndex(converted, paths);
  return converted;
}

function main(): void {
  const dir = join(ROOT, 'artifacts', 'notebooks');
  const args = new Command()
    .name('notebook-to-page')
    .description('turn executed notebooks into site pages (docs/notebooks/) and their index')
    .argument('[notebook...]', 'executed notebooks (default: every artifacts/notebooks/*.ipynb)')
    .showHelpAfterError()
    .parse().args;
  const files = args.length
    ? args
    : existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.ipynb'))
          .map((f) => join(dir, f))
          .filter((f) => statSync(f).isFile())
      : [];
  for (const n of convertAll(files)) {
    console.log(`${n.page}: ${n.title} (${n.outputs} outputs, ${n.figures} charts)`);
  }
}

if (require.main === module) main();
