// Builds libssl.a and libcrypto.a for wasm32, cached outside the checkout and keyed by
// OpenSSL version, configure options, compiler flags and emcc version.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { cached } from './cache.mjs';
import { obtainSource } from './openssl-source.mjs';
import { timeBits } from './toolchain.mjs';
import { cacheDir, root, run, step } from './util.mjs';

// The target (wasm/openssl/targets.conf, copied into the source tree): linux-generic32 with 64-bit bignum limbs.
const TARGETS = join(root, 'wasm', 'openssl', 'targets.conf');
const PLATFORM = [
  '--config=sandbox-targets.conf', 'wasm32-sandbox', 'no-asm', 'no-threads', 'no-shared', 'no-dso', 'no-engine',
  'no-afalgeng', 'no-async', 'no-sock', 'no-ui-console', 'no-tests', 'no-comp', 'no-padlockeng', 'no-secure-memory',
  // 64-bit-limb field code for P-224/256/384/521 (ecp_nistp*.c), in place of generic bignum code.
  'enable-ec_nistp_64_gcc_128',
];
// Left out: what no TLS 1.2/1.3 handshake with the sandbox's keys (EC P-256, RSA) negotiates.
// Kept: every TLS 1.3 suite, TLS 1.2 AES/ChaCha suites, all EC/X25519/X448/FFDHE/ML-KEM groups,
// ECDSA/RSA/RSA-PSS/EdDSA signatures.
const LEFT_OUT = [
  'aria', 'bf', 'camellia', 'cast', 'cms', 'cmp', 'ct', 'des', 'dsa', 'dtls', 'ec2m', 'gost', 'idea', 'legacy',
  'md4', 'mdc2', 'nextprotoneg', 'ocb', 'ocsp', 'rc2', 'rc4', 'rfc3779', 'rmd160', 'scrypt', 'seed', 'siphash',
  'siv', 'sm2', 'sm3', 'sm4', 'srp', 'srtp', 'ssl-trace', 'ts', 'whirlpool',
].map((name) => `no-${name}`);

/**
 * Configure's arguments: shared by the wasm32 build and the native build that runs the same C code in the benchmark.
 * A variant's `omit` (wasm/openssl-versions.json) drops the options its Configure refuses (1.1.1) or no longer has (4.0).
 */
export const configureArgs = (variant) =>
  [...PLATFORM, ...LEFT_OUT].filter((option) => !variant.omit?.includes(option)).concat(variant.configure);
// For speed (-O3 was no faster than -O2, and larger), except code that handshakes with the
// sandbox's keys and default groups do not run, which is compiled for size: 3.5's module is
// 1773 kB instead of 1952 kB, as fast. -Os everywhere would give 1694 kB, and 14% fewer full
// handshakes per second.
export const CFLAGS = '-O2';
const SMALL = {
  cflags: '-Os',
  dirs: [
    'crypto/conf', 'crypto/dh', 'crypto/encode_decode', 'crypto/err', 'crypto/ess', 'crypto/ffc', 'crypto/hpke',
    'crypto/pem', 'crypto/pkcs12', 'crypto/pkcs7', 'crypto/store', 'crypto/txt_db', 'crypto/ui',
    'crypto/ec/curve448', 'crypto/ec/curve448/arch_32', 'crypto/ec/curve448/arch_64',
    'providers/implementations/encode_decode', 'providers/implementations/storemgmt',
  ],
  // The field code of the curves no default handshake uses.
  files: ['crypto/ec/libcrypto-lib-ecp_nistp224.o', 'crypto/ec/libcrypto-lib-ecp_nistp384.o', 'crypto/ec/libcrypto-lib-ecp_nistp521.o'],
};

/** Prepares an unpacked source tree for Configure: puts the target file where `--config` finds it. */
export function prepareSource(dir) {
  cpSync(TARGETS, join(dir, 'sandbox-targets.conf'));
}

/** Moves what a build keeps out of its source tree `work` into its cache entry `into` (lib/, include/), and drops the tree. */
export function keepLibraries(work, into) {
  mkdirSync(join(into, 'lib'));
  for (const lib of ['libssl.a', 'libcrypto.a']) renameSync(join(work, lib), join(into, 'lib', lib));
  cpSync(join(work, 'include'), join(into, 'include'), { recursive: true });
  rmSync(work, { recursive: true, force: true });
}

/**
 * Returns { dir, libs: [libssl.a, libcrypto.a], include, key } for the variant, building it if needed
 * (whole, under a lock: cache.mjs); with `cachedOnly`, undefined instead of a build.
 */
export async function buildOpenSSL(variant, emscripten, { cachedOnly = false } = {}) {
  // Per-variant extras (wasm/openssl-versions.json): 3.0's Configure has no `no-apps`.
  const configure = configureArgs(variant);
  const key = createHash('sha256')
    .update(JSON.stringify([variant.version, variant.sha256, configure, CFLAGS, SMALL, emscripten.version, readFileSync(TARGETS, 'utf8')]))
    .digest('hex').slice(0, 16);
  const dir = join(cacheDir, 'openssl', `${variant.version}-${key}`);
  const result = {
    dir, key, include: join(dir, 'include'),
    libs: [join(dir, 'lib', 'libssl.a'), join(dir, 'lib', 'libcrypto.a')],
  };
  if (cachedOnly && !existsSync(join(dir, 'complete'))) return undefined;
  await cached(dir, (into) => compile(variant, configure, emscripten, into));
  return result;
}

/** Configures and compiles the variant into `into`, the cache entry being made; returns what went in. */
async function compile(variant, configure, emscripten, into) {
  const started = Date.now();
  const tarball = await obtainSource(variant);
  const work = join(into, 'source');
  mkdirSync(work);
  await run('tar', ['xzf', tarball, '-C', work, '--strip-components=1']);
  prepareSource(work);

  const env = { CC: 'emcc', AR: 'emar', RANLIB: 'emranlib', CFLAGS };
  step(`Configuring OpenSSL ${variant.version} for wasm32 (emscripten ${emscripten.version}: ${emscripten.where})`);
  await emscripten.run('emconfigure', ['./Configure', ...configure], { cwd: work, env, logFile: join(work, 'configure.log'), label: 'configure' });
  step(`Compiling OpenSSL ${variant.version} (a few minutes on two cores; progress every 10 s)`);
  // OpenSSL's Makefile sets CROSS_COMPILE=em under emconfigure, which would call `ememcc`.
  const make = (args, label) => emscripten.run('emmake', ['make', `-j${Math.max(2, availableParallelism())}`, 'CROSS_COMPILE=', ...args],
    { cwd: work, env, logFile: join(work, `${label}.log`), label });
  await make(['build_generated', 'libcrypto.a', 'libssl.a'], 'make');
  // Make rebuilds the deleted objects, and the archives, with the flags given on its command line.
  // 3.x names an object after its library and source (libcrypto-lib-ecp_nistp224.o), 1.1.1 after its source only.
  const small = [...SMALL.files.flatMap((f) => [f, f.replace('libcrypto-lib-', '')]), ...SMALL.dirs.filter((d) => existsSync(join(work, d)))
    .flatMap((d) => readdirSync(join(work, d)).filter((f) => f.endsWith('.o')).map((f) => join(d, f)))]
    .filter((object) => existsSync(join(work, object)));
  for (const object of small) rmSync(join(work, object));
  await make([`CFLAGS=${SMALL.cflags}`, ...small, 'libcrypto.a', 'libssl.a'], 'make small');

  keepLibraries(work, into);
  // The build's time, and the time_t it was built with (2038 in 32 bits), go into the module's versions.json.
  return {
    version: variant.version, configure, cflags: CFLAGS, small: SMALL, emcc: emscripten.version,
    buildSeconds: Math.round((Date.now() - started) / 1000), timeBits: await timeBits(emscripten, into),
  };
}
