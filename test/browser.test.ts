// The API suite in headless Chromium: Vite serves the harness page (test/browser/), which runs
// every case with its sandboxes in Web Workers, on every OpenSSL variant. Debian's chromium
// (`node scripts/setup.mjs --browser`) is driven by playwright-core.
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openHeadless, type HeadlessPage } from '../scripts/checkout/headless.js';
import assert from 'node:assert/strict';
import { createSandbox, VARIANTS } from '../src/index.js';
import { transcriptFingerprint } from './api/fingerprint.js';
import { suites } from './api/index.js';
import type { BrowserResult } from './browser/harness.js';

/** A case that runs this long has hung (the whole run takes longer as the suite grows). */
const STALL_MS = 120_000;
let headless: HeadlessPage | undefined;
let results: BrowserResult[] = [];
/** Why the run did not finish, when it did not: the cases without a result fail with it. */
let runFailure: Error | undefined;
const pageErrors: string[] = [];

/** Rejects at the page's first uncaught error: a harness that cannot load fails in seconds. */
function crashOf(page: Page): Promise<never> {
  const crashed = new Promise<never>((_, reject) => page.on('pageerror', (error) => {
    pageErrors.push(error.stack ?? error.message);
    reject(new Error(`uncaught error in the page: ${error.message}`));
  }));
  crashed.catch(() => {});
  return crashed;
}

/** Waits until the harness has run every case; a case that takes STALL_MS ends the wait. */
async function waitForResults(page: Page, crashed: Promise<never>): Promise<void> {
  for (let count = 0; !(await page.evaluate(() => window.__done === true));) {
    const progress = page.waitForFunction((n) => window.__done === true || (window.__results?.length ?? 0) > n, count, { timeout: STALL_MS })
      .catch(() => { throw new Error(`no case finished within ${STALL_MS / 1000} s after the first ${count}`); });
    await Promise.race([crashed, progress]);
    count = await page.evaluate(() => window.__results?.length ?? 0);
  }
}

before(async () => {
  let crashed: Promise<never> = Promise.resolve() as never;
  try {
    headless = await openHeadless('test/browser/index.html', (page) => { crashed = crashOf(page); });
    await waitForResults(headless.page, crashed);
  } catch (error) {
    runFailure = new Error(`the browser run did not finish: ${(error as Error).message}`);
  }
  // After a timeout or a crash too: the cases that did run keep their own outcome.
  results = await headless?.page.evaluate(() => window.__results ?? []).catch((error: Error) => {
    runFailure ??= error;
    return [];
  }) ?? [];
});

after(() => headless?.close());

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

describe('deterministic mode across environments', () => {
  for (const variant of VARIANTS) {
    it(`a seeded handshake and resumption put the same bytes on the wire in Node and in Chromium [OpenSSL ${variant}]`, async () => {
      const inBrowser = await headless?.page.evaluate((v) => window.__fingerprints?.[v], variant);
      if (!inBrowser) throw runFailure ?? new Error('the browser computed no fingerprint');
      const sb = await createSandbox({ openssl: variant, worker: true, seed: 42 });
      try {
        assert.equal(await transcriptFingerprint(sb), inBrowser);
      } finally {
        await sb.dispose();
      }
    });
  }
});

describe('browser harness [Chromium]', () => {
  it('the page logged no uncaught errors', () => {
    if (pageErrors.length) throw new Error(pageErrors.join('\n\n'));
  });
});
