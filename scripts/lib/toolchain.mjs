// Finds emcc (any >= 3.1.6 on PATH); on Debian as root, installs Debian's emscripten package.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { aptInstall } from './debian.mjs';
import { root, step } from './util.mjs';

const MIN = [3, 1, 6];

function emccVersion() {
  try {
    return execFileSync('emcc', ['-dumpversion'], { encoding: 'utf8', env: emEnv() }).trim();
  } catch {
    return undefined;
  }
}

const atLeast = (v, min) => {
  const parts = v.split('.').map(Number);
  for (let i = 0; i < min.length; i++) if ((parts[i] ?? 0) !== min[i]) return (parts[i] ?? 0) > min[i];
  return true;
};

/** Environment for emcc: Debian's emcc needs `acorn`, which the project's node_modules has. */
export function emEnv() {
  const modules = join(root, 'node_modules');
  return { NODE_PATH: [modules, process.env.NODE_PATH].filter(Boolean).join(delimiter) };
}

export async function ensureEmscripten() {
  let version = emccVersion();
  if (!version && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    step('Installing emscripten (apt-get install emscripten)');
    await aptInstall('emscripten');
    version = emccVersion();
  }
  if (!version) {
    throw new Error('emcc was not found. Install emscripten >= 3.1.6: on Debian/Ubuntu `sudo apt-get install emscripten`, '
      + 'elsewhere activate an emsdk (`source emsdk_env.sh`) so that emcc is on PATH.');
  }
  if (!atLeast(version, MIN)) throw new Error(`emcc ${version} is too old: emscripten >= ${MIN.join('.')} is needed`);
  return version;
}
