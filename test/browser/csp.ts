// Content-Security-Policy checks for the Playwright tests: every violation on a page or in its
// workers is collected, and the policy is shown to be in force (not merely absent of reports).
import type { Page } from 'playwright-core';

/**
 * Collects the Content-Security-Policy violations of `page` from now on: its
 * securitypolicyviolation events and Chromium's "Refused to …" console errors (which also
 * report what its workers were refused).
 */
export function watchCsp(page: Page, violations: string[] = []): string[] {
  void page.addInitScript(() => document.addEventListener('securitypolicyviolation',
    (e) => console.error(`CSP violation: ${e.effectiveDirective} refused ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`)));
  page.on('console', (message) => {
    if (/CSP violation|Content Security Policy|Refused to/.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
  });
  return violations;
}

/**
 * What the policy refuses: eval in the page's code (`evalProbe`: the URL of
 * test/browser/eval-probe.ts as the page's server serves it), inline script, any fetch from its workers.
 */
export async function refusedByPolicy(page: Page, evalProbe?: string): Promise<{ eval?: boolean; inlineScript: boolean; workerFetch: boolean[] }> {
  const inlineScript = await page.evaluate(() => {
    const marker = `inline${Date.now()}`;
    const script = document.createElement('script');
    script.textContent = `window.${marker} = true;`;
    document.head.append(script);
    script.remove();
    return !(marker in window);
  });
  const refusedEval = evalProbe === undefined ? undefined
    : await page.evaluate((url) => import(url).then((probe: { evalRefused: boolean }) => probe.evalRefused), evalProbe);
  const workerFetch = await Promise.all(page.workers().map((w) => w.evaluate(() => fetch(self.location.origin).then(() => false, () => true))));
  return { ...(refusedEval === undefined ? {} : { eval: refusedEval }), inlineScript, workerFetch };
}
