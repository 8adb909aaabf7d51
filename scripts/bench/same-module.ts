// The sandbox measured against itself: scripts/bench/handshakes.c's C loop linked into a
// bench-only build of the variant's module (the glue and the same cached OpenSSL libraries, one
// export more: osb_bench_handshake), so that "sandbox API / same module's C loop" is what the
// TypeScript layer costs. The shipped module never contains the loop. Linking is not an OpenSSL
// build: without the variant's cached WebAssembly OpenSSL the peer is skipped.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cached } from '../../scripts/lib/cache.mjs';
import { glueHeaders, glueSources, writeBindings } from '../../scripts/lib/glue-bindings.mjs';
import { distDir, linkModule } from '../../scripts/lib/module-build.mjs';
import { buildOpenSSL } from '../../scripts/lib/openssl-build.mjs';
import { ensureEmscripten } from '../../scripts/lib/toolchain.mjs';
import { cacheDir, root, variantOf } from '../../scripts/lib/util.mjs';
import type { ModuleFactory } from '../../src/core/pointers.js';
import type { Variant } from '../../src/index.js';
import { HANDSHAKES, repeat, type Case } from './cases.js';

const LOOP = ['scripts/bench/handshakes.c', 'wasm/native/sandbox.c'].map((f) => join(root, f));

export const sameModulePeer = (variant: Variant) => `WASM ${variant} C loop`;

/** Links (once, cached) the bench module of `variant`; returns its folder, or why it cannot. */
async function benchModule(variant: Variant): Promise<string | { skipped: string }> {
  const emcc = await ensureEmscripten();
  const openssl = await buildOpenSSL(variantOf(variant), emcc, { cachedOnly: true });
  if (!openssl) return { skipped: `${sameModulePeer(variant)}: no cached WebAssembly OpenSSL ${variant} (run OPENSSL=${variant} node scripts/setup.mjs)` };
  const exports = [...writeBindings(), '_malloc', '_free', '_osb_bench_handshake'];
  // The variant's constants, as its last link wrote them (osb_constants).
  const sources = [...glueSources(), join(distDir(variantOf(variant)), 'constants.c'), ...LOOP];
  // The loop feeds no trace: the glue's wire reports nothing to JavaScript (there are no osbHooks to take it).
  const defines = ['OSB_UNWATCHED_WIRE'];
  const hash = createHash('sha256').update(JSON.stringify([openssl.key, emcc.version, exports, defines]));
  for (const file of [...sources, ...glueHeaders(), join(root, 'wasm/native/sandbox.h')]) hash.update(await readFile(file));
  const dir = join(cacheDir, 'bench-module', `${variant}-${hash.digest('hex').slice(0, 16)}`);
  await cached(dir, async (into: string) => {
    await linkModule(emcc, openssl, sources, exports, into, [join(root, 'wasm/native')], defines);
    return { variant, emcc: emcc.version };
  });
  return dir;
}

type BenchModule = { _osb_bench_handshake(which: number): number };

/** The C loop's cases of the variant, or none (with the reason). */
export async function sameModuleCases(variant: Variant): Promise<{ cases: Case[]; skipped?: string }> {
  const dir = await benchModule(variant);
  if (typeof dir !== 'string') return { cases: [], skipped: dir.skipped };
  const factory = (await import(pathToFileURL(join(dir, 'openssl.mjs')).href)).default as ModuleFactory;
  const wasm = await WebAssembly.compile(await readFile(join(dir, 'openssl.wasm')));
  const module = await factory({
    instantiateWasm(imports, receive) {
      WebAssembly.instantiate(wasm, imports).then(receive);
      return {};
    },
    locateFile: (file) => file, print: () => {}, printErr: () => {},
  }) as unknown as BenchModule;
  const peer = sameModulePeer(variant);
  return {
    cases: HANDSHAKES.map((h, which) => ({
      name: h.name, peer,
      // Warmed up and timed as the sandbox's own cases are (one handshake per operation).
      prepare: () => repeat(async () => {
        if (!module._osb_bench_handshake(which)) throw new Error(`${peer}: ${h.name} failed`);
      }),
    })),
  };
}
