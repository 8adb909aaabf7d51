// The API suite in headless Chromium: Vite serves the harness page (test/browser/), which runs
// every case with its sandboxes in Web Workers, on both OpenSSL variants. Debian's chromium
// (`node scripts/setup.mjs --browser`) is driven by playwright-core.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { VARIANTS } from '../src/index.js';
import { suites } from './api/index.js';
import type { BrowserResult } from './browser/harness.js';

/** A case that runs this long has hung (the whole run takes longer as the suite grows). */
const STALL_MS = 120_000;
const root = fileURLToPath(new URL('..', import.meta.url));

function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium is not on PATH: `node scripts/setup.mjs --browser` installs it (Debian: `apt-get install chromium`)');
  }
}

let server: ViteDevServer | undefined;
let browser: Browser | undefined;
let results: BrowserResult[] = [];
/** Why the run did not finish, when it did not: the cases without a result fail with it. */
let runFailure: Error | undefined;
const pageErrors: string[] = [];

/** Opens the harness and waits until it has run every case, forwarding what the page reports. */
async function runHarness(page: Page, base: string): Promise<void> {
  page.on('console', (message) => {
    // The page's and its workers' console errors, to debug a failure.
    if (message.type() === 'error') console.error(`[chromium] ${message.text()} (${message.location().url})`);
  });
  // An uncaught error ends the wait at once: a harness that cannot load fails in seconds.
  const crashed = new Promise<never>((_, reject) => page.on('pageerror', (error) => {
    pageErrors.push(error.stack ?? error.message);
    reject(new Error(`uncaught error in the page: ${error.message}`));
  }));
  crashed.catch(() => {});
  await page.goto(new URL('test/browser/index.html', base).href);
  for (let count = 0; !(await page.evaluate(() => window.__done === true));) {
    const progress = page.waitForFunction((n) => window.__done === true || (window.__results?.length ?? 0) > n, count, { timeout: STALL_MS })
      .catch(() => { throw new Error(`no case finished within ${STALL_MS / 1000} s after the first ${count}`); });
    await Promise.race([crashed, progress]);
    count = await page.evaluate(() => window.__results?.length ?? 0);
  }
}

before(async () => {
  let page: Page | undefined;
  try {
    server = await createServer({ root, logLevel: 'warn', server: { host: '127.0.0.1', port: 0, strictPort: false } });
    await server.listen();
    browser = await chromium.launch({
      // playwright-core's launch() gives the browser a fresh temporary --user-data-dir of its own.
      executablePath: chromiumPath(),
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    page = await browser.newPage();
    await runHarness(page, server.resolvedUrls!.local[0]);
  } catch (error) {
    runFailure = new Error(`the browser run did not finish: ${(error as Error).message}`);
  }
  // After a timeout or a crash too: the cases that did run keep their own outcome.
  results = await page?.evaluate(() => window.__results ?? []).catch((error: Error) => {
    runFailure ??= error;
    return [];
  }) ?? [];
});

after(async () => {
  try {
    await browser?.close();
  } finally {
    await server?.close();
  }
});

for (const variant of VARIANTS) {
  for (const suite of suites) {
    describe(`${suite.title} [OpenSSL ${variant}, browser worker]`, () => {
      for (const c of suite.cases) {
        it(c.name, () => {
          const result = results.find((r) => r.variant === variant && r.suite === suite.title && r.name === c.name);
          if (!result) throw runFailure ?? new Error('the browser harness reported no result for this case');
          if (!result.ok) throw new Error(result.error);
        });
      }
    });
  }
}

describe('browser harness [Chromium]', () => {
  it('the page logged no uncaught errors', () => {
    if (pageErrors.length) throw new Error(pageErrors.join('\n\n'));
  });
});
