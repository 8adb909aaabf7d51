// Runs the API suite in the page, each sandbox in a Web Worker, on both OpenSSL variants, and
// publishes the results on `window` for test/browser.test.ts to read.
import { createSandbox, VARIANTS, type Sandbox, type SandboxOptions, type Variant } from '../../src/index.js';
import { suites } from '../api/index.js';
import { transcriptFingerprint } from '../api/fingerprint.js';
import { disposeCheckingLeaks } from '../api/leaks.js';
import type { ApiCase } from '../api/suite.js';

export interface BrowserResult {
  suite: string;
  variant: Variant;
  name: string;
  ok: boolean;
  error?: string;
}

declare global {
  interface Window {
    __results?: BrowserResult[];
    __done?: boolean;
    /** Deterministic mode's transcript fingerprint, computed here, for Node to compare with its own. */
    __fingerprints?: Record<string, string>;
  }
}

/** Like test/api.test.ts: a fresh sandbox per case, and every sandbox disposed after it. */
async function runCase(c: ApiCase, variant: Variant): Promise<void> {
  const sandboxes: Sandbox[] = [];
  const make = async (options?: SandboxOptions) => {
    const sb = await createSandbox({ openssl: variant, worker: true, ...options });
    sandboxes.push(sb);
    return sb;
  };
  try {
    await c.run(await make(), { variant, another: make });
  } finally {
    await disposeCheckingLeaks(sandboxes, c.name);
  }
}

const results: BrowserResult[] = (window.__results = []);
for (const variant of VARIANTS) {
  for (const suite of suites) {
    for (const c of suite.cases) {
      const result: BrowserResult = { suite: suite.title, variant, name: c.name, ok: true };
      await runCase(c, variant).catch((error: unknown) => {
        result.ok = false;
        result.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      });
      results.push(result);
    }
  }
}
const fingerprints: Record<string, string> = {};
for (const variant of VARIANTS) {
  const sb = await createSandbox({ openssl: variant, worker: true, seed: 42 });
  fingerprints[variant] = await transcriptFingerprint(sb);
  await sb.dispose();
}
window.__fingerprints = fingerprints;
window.__done = true;
