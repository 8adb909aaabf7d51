// Start-up in a browser: from navigation to the playground (built as `npm run build` builds it,
// served statically) until it can run a handshake (its sandbox started: body[data-busy=false]),
// in Chromium, each run in a browser of its own: nothing cached, not even the compiled module
// (a renderer process that is reused keeps V8's compiled WebAssembly, and starts ~100 ms sooner).
import { join } from 'node:path';
import { build, preview } from 'vite';
import { root } from '../../scripts/lib/util.mjs';
import { launchChromium } from '../checkout/headless.js';

export interface BrowserStartFigures {
  runs: number;
  /** navigation start to the playground's first possible handshake, median */
  navigationToReadyMs: number;
}

export async function browserStartFigures(runs = 7): Promise<BrowserStartFigures | { skipped: string }> {
  try {
    await (await launchChromium()).close();
  } catch (error) {
    return { skipped: (error as Error).message };
  }
  const configFile = join(root, 'vite.config.ts');
  await build({ configFile, logLevel: 'warn' });
  const site = await preview({ configFile, root: join(root, 'web'), logLevel: 'warn', build: { outDir: 'dist' }, preview: { host: '127.0.0.1', port: 0 } });
  try {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(site.resolvedUrls!.local[0]);
        await page.waitForSelector('body[data-busy="false"]', { timeout: 30_000 });
        times.push(await page.evaluate(() => performance.now()));
      } finally {
        await browser.close();
      }
    }
    return { runs, navigationToReadyMs: Math.round(times.sort((a, b) => a - b)[runs >> 1]) };
  } finally {
    await new Promise((done) => site.httpServer.close(done));
  }
}
