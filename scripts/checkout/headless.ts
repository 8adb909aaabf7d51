// Opens a page of this project in headless Chromium: Vite serves the TypeScript sources and
// wasm/dist, playwright-core drives Debian's chromium (`node scripts/setup.mjs --browser`).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';

const root = fileURLToPath(new URL('../..', import.meta.url));

function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium is not on PATH: `node scripts/setup.mjs --browser` installs it (Debian: `apt-get install chromium`)');
  }
}

/** Headless flags that keep Chromium off the network and out of its first-run work. */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/** Debian's chromium, headless, driven by playwright-core (which gives it a fresh temporary --user-data-dir). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath(), args: FLAGS });
}

/** The same browser with the profile `userDataDir`, which it keeps (HTTP cache, compiled code) for the next launch. */
export async function launchChromiumWithProfile(userDataDir: string): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(userDataDir, { executablePath: chromiumPath(), args: FLAGS });
}

export interface HeadlessPage {
  page: Page;
  close(): Promise<void>;
}

/**
 * Serves the project and opens `path` (relative to the project root); `prepare` sees the page
 * before it loads (to listen for its errors). close() stops the browser and the server.
 */
export async function openHeadless(path: string, prepare: (page: Page) => void = () => {}): Promise<HeadlessPage> {
  const { createServer } = await import('vite');
  const server = await createServer({ root, logLevel: 'warn', server: { host: '127.0.0.1', port: 0, strictPort: false } });
  let browser: Browser | undefined;
  const close = async () => {
    try {
      await browser?.close();
    } finally {
      await server.close();
    }
  };
  try {
    await server.listen();
    browser = await launchChromium();
    const page = await browser.newPage();
    page.on('console', (message) => {
      // The page's and its workers' console errors, to debug a failure.
      if (message.type() === 'error') console.error(`[chromium] ${message.text()} (${message.location().url})`);
    });
    prepare(page);
    await page.goto(new URL(path, server.resolvedUrls!.local[0]).href);
    return { page, close };
  } catch (error) {
    await close();
    throw error;
  }
}
