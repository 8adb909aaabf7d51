// Finds a command the tests need; on Debian as root, installs the Debian package that has it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, step } from './util.mjs';

export function commandPath(command) {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** apt-get install; a failed install is most often a stale package list: refresh it once and retry. */
export async function aptInstall(pkg) {
  const apt = { logFile: '/tmp/openssl-wasm-sandbox-apt.log', label: 'apt-get' };
  // noninteractive: debconf questions (wireshark-common's "may non-root users capture?") take their defaults.
  const install = () => run('apt-get', ['install', '-y', '-q', pkg], { ...apt, env: { DEBIAN_FRONTEND: 'noninteractive' } });
  await install().catch(async () => {
    await run('apt-get', ['update', '-q'], { ...apt, label: 'apt-get update' });
    await install();
  });
}

/** The path of `command`, installing `pkg` first where it is missing and we may; else an error saying what to install. */
export async function ensureCommand({ command, pkg, purpose, elsewhere }) {
  let path = commandPath(command);
  let failure = '';
  if (!path && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    step(`Installing ${pkg} (apt-get install ${pkg})`);
    await aptInstall(pkg).catch((error) => { failure = ` (${error.message})`; });
    path = commandPath(command);
  }
  if (!path) {
    throw new Error(`${command} was not found${failure}. ${purpose}: on Debian/Ubuntu \`sudo apt-get install ${pkg}\`, elsewhere ${elsewhere}.`);
  }
  return path;
}

/** The machine's apt sources (deb822 and one-line format), as { uris, suites, components, signedBy }. */
export function readSystemSources() {
  const dir = '/etc/apt/sources.list.d';
  const files = ['/etc/apt/sources.list', ...(existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [])];
  const entries = [];
  for (const file of files.filter((f) => existsSync(f))) {
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.sources')) {
      for (const block of text.split(/\n\s*\n/)) {
        const field = (name) => block.match(new RegExp(`^${name}:\\s*(.+)$`, 'mi'))?.[1].trim();
        if (!field('Types')?.split(/\s+/).includes('deb') || field('Enabled') === 'no') continue;
        entries.push({
          uris: field('URIs')?.split(/\s+/) ?? [],
          suites: field('Suites')?.split(/\s+/) ?? [],
          components: field('Components')?.split(/\s+/) ?? [],
          signedBy: field('Signed-By'),
        });
      }
    } else if (file.endsWith('.list')) {
      for (const line of text.split('\n')) {
        const m = line.match(/^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s+(.+)$/);
        if (!m) continue;
        entries.push({
          uris: [m[2]], suites: [m[3]], components: m[4].trim().split(/\s+/),
          signedBy: m[1]?.match(/signed-by=(\S+)/)?.[1],
        });
      }
    }
  }
  return entries.filter((e) => e.uris.length && e.suites.length);
}
