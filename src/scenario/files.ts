import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Scenario } from './types.js';
import { refuseOversized, validateScenario } from './validate.js';

/** The .json files named, and those inside the folders named, sorted. */
export async function scenarioFiles(paths: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    if ((await stat(path)).isDirectory()) {
      const entries = await readdir(path, { recursive: true });
      found.push(...entries.filter((e) => e.endsWith('.json')).map((e) => join(path, e)).sort());
    } else {
      found.push(path);
    }
  }
  return found;
}

/** Reads and validates a scenario file; a malformed one raises a ScenarioError naming its problems. */
export async function loadScenario(file: string): Promise<Scenario> {
  refuseOversized((await stat(file)).size, file);
  return validateScenario(await readFile(file, 'utf8'), file);
}
