// Finds emcc (any >= 3.1.6 on PATH); on Debian as root, installs Debian's emscripten package.
// EMSCRIPTEN=trixie uses Debian trixie's instead, in a root of its own (trixie-emscripten.mjs).
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { aptInstall } from './debian.mjs';
import { trixieEmscripten } from './trixie-emscripten.mjs';
import { root, run, step } from './util.mjs';

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
function emEnv() {
  const modules = join(root, 'node_modules');
  return { NODE_PATH: [modules, process.env.NODE_PATH].filter(Boolean).join(delimiter) };
}

/**
 * The emscripten that builds run: its `version` (part of every cache key, so that builds of two
 * emscriptens never mix), where it is, and `run(cmd, args, options)`, util.mjs's run for its commands.
 * @returns {Promise<{ version: string, where: string, run: typeof run }>}
 */
export async function ensureEmscripten() {
  if (process.env.EMSCRIPTEN === 'trixie') return trixieEmscripten();
  if (process.env.EMSCRIPTEN) throw new Error(`EMSCRIPTEN=${process.env.EMSCRIPTEN}: the only other emscripten setup knows is 'trixie' (Debian trixie's)`);
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
  return {
    version, where: 'emcc on PATH',
    run: (cmd, args, options = {}) => run(cmd, args, { ...options, env: { ...emEnv(), ...options.env } }),
  };
}

/**
 * The width of time_t with this emscripten: 32 bits (3.1.6: times past 2038-01-19 wrap) or 64. Asked of the
 * compiler (a static assertion compiled in `dir`), so it holds for any emcc.
 */
export async function timeBits(emscripten, dir) {
  const check = join(dir, 'time_t.c');
  writeFileSync(check, '#include <time.h>\n_Static_assert(sizeof(time_t) == 8, "32-bit time_t");\n');
  return emscripten.run('emcc', ['-fsyntax-only', check], { logFile: `${check}.log` }).then(() => 64, () => 32);
}
