/**
 * Test helper: Debian's Chromium (never a downloaded browser) driven by playwright-core, launched
 * with the same arguments for every browser test.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type LaunchOptions } from 'playwright-core';

/** The browser binary: `$NORMLAB_CHROMIUM` or Debian's `/usr/bin/chromium`. */
export const CHROMIUM = process.env.NORMLAB_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Launch headless Chromium; fails with setup's instructions when it is not installed. `options`
 * adds playwright launch options (the site test keeps scrollbars: `ignoreDefaultArgs`).
 */
export async function launchChromium(
  options: Omit<LaunchOptions, 'executablePath' | 'args'> = {},
): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (npm run setup -- --browser)`);
  return chromium.launch({
    ...options,
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

/**
 * Run a self-contained script (an IIFE bundle) in a blank page and return what it stores in
 * `window.__result` (the script sets it when done, or `window.__error` on failure).
 */
export async function runInPage(browser: Browser, script: string, timeoutMs = 60_000): Promise<unknown> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
    await page.addScriptTag({ content: script });
    await page.waitForFunction(
      () =>
        (window as { __result?: unknown; __error?: unknown }).__result !== undefined ||
        (window as { __error?: unknown }).__error !== undefined,
      undefined,
      { timeout: timeoutMs },
    );
    const { result, error } = await page.evaluate(() => ({
      result: (window as { __result?: unknown }).__result,
      error: (window as { __error?: unknown }).__error,
    }));
    if (error !== undefined) throw new Error(`in the page: ${String(error)}`);
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    return result;
  } finally {
    await page.close();
  }
}
