// `--browser`: the same scenarios in headless Chromium, through Web Workers; every
// observation must equal the one made in Node.
import { openHeadless } from './headless.js';
import type { BrowserJob } from './browser-page/page.js';
import type { ScenarioReport } from '../../src/conformance.js';

export async function compareInBrowser(jobs: BrowserJob[], inNode: ScenarioReport[]): Promise<ScenarioReport[]> {
  const headless = await openHeadless('scripts/checkout/browser-page/index.html');
  try {
    await headless.page.waitForFunction(() => typeof window.runScenarios === 'function');
    const inBrowser = await headless.page.evaluate((list) => window.runScenarios!(list), jobs);
    return inBrowser.map((report, i) => {
      const node = inNode[i];
      const same = JSON.stringify(report.observations) === JSON.stringify(node.observations);
      const failures = same || !report.ok || !node.ok ? report.failures : [{
        step: -1, path: 'observations', expected: node.observations, observed: report.observations,
        message: 'the browser observed something else than Node',
      }];
      return { ...report, title: `${report.title} (browser)`, ok: report.ok && failures.length === 0, failures };
    });
  } finally {
    await headless.close();
  }
}
