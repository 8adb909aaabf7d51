// Native OpenSSL as a peer: scripts/bench/handshakes.c linked with native builds of the same
// version from the same verified source (scripts/lib/openssl-native.mjs): the WebAssembly
// build's C code, generic C with 32-bit limbs (the reference), and the platform's build with
// assembly. Binaries are cached.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cached } from '../../scripts/lib/cache.mjs';
import { buildNativeOpenSSL, nativeCompiler } from '../../scripts/lib/openssl-native.mjs';
import { cacheDir, root, variantOf } from '../../scripts/lib/util.mjs';
import type { Variant } from '../../src/index.js';
import { HANDSHAKES, type Case } from './cases.js';

const exec = promisify(execFile);
const SOURCES = ['scripts/bench/handshakes.c', 'wasm/native/sandbox.c', 'wasm/glue/keys.c', 'wasm/glue/library.c', 'wasm/glue/clock.c', 'wasm/glue/ssl.c'];
const WRAP = ['-Wl,--wrap=time', '-Wl,--wrap=gettimeofday', '-Wl,--wrap=clock_gettime'];

type Build = 'same-code' | 'reference' | 'platform';

async function program(variant: Variant, build: Build): Promise<string> {
  const openssl = await buildNativeOpenSSL(variantOf(variant), build);
  const hash = createHash('sha256').update(JSON.stringify([openssl.include, openssl.libs]));
  for (const file of [...SOURCES, 'wasm/native/sandbox.h', 'wasm/glue/glue.h']) hash.update(await readFile(join(root, file)));
  const dir = join(cacheDir, 'native-bench', hash.digest('hex').slice(0, 16));
  await cached(dir, async (into: string) => {
    await exec(openssl.cc, ['-O2', '-w', `-I${openssl.include}`, `-I${join(root, 'wasm/glue')}`, `-I${join(root, 'wasm/native')}`,
      ...SOURCES.map((f) => join(root, f)), ...openssl.libs, ...WRAP, '-ldl', '-pthread', '-o', join(into, 'handshakes')]);
    return { sources: SOURCES };
  });
  return join(dir, 'handshakes');
}

export const nativePeer = (variant: Variant, build: Build) =>
  `native ${variant}, ${{ 'same-code': 'same C code', reference: '32-bit limbs', platform: 'assembly' }[build]}`;

/** The native cases of the variant (of the peers `wanted`: the others' OpenSSL is not built), or none (with the reason) when there is no C compiler. */
export async function nativeCases(variant: Variant, wanted: (peer: string) => boolean): Promise<{ cases: Case[]; skipped?: string }> {
  if (!nativeCompiler()) return { cases: [], skipped: 'no C compiler (cc, gcc or clang): native OpenSSL not measured' };
  const cases: Case[] = [];
  for (const build of ['same-code', 'reference', 'platform'] as const) {
    const peer = nativePeer(variant, build);
    if (!wanted(peer)) continue;
    const binary = await program(variant, build);
    for (const h of HANDSHAKES) {
      cases.push({
        name: h.name, peer,
        prepare: async () => async (ms) => Number((await exec(binary, [h.native, String(ms)])).stdout),
      });
    }
  }
  return { cases };
}
