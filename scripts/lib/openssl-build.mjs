// Builds libssl.a and libcrypto.a for wasm32, cached outside the checkout and keyed by
// OpenSSL version, configure options, compiler flags and emcc version.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { obtainSource } from './openssl-source.mjs';
import { emEnv } from './toolchain.mjs';
import { cacheDir, run, step } from './util.mjs';

export const CONFIGURE = [
  'linux-generic32', 'no-asm', 'no-threads', 'no-shared', 'no-dso', 'no-engine', 'no-afalgeng', 'no-async',
  'no-sock', 'no-ui-console', 'no-tests', 'no-comp', 'no-padlockeng', 'no-secure-memory',
];
export const CFLAGS = '-O3';

/** Returns { dir, lib: [libssl.a, libcrypto.a], include, key } for the variant, building it if needed. */
export async function buildOpenSSL(variant, emccVersion) {
  // Per-variant extras (wasm/openssl-versions.json): 3.0's Configure has no `no-apps`.
  const configure = [...CONFIGURE, ...variant.configure];
  const key = createHash('sha256')
    .update(JSON.stringify([variant.version, variant.sha256, configure, CFLAGS, emccVersion]))
    .digest('hex').slice(0, 16);
  const dir = join(cacheDir, 'openssl', `${variant.version}-${key}`);
  const result = {
    dir, key, include: join(dir, 'include'),
    libs: [join(dir, 'lib', 'libssl.a'), join(dir, 'lib', 'libcrypto.a')],
  };
  if (existsSync(join(dir, 'complete'))) return result;

  const tarball = await obtainSource(variant);
  const work = join(cacheDir, 'build', `openssl-${variant.version}-${key}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  await run('tar', ['xzf', tarball, '-C', work, '--strip-components=1']);

  const env = { ...emEnv(), CC: 'emcc', AR: 'emar', RANLIB: 'emranlib', CFLAGS };
  const log = join(work, 'build.log');
  step(`Configuring OpenSSL ${variant.version} for wasm32`);
  await run('emconfigure', ['./Configure', ...configure], { cwd: work, env, logFile: log, label: 'configure' });
  step(`Compiling OpenSSL ${variant.version} (a few minutes on two cores; progress every 10 s)`);
  // OpenSSL's Makefile sets CROSS_COMPILE=em under emconfigure, which would call `ememcc`.
  await run('emmake', ['make', `-j${Math.max(2, (await import('node:os')).availableParallelism())}`,
    'CROSS_COMPILE=', 'build_generated', 'libcrypto.a', 'libssl.a'], { cwd: work, env, logFile: log, label: 'make' });

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'lib'), { recursive: true });
  for (const lib of ['libssl.a', 'libcrypto.a']) cpSync(join(work, lib), join(dir, 'lib', lib));
  cpSync(join(work, 'include'), result.include, { recursive: true });
  writeFileSync(join(dir, 'complete'), JSON.stringify({ version: variant.version, configure, cflags: CFLAGS, emcc: emccVersion }));
  rmSync(work, { recursive: true, force: true });
  return result;
}
