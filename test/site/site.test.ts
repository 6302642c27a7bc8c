/**
 * The site in a real browser: Debian's chromium driven by playwright-core (never a downloaded
 * browser) against the built site served on 127.0.0.1 under the base path /normlab/.
 *
 * Checks: every page reachable from the home page loads with no console error, no page error, no
 * failed request and no HTTP error; internal links and their anchors resolve; every notebook page
 * draws each of its charts with data; the playground reacts to its controls and trains its small
 * network (loss shown, the page drawing progress while it trains); the API reference has
 * one page per entry point (lib/norm/index.ts, lib/index.ts) listing exactly its exports; charts
 * stay readable in dark mode; every content page reads at 1280 px and at 390 px (a phone), light
 * and dark (test/site/layout-probe.ts: no clipped equations, no overflowing tables, no overlapping
 * or cut chart titles, readable verdict badges); the site's chrome (repository link, API tables,
 * playground on a phone). Screenshots of the key pages go to artifacts/screenshots/ (git-ignored).
 *
 * Chromium runs with visible (classic) scrollbars, so that "scrolls with a visible scrollbar" can
 * be measured; Playwright's default hides them.
 *
 * The site is built by scripts/docs/build.ts (notebooks: `reuse` their executed copies, executing
 * only missing ones; set NORMLAB_DOCS_NOTEBOOKS=fresh to re-execute stale ones) unless a build
 * newer than every input exists (NORMLAB_SITE_REBUILD=1 forces one; NORMLAB_SITE_REUSE=1 takes any
 * existing one, for quick reruns).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { repositoryUrl } from '../../docs/.vitepress/repo-url';
import { launchChromium } from '../helpers/chromium';
import { ENTRY_POINTS, publicExports } from './exports';
import { type LayoutReport, layoutProbe } from './layout-probe';
import { ensureSite, ROOT, TEST_BASE, TEST_DIST } from './site-build';
import { type StaticSite, serveStatic } from './static-server';

const SHOTS = join(ROOT, 'artifacts', 'screenshots');

interface PageReport {
  path: string;
  problems: string[];
  links: string[];
  ids: string[];
  charts: number;
}

let site: StaticSite;
let browser: Browser;
let context: BrowserContext;
const reports = new Map<string, PageReport>();

/** Open `path` (relative to the base), recording every console error, page error and failed request. */
async function visit(page: Page, path: string, problems: string[], settle = true): Promise<void> {
  const onConsole = (m: { type(): string; text(): string }) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  };
  const onPageError = (e: Error) => problems.push(`page error: ${e.message}`);
  // ERR_ABORTED is a request the page itself gave up on (VitePress prefetches the chunks of the
  // links in view, and leaving the page cancels them); a missing file shows as an HTTP error.
  const onFailed = (r: { url(): string; failure(): { errorText: string } | null }) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED')
      problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
  };
  const onResponse = (r: { url(): string; status(): number }) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  };
  page.on('console', onConsole);
  page.on('pageerror', onPageError);
  page.on('requestfailed', onFailed);
  page.on('response', onResponse);
  try {
    const response = await page.goto(site.root + path, {
      waitUntil: settle ? 'networkidle' : 'load',
      timeout: 60_000,
    });
    if (!response || response.status() >= 400) problems.push(`page ${path}: HTTP ${response?.status()}`);
    // Hydrated: VitePress' client router has taken over the page.
    await page.waitForFunction(() =>
      Boolean((document.querySelector('#app') as { __vue_app__?: unknown } | null)?.__vue_app__),
    );
    await waitForCharts(page);
  } finally {
    page.off('console', onConsole);
    page.off('pageerror', onPageError);
    page.off('requestfailed', onFailed);
    page.off('response', onResponse);
  }
}

/** Wait until every chart placeholder on the page has been drawn (or has failed). */
async function waitForCharts(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      Array.from(document.querySelectorAll('.plotly-chart')).every(
        (el) => el.getAttribute('data-status') !== 'loading',
      ),
    undefined,
    { timeout: 60_000 },
  );
}

/** Internal links of the page (pathnames below the base, without the hash) and their anchors. */
async function pageLinks(page: Page): Promise<{ links: string[]; anchors: string[] }> {
  return page.evaluate(
    ({ origin, base }) => {
      const links: string[] = [];
      const anchors: string[] = [];
      for (const a of Array.from(document.querySelectorAll<HTMLAnchorElement>('a[href]'))) {
        const url = new URL(a.href, location.href);
        if (url.origin !== origin || !url.pathname.startsWith(base)) continue;
        if (a.hasAttribute('download') || /\.(ipynb|json|svg|png)$/.test(url.pathname)) {
          links.push(url.pathname);
          continue;
        }
        links.push(url.pathname);
        if (url.hash.length > 1) anchors.push(`${url.pathname}${url.hash}`);
      }
      return { links, anchors };
    },
    { origin: site.origin, base: TEST_BASE },
  );
}

function relativePath(pathname: string): string {
  return pathname.slice(TEST_BASE.length);
}

before(async () => {
  // The browser first: a missing Chromium fails before the site is built.
  browser = await launchChromium({ ignoreDefaultArgs: ['--hide-scrollbars'] });
  const { reused } = ensureSite();
  console.log(`site: ${reused ? 'reused a fresh build' : 'built'} in ${TEST_DIST}`);
  site = await serveStatic(TEST_DIST, TEST_BASE);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await context?.close();
  await browser?.close();
  await site?.close();
});

describe('the built site', () => {
  test('every page reachable from the home page loads cleanly, and every internal link and anchor resolves', async () => {
    const page = await context.newPage();
    const queue = [''];
    const seen = new Set(queue);
    const anchorsWanted: string[] = [];
    const brokenLinks: string[] = [];
    while (queue.length) {
      const path = queue.shift()!;
      const problems: string[] = [];
      if (/\.(ipynb|json|svg|png)$/.test(path)) {
        const response = await page.request.get(site.root + path);
        if (!response.ok()) brokenLinks.push(`${path}: HTTP ${response.status()}`);
        continue;
      }
      // API pages are many and alike: 'load' + hydration is enough for them.
      await visit(page, path, problems, !path.startsWith('api/') || path === 'api/');
      const { links, anchors } = await pageLinks(page);
      const ids = await page.evaluate(() => Array.from(document.querySelectorAll('[id]')).map((e) => e.id));
      const charts = await page.locator('.plotly-chart').count();
      reports.set(path, { path, problems, links, ids, charts });
      anchorsWanted.push(...anchors);
      for (const link of links) {
        const next = relativePath(link);
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    await page.close();
    for (const anchor of anchorsWanted) {
      const [pathname, hash] = anchor.split('#');
      const report = reports.get(relativePath(pathname));
      if (!report) continue;
      if (!report.ids.includes(decodeURIComponent(hash))) brokenLinks.push(`missing anchor ${anchor}`);
    }
    const problems = [...reports.values()].flatMap((r) =>
      r.problems.map((p) => `${r.path || '(home)'}: ${p}`),
    );
    assert.deepEqual(problems, [], 'pages load without errors');
    assert.deepEqual(brokenLinks, [], 'internal links resolve');
    const paths = [...reports.keys()];
    for (const expected of [
      '',
      'guide/installation.html',
      'guide/algorithm.html',
      'playground.html',
      'notebooks/',
      'notebooks/06-why-does-it-work.html',
      'api/',
    ]) {
      assert.ok(
        paths.includes(expected),
        `the crawl reached ${expected || 'the home page'} (reached: ${paths.join(', ')})`,
      );
    }
    console.log(`crawled ${paths.length} pages, ${anchorsWanted.length} anchors`);
  });

  test('every notebook page shows each of its charts with data', async () => {
    const notebookPages = readdirSync(join(ROOT, 'docs', 'notebooks'))
      .filter((f) => f.endsWith('.md') && f !== 'index.md')
      .map((f) => `notebooks/${f.replace(/\.md$/, '.html')}`);
    assert.ok(notebookPages.length > 0, 'the build produced notebook pages');
    assert.ok(notebookPages.includes('notebooks/06-why-does-it-work.html'), 'notebook 06 is on the site');
    const page = await context.newPage();
    let charts = 0;
    for (const path of notebookPages) {
      const problems: string[] = [];
      await visit(page, path, problems);
      assert.deepEqual(problems, [], `${path} loads cleanly`);
      const states = await page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>('.plotly-chart')).map((el) => {
          const plot = el as HTMLElement & {
            data?: { x?: unknown[]; y?: unknown[]; values?: unknown[]; z?: unknown[]; cells?: unknown }[];
          };
          const traces = plot.data ?? [];
          const withData = traces.filter(
            (t) =>
              (t.x?.length ?? 0) + (t.y?.length ?? 0) + (t.values?.length ?? 0) + (t.z?.length ?? 0) > 0 ||
              t.cells,
          ).length;
          return {
            status: el.getAttribute('data-status'),
            plotly: el.classList.contains('js-plotly-plot'),
            traces: traces.length,
            withData,
          };
        }),
      );
      for (const [i, s] of states.entries()) {
        assert.equal(s.status, 'ready', `${path}: chart ${i + 1} drew`);
        assert.ok(s.plotly, `${path}: chart ${i + 1} is a .js-plotly-plot`);
        assert.ok(s.withData > 0, `${path}: chart ${i + 1} has traces with data (${JSON.stringify(s)})`);
      }
      const expected =
        readFileSync(
          join(ROOT, 'docs', 'notebooks', path.replace('notebooks/', '').replace(/\.html$/, '.md')),
          'utf8',
        ).split('<PlotlyChart').length - 1;
      assert.equal(states.length, expected, `${path}: every chart of the notebook is on the page`);
      // Notebook 06: the percentile plot, the training curves and five probe charts.
      if (path.includes('06-why-does-it-work'))
        assert.ok(states.length >= 7, `${path}: ${states.length} charts`);
      charts += states.length;
      const name = path.replace('notebooks/', '').replace(/\.html$/, '');
      await page.screenshot({ path: join(SHOTS, `notebook-${name}.png`), fullPage: false });
    }
    await page.close();
    console.log(`${notebookPages.length} notebook pages, ${charts} charts drawn`);
  });

  test('the playground runs normlab in the browser and reacts to its controls', async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    await visit(page, 'playground.html', problems);
    await page.waitForSelector('.playground[data-status="ready"] [data-testid="stat-mean-0"]', {
      timeout: 60_000,
    });
    const text = async (id: string) =>
      ((await page.locator(`[data-testid="${id}"]`).first().textContent()) ?? '').trim();
    assert.equal(await text('backend'), 'cpu');
    const layerMatch = Number(await text('layer-match'));
    assert.ok(layerMatch < 1e-4, `the library layer matches the step functions (max diff ${layerMatch})`);
    const afterStd = Number(await text('after-std'));
    assert.ok(Math.abs(afterStd - 1) < 0.05, `batch norm leaves the channel with std ≈ 1 (got ${afterStd})`);

    // Batch norm: a training step is a real optimizer step of the small network (a loss near
    // ln 10 at first), and moves the running mean away from its initial 0.
    assert.equal(await text('running-mean-0'), '0.000');
    const gammaBefore = await text('layer-gamma');
    await page.getByTestId('train-step').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="steps"]')?.textContent === '1');
    assert.notEqual(await text('running-mean-0'), '0.000', 'a training step updates the running mean');
    const firstLoss = Number(await text('loss-first'));
    assert.ok(firstLoss > 1 && firstLoss < 5, `the first step's cross-entropy is shown (${firstLoss})`);
    const gapAfter1 = Number(await text('train-inference-gap'));
    await page.getByTestId('train-20').click();
    // The page keeps drawing while it trains: the progress shows a step between the first and the last.
    await page.waitForFunction(
      () => {
        const m = /step (\d+) of 20/.exec(
          document.querySelector('[data-testid="train-progress"]')?.textContent ?? '',
        );
        return m !== null && Number(m[1]) >= 1 && Number(m[1]) < 20;
      },
      undefined,
      { timeout: 60_000, polling: 'raf' },
    );
    await page.waitForFunction(
      () => document.querySelector('[data-testid="steps"]')?.textContent === '21',
      undefined,
      {
        timeout: 120_000,
      },
    );
    const losses = JSON.parse(
      (await page.getByTestId('loss').getAttribute('data-losses')) ?? '[]',
    ) as number[];
    assert.equal(losses.length, 21, 'one loss per step');
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(
      mean(losses.slice(-5)) < mean(losses.slice(0, 5)),
      `the loss falls as the network trains (${losses.map((l) => l.toFixed(2)).join(' ')})`,
    );
    assert.notEqual(await text('layer-gamma'), gammaBefore, "training moves the layer's γ");
    assert.ok(
      Number(await text('layer-match')) < 1e-4,
      'after training, the layer still matches the steps done with its own γ and β',
    );
    const gapAfter21 = Number(await text('train-inference-gap'));
    assert.ok(
      gapAfter21 < gapAfter1,
      `the train/inference gap shrinks as running statistics warm up (${gapAfter1} → ${gapAfter21})`,
    );
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'playground-batch.png'), fullPage: true });

    // A different normalization: the statistics shown change.
    const batchMean0 = await text('stat-mean-0');
    await page.getByTestId('kind').selectOption('layer');
    await page.waitForFunction(
      (before) => document.querySelector('[data-testid="stat-mean-0"]')?.textContent !== before,
      batchMean0,
    );
    assert.notEqual(await text('stat-mean-0'), batchMean0, 'switching to layer norm changes the statistics');
    // Batch size changes the number of per-example statistics of layer norm.
    await page.getByTestId('batch-size').selectOption('16');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="stats"] tbody tr').length === 16,
    );
    await page.getByTestId('kind').selectOption('group');
    await page.getByTestId('groups').selectOption('4');
    await page.waitForFunction(() =>
      /group \d of 4 \(channels/.test(document.querySelector('.playground')?.textContent ?? ''),
    );
    assert.ok(Number(await text('layer-match')) < 1e-4, 'group norm layer matches its steps');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, 'playground-group.png'), fullPage: true });
    assert.deepEqual(problems, [], 'the playground ran without errors');
    await page.close();
  });

  test('the API reference has one page per entry point, listing exactly its exports', async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    await visit(page, 'api/', problems);
    await page.screenshot({ path: join(SHOTS, 'api-index.png'), fullPage: false });
    // TypeDoc's "modules" output: one page per entry point, linked from the index; every export
    // is an h3 heading on its entry point's page, and nothing else is. The lab re-exports the
    // layers' names: they are documented once, on the layers' page (excludeReferences).
    const modulePages = await page.evaluate((base) => {
      return Array.from(document.querySelectorAll<HTMLAnchorElement>('.VPDoc a[href]'))
        .map((a) => new URL(a.href).pathname)
        .filter((p) => p.startsWith(`${base}api/`) && p !== `${base}api/`)
        .map((p) => p.slice(base.length));
    }, TEST_BASE);
    assert.deepEqual(
      [...new Set(modulePages)].sort(),
      ENTRY_POINTS.map((e) => e.page).sort(),
      'the API index links one page per entry point',
    );
    let total = 0;
    const documentedElsewhere = new Set<string>();
    for (const entry of ENTRY_POINTS) {
      const exported = publicExports(entry.file).filter((name) => !documentedElsewhere.has(name));
      assert.ok(exported.length > 0, `${entry.file} exports something`);
      total += exported.length;
      await visit(page, entry.page, problems);
      const headings = await page.evaluate(() =>
        Array.from(document.querySelectorAll('.VPDoc h3')).map(
          (h) => /^(?:abstract\s+)?([A-Za-z_$][\w$]*)/.exec(h.textContent?.trim() ?? '')?.[1] ?? '',
        ),
      );
      const documented = new Set(headings);
      const missing = exported.filter((name) => !documented.has(name));
      assert.deepEqual(
        missing,
        [],
        `every export of ${entry.importName} has its own heading on ${entry.page}`,
      );
      // No empty section: a heading followed at once by one of the same or a higher rank (tags of
      // TensorFlow.js' own comments, such as its "@doc", once came out as bare "Doc" headings).
      const emptySections = await page.evaluate(() =>
        Array.from(document.querySelectorAll('.VPDoc :is(h2, h3, h4, h5, h6)'))
          .filter((h) => {
            const next = h.nextElementSibling;
            return next && /^H[1-6]$/.test(next.tagName) && Number(next.tagName[1]) <= Number(h.tagName[1]);
          })
          .map((h) => `${h.tagName.toLowerCase()} "${h.textContent?.trim()}"`),
      );
      assert.deepEqual(emptySections, [], `${entry.page} has no empty headings`);
      const extra = [...documented].filter((name) => !exported.includes(name));
      assert.deepEqual(extra, [], `${entry.page} documents only exports of ${entry.importName}`);
      for (const name of exported) documentedElsewhere.add(name);
      if (entry.importName === 'normlab')
        await page.screenshot({ path: join(SHOTS, 'api-normlab.png'), fullPage: false });
    }
    assert.deepEqual(problems, []);
    await page.close();
    console.log(
      `${total} public exports over ${ENTRY_POINTS.length} entry points, each documented on its page`,
    );
  });

  test('dark mode keeps charts readable', async () => {
    const withChart =
      [...reports.values()].find((r) => r.charts > 0 && r.path.startsWith('notebooks/')) ??
      [...reports.values()].find((r) => r.charts > 0);
    assert.ok(withChart, 'some page has a chart');
    const page = await context.newPage();
    const problems: string[] = [];
    // Passed as source text: tsx would wrap named inner functions in a helper the page lacks.
    const contrastOf = async () =>
      page.evaluate(`(() => {
        const parse = (c) => (c.match(/[\\d.]+/g) ?? []).map(Number);
        const channel = (v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
        const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
        const chart = document.querySelector('.js-plotly-plot');
        const texts = [...chart.querySelectorAll('.xtick text, .ytick text, .gtitle, .legendtext, .g-xtitle text, .g-ytitle text')];
        const pageBg = parse(getComputedStyle(document.body).backgroundColor);
        const ratios = texts.map((t) => {
          const [a, b] = [luminance(parse(getComputedStyle(t).fill)), luminance(pageBg)].sort((x, y) => y - x);
          return (a + 0.05) / (b + 0.05);
        });
        return { dark: document.documentElement.classList.contains('dark'), texts: texts.length, minRatio: Math.min(...ratios), background: pageBg };
      })()`) as Promise<{ dark: boolean; texts: number; minRatio: number; background: number[] }>;
    await visit(page, withChart.path, problems);
    const chart = page.locator('.plotly-figure').first();
    // Scroll the chart to just below the sticky navigation bar.
    await chart.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 100));
    const height = () => chart.evaluate((el) => el.getBoundingClientRect().height);
    const lightHeight = await height();
    const light = await contrastOf();
    assert.equal(light.dark, false);
    await chart.screenshot({ path: join(SHOTS, 'chart-light.png') });
    await page.locator('.VPNavBar .VPSwitchAppearance').first().click();
    await page.waitForFunction(() => document.documentElement.classList.contains('dark'));
    await page.waitForTimeout(300);
    const dark = await contrastOf();
    await chart.screenshot({ path: join(SHOTS, 'chart-dark.png') });
    assert.equal(await height(), lightHeight, 'the chart keeps its size when the mode changes');
    await page.screenshot({ path: join(SHOTS, 'page-dark.png') });
    assert.equal(dark.dark, true);
    assert.ok(light.texts > 0 && dark.texts > 0, 'the chart has axis text');
    assert.ok(light.minRatio >= 4.5, `chart text contrast in light mode ${light.minRatio.toFixed(2)} ≥ 4.5`);
    assert.ok(dark.minRatio >= 4.5, `chart text contrast in dark mode ${dark.minRatio.toFixed(2)} ≥ 4.5`);
    assert.notDeepEqual(dark.background, light.background, 'the page background changed');
    await page.locator('.VPNavBar .VPSwitchAppearance').first().click();
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('local search finds the library and the guide', async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    await visit(page, '', problems);
    await page.locator('.VPNavBarSearch button').first().click();
    const input = page.locator('.VPLocalSearchBox input');
    await input.fill('GroupNormalization');
    await page.waitForSelector('.VPLocalSearchBox .result', { timeout: 30_000 });
    const results = await page.locator('.VPLocalSearchBox .result').allTextContents();
    assert.ok(
      results.some((r) => r.includes('GroupNormalization')),
      `a result mentions GroupNormalization: ${results.slice(0, 5).join(' | ')}`,
    );
    await input.fill('running statistics');
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('.VPLocalSearchBox .result')).some((r) =>
        /running statistics/i.test(r.textContent ?? ''),
      ),
    );
    await page.screenshot({ path: join(SHOTS, 'search.png') });
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('screenshots of the key pages', async () => {
    const page = await context.newPage();
    for (const [path, name] of [
      ['', 'home'],
      ['guide/algorithm.html', 'guide-algorithm'],
      ['guide/installation.html', 'guide-installation'],
      ['notebooks/', 'notebooks-index'],
    ] as const) {
      const problems: string[] = [];
      await visit(page, path, problems);
      assert.deepEqual(problems, [], `${path || 'home'} loads cleanly`);
      const file = join(SHOTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      assert.ok(existsSync(file));
    }
    await page.close();
  });

  test('every content page reads at 1280 px and 390 px, light and dark', async () => {
    const notebookPages = readdirSync(join(ROOT, 'docs', 'notebooks'))
      .filter((f) => f.endsWith('.md') && f !== 'index.md')
      .map((f) => `notebooks/${f.replace(/\.md$/, '.html')}`);
    const apiPages = ENTRY_POINTS.map((e) => e.page);
    const pages = [
      '',
      // Every guide page (the family page's batch-renorm equation must fit at 1280 px too).
      ...readdirSync(join(ROOT, 'docs', 'guide'))
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((f) => `guide/${f.replace(/\.md$/, '.html')}`),
      'playground.html',
      ...notebookPages,
      ...(apiPages.length ? apiPages : ['api/']),
    ];
    const problems: string[] = [];
    // Colour changes no layout: pages without charts, tables of text or badges are checked in
    // light mode only, the others in both modes.
    const colourful = new Set<string>();
    let checked = 0;
    for (const mode of ['light', 'dark'] as const) {
      for (const [width, height] of [
        [1280, 900],
        [390, 844],
      ]) {
        const ctx = await browser.newContext({ viewport: { width, height }, colorScheme: mode });
        const page = await ctx.newPage();
        for (const path of pages) {
          if (mode === 'dark' && !colourful.has(path)) continue;
          const loadProblems: string[] = [];
          await visit(page, path, loadProblems, !path.startsWith('api/'));
          // Charts refit their text when they first see their width.
          await page.waitForTimeout(300);
          const report = (await page.evaluate(layoutProbe(width >= 960))) as LayoutReport;
          checked += 1;
          const { charts, badges } = report.counted;
          if (charts + badges > 0 || (await page.locator('.normlab-table, .scorecard').count()) > 0)
            colourful.add(path);
          for (const p of [...loadProblems, ...report.problems])
            problems.push(`${path || '(home)'} at ${width} px, ${mode}: ${p}`);
          const name = (path || 'home')
            .replace(/\.html$/, '')
            .replace(/[/]/g, '-')
            .replace(/-$/, '');
          await page.screenshot({
            path: join(SHOTS, `layout-${name}-${width}-${mode}.png`),
            fullPage: width < 960,
            // A whole notebook page on a phone is a tall image; a busy machine needs the time.
            timeout: 120_000,
          });
        }
        await ctx.close();
      }
    }
    console.log(`${checked} page views checked (${pages.length} pages, ${colourful.size} also in dark mode)`);
    assert.deepEqual(problems, [], 'every page reads at both widths in both modes');
  });

  test('site chrome: repository link, API tables, the choosing guide, the playground on a phone', async () => {
    const repo = repositoryUrl();
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    const problems: string[] = [];
    await visit(page, '', problems);
    const clone = (await page.locator('.vp-doc div[class*="language-"] code').first().textContent()) ?? '';
    assert.ok(clone.includes(`git clone ${repo} normlab`), `Quick start clones the repository: ${clone}`);
    assert.ok(!clone.includes('<this repository>'));
    const getStarted = await page.getByRole('link', { name: 'Get started' }).first().getAttribute('href');
    assert.equal(
      getStarted,
      `${TEST_BASE}notebooks/01-batch-norm-step-by-step.html`,
      '"Get started" opens the first notebook',
    );
    await page.setViewportSize({ width: 1280, height: 900 });
    const navLinks = await page
      .locator('.VPNavBar a[href]')
      .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    assert.ok(
      navLinks.includes(repo) || navLinks.includes(`${repo}/`),
      `the navigation links the repository ${repo}: ${navLinks.join(', ')}`,
    );

    await visit(page, 'guide/choosing.html', problems);
    const prose = (await page.locator('.vp-doc').textContent()) ?? '';
    assert.match(prose, /features: layer norm/, 'a line break between two bold phrases stays a space');
    assert.doesNotMatch(prose, /\S\*\*|:\w+ norm\./);

    await visit(page, ENTRY_POINTS[0].page, problems);
    const headers = await page.locator('.vp-doc th').allTextContents();
    assert.ok(headers.includes('Description'), 'API tables have a description column');
    assert.ok(
      !headers.includes('Default value'),
      'no "Default value" column (it said "undefined" for every property)',
    );

    await page.setViewportSize({ width: 390, height: 844 });
    await visit(page, 'playground.html', problems);
    await page.waitForSelector('.playground[data-status="ready"]', { timeout: 60_000 });
    const strips = await page.locator('.tensor-strip').count();
    const bars = await page.locator('.tensor-strip [data-testid="colour-bar"]').count();
    assert.ok(strips > 0 && bars === strips, `every map strip has a colour bar (${bars} of ${strips})`);
    await page.evaluate(() => window.scrollTo(0, 1500));
    await page.waitForTimeout(200);
    const covered = await page.locator('.pg-controls').evaluate((el) => {
      const r = el.getBoundingClientRect();
      const visible = Math.max(0, Math.min(r.bottom, window.innerHeight) - Math.max(r.top, 0));
      return visible / window.innerHeight;
    });
    assert.ok(
      covered <= 0.25,
      `after scrolling, the playground's controls cover ${(covered * 100).toFixed(0)}% of a phone screen (≤ 25%)`,
    );
    await page.screenshot({ path: join(SHOTS, 'playground-phone.png') });
    assert.deepEqual(problems, []);
    await ctx.close();
  });
});
