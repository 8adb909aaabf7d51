// The page `openssl-sandbox run --browser` opens: it runs scenarios through the worker API.
import { runScenario, type RunOptions, type Scenario, type ScenarioReport } from '../../../src/conformance.js';

export type BrowserJob = { scenario: Scenario } & RunOptions;

declare global {
  interface Window {
    runScenarios?: (jobs: BrowserJob[]) => Promise<ScenarioReport[]>;
  }
}

window.runScenarios = async (jobs) => {
  const reports: ScenarioReport[] = [];
  for (const job of jobs) reports.push(await runScenario(job.scenario, { ...job, worker: true }));
  return reports;
};
