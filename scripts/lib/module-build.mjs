// Links the glue and the OpenSSL libraries into wasm/dist/<variant>/openssl.{mjs,wasm} with
// a versions.json that records what went in. Skipped when nothing that goes in has changed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { glueDir, glueHeaders, glueSources, writeBindings } from './glue-bindings.mjs';
import { writeConstantsSource } from './constants.mjs';
import { writeSessionFunctions } from './session-functions.mjs';
import { root, step } from './util.mjs';

/**
 * Where a variant's module goes: wasm/dist/<variant>, or, built with another emscripten than the
 * one on PATH (EMSCRIPTEN=trixie), wasm/dist/emscripten-<name>/<variant>, beside it for the bench to compare.
 */
export const distDir = (variant, emscripten) => join(root, 'wasm', 'dist', ...(emscripten?.name ? [`emscripten-${emscripten.name}`] : []), variant.name);

const LINK_FLAGS = [
  '-O3', '-sMODULARIZE=1', '-sEXPORT_ES6=1', '-sEXPORT_NAME=createOpenSSLModule',
  // Node loads the module through the same code path as a browser: the loader hands it the bytes.
  '-sENVIRONMENT=web,worker', '-sALLOW_MEMORY_GROWTH=1',
  // FS: a seeded sandbox swaps /dev/urandom, OpenSSL's entropy source here, for a repeatable one
  // (4.0 asks getentropy(), wrapped to read that device: wasm/glue/entropy.c).
  '-sEXPORTED_RUNTIME_METHODS=cwrap,UTF8ToString,FS', '-Wl,--wrap=getentropy',
  // The sandbox clock (wasm/glue/clock.c) stands in for the system's.
  '-Wl,--wrap=time', '-Wl,--wrap=gettimeofday', '-Wl,--wrap=clock_gettime',
];

/**
 * Links, with `emscripten` (toolchain.mjs), `sources` with the OpenSSL libraries into `out`/openssl.{mjs,wasm},
 * exporting `exports` (the glue's and any extra), with more include folders and preprocessor `defines`.
 */
export function linkModule(emscripten, openssl, sources, exports, out, includes = [], defines = []) {
  return emscripten.run('emcc', [
    ...LINK_FLAGS, `-I${openssl.include}`, `-I${glueDir}`, ...includes.map((dir) => `-I${dir}`), ...defines.map((d) => `-D${d}`), ...sources, ...openssl.libs,
    `-sEXPORTED_FUNCTIONS=${exports.join(',')}`, '-o', join(out, 'openssl.mjs'),
  ]);
}

export async function buildModule(variant, openssl, emscripten) {
  const exports = [...writeBindings(), '_malloc', '_free'];
  const out = distDir(variant, emscripten);
  mkdirSync(out, { recursive: true });
  // The glue, and the values of this variant's constants (osb_constants), compiled from its own headers.
  const sources = [...glueSources(), writeConstantsSource(openssl.include, join(out, 'constants.c'))];
  const inputs = createHash('sha256').update(JSON.stringify([openssl.key, LINK_FLAGS, emscripten.version, exports]));
  for (const file of [...sources, ...glueHeaders()]) inputs.update(readFileSync(file));
  const key = inputs.digest('hex').slice(0, 16);

  const versionsFile = join(out, 'versions.json');
  // Types for the emscripten loader, so that TypeScript checks how src/core/module.ts uses it.
  writeFileSync(join(out, 'openssl.d.mts'), [
    `import type { ModuleFactory } from '${relative(out, join(root, 'src', 'core', 'pointers.js'))}';`,
    'declare const createOpenSSLModule: ModuleFactory;',
    'export default createOpenSSLModule;', '',
  ].join('\n'));
  writeSessionFunctions(openssl.include, out);
  if (existsSync(versionsFile) && JSON.parse(readFileSync(versionsFile, 'utf8')).inputs === key) return;

  step(`Linking the glue with OpenSSL ${variant.version} into ${out.slice(root.length + 1)}/ (emscripten ${emscripten.version})`);
  // Written again last: a link cut short leaves a module no later setup takes for linked.
  rmSync(versionsFile, { force: true });
  await linkModule(emscripten, openssl, sources, exports, out);

  const wasm = readFileSync(join(out, 'openssl.wasm'));
  const opensslv = readFileSync(join(openssl.include, 'openssl', 'opensslv.h'), 'utf8');
  const versions = {
    variant: variant.name,
    openssl: opensslv.match(/# *define OPENSSL_FULL_VERSION_STR "([^"]+)"/)?.[1] ?? variant.version,
    opensslSha256: variant.sha256,
    emscripten: emscripten.version,
    configure: JSON.parse(readFileSync(join(openssl.dir, 'complete'), 'utf8')),
    linkFlags: LINK_FLAGS,
    wasmBytes: wasm.length,
    wasmGzipBytes: gzipSync(wasm, { level: 9 }).length,
    inputs: key,
  };
  writeFileSync(versionsFile, JSON.stringify(versions, null, 2) + '\n');
  const kb = (n) => `${(n / 1024).toFixed(0)} kB`;
  console.log(`    openssl.wasm (${versions.openssl}): ${kb(versions.wasmBytes)} raw, ${kb(versions.wasmGzipBytes)} gzipped`);
  return versions;
}
