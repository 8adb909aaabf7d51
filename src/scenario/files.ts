// Scenario files on disk, in Node. Its modules are asked of the runtime rather than imported, so
// that this entry point also loads in browsers (and no bundler tries to follow them); there these
// two functions reject, saying what to do instead.
import { SandboxError } from '../core/errors.js';
import type { Scenario } from './types.js';
import { ScenarioError, refuseOversized, validateScenario } from './validate.js';

function node(call: string) {
  if (typeof process === 'undefined' || !process.getBuiltinModule) {
    throw new SandboxError('NODE_ONLY', `${call}() reads files, in Node: elsewhere, fetch a scenario's text and pass it to validateScenario()`);
  }
  return { ...process.getBuiltinModule('node:fs/promises'), join: process.getBuiltinModule('node:path').join };
}

/**
 * The .json files named, and those inside the folders named (sorted, each folder's together).
 * Links are followed, but no folder or file is taken twice: a link loop, a self-link or a
 * second way to the same file adds nothing. A path that cannot be read stays in the list, for
 * loadScenario() to say why.
 */
export async function scenarioFiles(paths: string[]): Promise<string[]> {
  const { stat } = node('scenarioFiles');
  const found: string[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    if ((await stat(path).catch(() => undefined))?.isDirectory()) found.push(...(await walk(path, seen)).sort());
    else found.push(path);
  }
  return found;
}

async function walk(root: string, seen: Set<string>): Promise<string[]> {
  const { readdir, realpath, stat, join } = node('scenarioFiles');
  const files: string[] = [];
  const folders = [root];
  /** True the first time a real path is met; a path that does not resolve (a loop) counts by its own name. */
  const first = async (path: string) => {
    const real = await realpath(path).catch(() => path);
    return !seen.has(real) && !!seen.add(real);
  };
  while (folders.length) {
    const folder = folders.pop()!;
    if (!await first(folder)) continue;
    for (const entry of await readdir(folder, { withFileTypes: true }).catch(() => [])) {
      const path = join(folder, entry.name);
      const target = entry.isSymbolicLink() ? await stat(path).catch(() => undefined) : entry;
      if (target?.isDirectory()) folders.push(path);
      else if (entry.name.endsWith('.json') && await first(path)) files.push(path);
    }
  }
  return files;
}

/** What a file system error means, in words. */
function unreadable(error: NodeJS.ErrnoException): string {
  const why: Record<string, string> = {
    ENOENT: 'no such file or folder', ELOOP: 'a loop of symbolic links', EACCES: 'not readable (permission denied)',
    EISDIR: 'a folder, not a file', ENOTDIR: 'a path through something that is not a folder',
  };
  return `cannot be read: ${why[error.code ?? ''] ?? error.message}`;
}

/** Reads and validates a scenario file; a malformed or unreadable one raises a ScenarioError naming its problems. */
export async function loadScenario(file: string): Promise<Scenario> {
  const { readFile, stat } = node('loadScenario');
  const read = <T>(io: Promise<T>) => io.catch((error: NodeJS.ErrnoException) => { throw new ScenarioError(file, [unreadable(error)]); });
  refuseOversized((await read(stat(file))).size, file);
  return validateScenario(await read(readFile(file, 'utf8')), file);
}
