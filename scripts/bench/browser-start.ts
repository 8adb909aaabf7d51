// Start-up in a browser: from navigation to the playground (built as `npm run build` builds it,
// served by Vite's preview with vite.config.ts's cache headers) until it can run a handshake (its
// sandbox started: body[data-busy=false]), in Chromium. Each run has a browser and a profile of its
// own: first a cold visit, nothing cached, not even the compiled module (a renderer that is reused
// keeps V8's compiled WebAssembly and starts ~100 ms sooner); then a new browser on the same profile
// visits again, with the HTTP cache and the compiled-code cache the first visit left.
// The moment is taken in the page, when body[data-busy] turns false: read back through Playwright
// (waitForSelector, then performance.now()), it would include the driver's own round trips, which
// added 100-150 ms (up to 800 ms) on a loaded machine.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { build, preview } from 'vite';
import { root } from '../../scripts/lib/util.mjs';
import { launchChromiumWithProfile } from '../checkout/headless.js';

export interface BrowserStartFigures {
  runs: number;
  /** navigation start to the playground's first possible handshake, nothing cached: median */
  coldMs: number;
  /** the same on a repeat visit: median */
  repeatMs: number;
  /** requests that reached the server on a cold and on a repeat visit (hashed assets are not asked again): medians */
  coldRequests: number;
  repeatRequests: number;
  /** repeat visits that found compiled WebAssembly in Chromium's code cache (of `runs`) */
  repeatsWithCompiledWasm: number;
}

/** Before the page's own code: records performance.now() when the playground first says it is ready (body[data-busy=false]). */
function recordReady(): void {
  new MutationObserver((_, observer) => {
    if (document.body?.dataset.busy !== 'false') return;
    (window as { readyMs?: number }).readyMs = performance.now();
    observer.disconnect();
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-busy'] });
}

/**
 * How long the first visit stays open: V8 hands Chromium the compiled WebAssembly to cache once it has
 * optimised 1 kB of code and then optimised nothing more for 2 s (in Chromium 150 here, it has not
 * within 15 s: docs/performance.md, Round 3).
 */
const STAY_MS = 3000;

export async function browserStartFigures(runs = 7): Promise<BrowserStartFigures | { skipped: string }> {
  const profile = () => mkdtempSync(join(tmpdir(), 'osb-chromium-'));
  try {
    const dir = profile();
    await (await launchChromiumWithProfile(dir)).close();
    rmSync(dir, { recursive: true, force: true });
  } catch (error) {
    return { skipped: (error as Error).message };
  }
  const configFile = join(root, 'vite.config.ts');
  await build({ configFile, logLevel: 'warn' });
  const site = await preview({ configFile, root: join(root, 'web'), logLevel: 'warn', build: { outDir: 'dist' }, preview: { host: '127.0.0.1', port: 0 } });
  let requests = 0;
  site.httpServer.on('request', () => { requests++; });
  const visit = async (browser: BrowserContext, stayMs = 0) => {
    requests = 0;
    await browser.addInitScript(recordReady);
    const page = browser.pages()[0] ?? await browser.newPage();
    await page.goto(site.resolvedUrls!.local[0]);
    await page.waitForSelector('body[data-busy="false"]', { timeout: 30_000 });
    const ms = await page.evaluate(() => (window as { readyMs?: number }).readyMs!);
    const asked = requests;
    await page.waitForTimeout(stayMs);
    await browser.close();
    return { ms, asked };
  };
  const cold: Array<{ ms: number; asked: number }> = [];
  const repeat: typeof cold = [];
  let withCompiledWasm = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const dir = profile();
      try {
        cold.push(await visit(await launchChromiumWithProfile(dir), STAY_MS));
        if (compiledWasmCached(dir)) withCompiledWasm++;
        repeat.push(await visit(await launchChromiumWithProfile(dir)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await new Promise((done) => site.httpServer.close(done));
  }
  const median = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[xs.length >> 1]);
  return {
    runs,
    coldMs: median(cold.map((v) => v.ms)),
    repeatMs: median(repeat.map((v) => v.ms)),
    coldRequests: median(cold.map((v) => v.asked)),
    repeatRequests: median(repeat.map((v) => v.asked)),
    repeatsWithCompiledWasm: withCompiledWasm,
  };
}

/** Whether the profile's code cache holds compiled WebAssembly (Chromium keeps it in `Code Cache/wasm`). */
function compiledWasmCached(profile: string): boolean {
  const wasm = join(profile, 'Default', 'Code Cache', 'wasm');
  return existsSync(wasm) && readdirSync(wasm).some((name) => !name.startsWith('index'));
}
