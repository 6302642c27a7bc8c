/**
 * normlab's VitePress site. Generated parts (API reference, notebook pages, figure data) come from
 * `npm run docs:build` (scripts/docs/build.ts); this config only reads their sidebars when present.
 *
 * Environment: DOCS_BASE sets the base path (default `/`; for GitHub Pages project sites `/repo/`);
 * DOCS_OUT_DIR the output folder (default docs/.vitepress/dist); NORMLAB_REPO_URL the repository
 * the navigation and Quick start link to (see repo-url.ts for the default).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DefaultTheme, defineConfig } from 'vitepress';
import { rewriteNotebookLinks } from './notebook-links';
import { repositoryUrl } from './repo-url';

const docsDir = join(dirname(fileURLToPath(import.meta.url)), '..');

function normalizeBase(raw: string | undefined): string {
  let base = (raw ?? '/').trim() || '/';
  if (!base.startsWith('/')) base = `/${base}`;
  if (!base.endsWith('/')) base = `${base}/`;
  return base;
}

function readSidebar(path: string): DefaultTheme.SidebarItem[] {
  const file = join(docsDir, path);
  if (!existsSync(file)) return [];
  return JSON.parse(readFileSync(file, 'utf8')) as DefaultTheme.SidebarItem[];
}

const guide: DefaultTheme.SidebarItem[] = [
  {
    text: 'Guide',
    items: [
      { text: 'Installation', link: '/guide/installation' },
      { text: 'The algorithm', link: '/guide/algorithm' },
      { text: 'Choosing a normalization', link: '/guide/choosing' },
      { text: 'Speed', link: '/guide/speed' },
      { text: 'RMS norm, batch renorm, weight standardization', link: '/guide/family' },
      { text: 'Keras and PyTorch', link: '/guide/keras-and-pytorch' },
      { text: 'Study design', link: '/guide/study-design' },
      { text: 'Reproducing the study', link: '/guide/reproducing' },
      { text: 'Provenance of the results', link: '/guide/provenance' },
      { text: 'Running on a cluster', link: '/guide/cluster' },
      { text: 'Playground', link: '/playground' },
    ],
  },
];

const base = normalizeBase(process.env.DOCS_BASE);
const repo = repositoryUrl();
const notebookItems = readSidebar('notebooks/sidebar.json');
const apiItems = readSidebar('api/typedoc-sidebar.json');

export default defineConfig({
  title: 'normlab',
  description:
    'Batch, layer, instance and group normalization for TensorFlow.js: the algorithm step by step, notebooks, a comparative study.',
  base,
  // DOCS_OUT_DIR builds elsewhere than docs/.vitepress/dist (the browser test builds its own copy).
  ...(process.env.DOCS_OUT_DIR ? { outDir: process.env.DOCS_OUT_DIR } : {}),
  cleanUrls: false,
  lastUpdated: false,
  head: [
    ['meta', { name: 'theme-color', content: '#3c6fd8' }],
    ['link', { rel: 'icon', type: 'image/svg+xml', href: `${base}favicon.svg` }],
  ],
  markdown: {
    math: true,
    config(md) {
      md.use(rewriteNotebookLinks);
      // A line break inside a paragraph becomes a space, not a newline: Vue's template compiler
      // drops whitespace that holds a newline between two elements, which glued
      // "**features:**⏎**layer norm**" into "features:layer norm".
      md.renderer.rules.softbreak = () => ' ';
      // The placeholder NORMLAB_REPO_URL in pages (the clone command of Quick start) is the repository.
      md.core.ruler.push('normlab-repo-url', (state) => {
        for (const token of state.tokens) {
          if (token.type === 'fence' || token.type === 'code_block')
            token.content = token.content.replaceAll('NORMLAB_REPO_URL', repo);
          for (const child of token.children ?? [])
            child.content = child.content.replaceAll('NORMLAB_REPO_URL', repo);
        }
      });
    },
  },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/installation' },
      { text: 'Notebooks', link: '/notebooks/' },
      { text: 'Playground', link: '/playground' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: {
      '/guide/': guide,
      '/playground': guide,
      '/notebooks/': [{ text: 'Notebooks', link: '/notebooks/', items: notebookItems }],
      '/api/': [{ text: 'API reference', link: '/api/', items: apiItems }],
    },
    socialLinks: [{ icon: 'github', link: repo, ariaLabel: 'the repository' }],
    search: { provider: 'local' },
    outline: { level: [2, 3] },
    footer: { message: 'normlab: normalization on TensorFlow.js. MIT licence.' },
  },
  vite: {
    // The playground imports the library's own files from ../lib.
    server: { fs: { allow: [join(docsDir, '..')] } },
    build: { chunkSizeWarningLimit: 4000 },
  },
});
