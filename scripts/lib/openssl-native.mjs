// Builds native static libssl.a and libcrypto.a from the same verified source as the
// WebAssembly ones, cached outside the checkout like them. Three builds:
// - platform: as the platform builds it (with assembly); differential runs use it;
// - same-code: the WebAssembly build's C code (its target and Configure arguments);
// - reference: generic C with 32-bit limbs (linux-generic32 no-asm), which is what the
//   WebAssembly build was before its performance work: the benchmark's fixed yardstick.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cached } from './cache.mjs';
import { configureArgs, keepLibraries, prepareSource } from './openssl-build.mjs';
import { obtainSource } from './openssl-source.mjs';
import { cacheDir, run, step } from './util.mjs';

const CONFIGURE = ['no-shared', 'no-tests'];
const BUILDS = {
  platform: (variant) => [...CONFIGURE, ...variant.configure],
  'same-code': configureArgs,
  reference: (variant) => ['linux-generic32', 'no-asm', ...CONFIGURE, ...variant.configure],
};

/** The C compiler, or undefined when there is none. */
export function nativeCompiler() {
  for (const cc of [process.env.CC, 'cc', 'gcc', 'clang'].filter(Boolean)) {
    try {
      execFileSync(cc, ['--version'], { stdio: 'ignore' });
      return cc;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/**
 * Returns { cc, include, libs } of native OpenSSL for the variant (`build`: one of BUILDS), building it if needed (whole, under a lock: cache.mjs).
 * @param {import('./util.mjs').VariantEntry} variant
 * @param {keyof typeof BUILDS} [build]
 * @returns {Promise<{ cc: string, include: string, libs: string[] }>}
 */
export async function buildNativeOpenSSL(variant, build = 'platform') {
  const cc = nativeCompiler();
  if (!cc) throw new Error('no C compiler found (cc, gcc or clang): native OpenSSL needs one');
  const compiler = execFileSync(cc, ['--version'], { encoding: 'utf8' }).split('\n')[0];
  const configure = BUILDS[build](variant);
  const key = createHash('sha256').update(JSON.stringify([variant.version, variant.sha256, configure, compiler])).digest('hex').slice(0, 16);
  const dir = join(cacheDir, 'native', `${variant.version}-${build === 'platform' ? '' : `${build}-`}${key}`);
  const result = { cc, include: join(dir, 'include'), libs: [join(dir, 'lib', 'libssl.a'), join(dir, 'lib', 'libcrypto.a')] };
  await cached(dir, (into) => compile(variant, build, cc, configure, compiler, into));
  return result;
}

/** Configures and compiles the variant natively into `into`, the cache entry being made; returns what went in. */
async function compile(variant, build, cc, configure, compiler, into) {
  const tarball = await obtainSource(variant);
  const work = join(into, 'source');
  mkdirSync(work);
  await run('tar', ['xzf', tarball, '-C', work, '--strip-components=1']);
  if (build === 'same-code') prepareSource(work);
  const log = join(work, 'build.log');
  step(`Building native OpenSSL ${variant.version} (${build}) (a few minutes; progress every 10 s)`);
  // The platform build names no target: ./config guesses it (1.1.1's Configure, unlike 3.x's, wants one).
  const [script, ...args] = build === 'platform' ? ['./config', ...configure] : ['./Configure', ...configure];
  await run(build === 'platform' ? 'sh' : 'perl', [script, ...args], { cwd: work, env: { CC: cc }, logFile: log, label: 'configure' });
  await run('make', [`-j${availableParallelism()}`, 'build_generated', 'libcrypto.a', 'libssl.a'], { cwd: work, logFile: log, label: 'make' });
  keepLibraries(work, into);
  return { version: variant.version, configure, compiler };
}
