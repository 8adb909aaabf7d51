// Scenario files on disk, in Node. Its modules are asked of the runtime rather than imported, so
// that this entry point also loads in browsers (and no bundler tries to follow them); there these
// two functions reject, saying what to do instead.
import { SandboxError } from '../core/errors.js';
import type { Scenario } from './types.js';
import { refuseOversized, validateScenario } from './validate.js';

function node(call: string) {
  if (typeof process === 'undefined' || !process.getBuiltinModule) {
    throw new SandboxError('NODE_ONLY', `${call}() reads files, in Node: elsewhere, fetch a scenario's text and pass it to validateScenario()`);
  }
  return { ...process.getBuiltinModule('node:fs/promises'), join: process.getBuiltinModule('node:path').join };
}

/** The .json files named, and those inside the folders named, sorted. Node only. */
export async function scenarioFiles(paths: string[]): Promise<string[]> {
  const { readdir, stat, join } = node('scenarioFiles');
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

/** Reads and validates a scenario file; a malformed one raises a ScenarioError naming its problems. Node only. */
export async function loadScenario(file: string): Promise<Scenario> {
  const { readFile, stat } = node('loadScenario');
  refuseOversized((await stat(file)).size, file);
  return validateScenario(await readFile(file, 'utf8'), file);
}
