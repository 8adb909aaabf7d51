import { SandboxError } from './errors.js';
import type { GlueModule, ModuleFactory } from './pointers.js';

/** The OpenSSL builds the sandbox can run: 3.5 (LTS, the default) and 3.0. */
export type Variant = '3.5' | '3.0';
export const VARIANTS: readonly Variant[] = ['3.5', '3.0'];

// Literal paths, so that bundlers (Vite) find and copy the artifacts.
const artifacts: Record<Variant, { factory: () => Promise<{ default: ModuleFactory }>; wasm: URL }> = {
  '3.5': {
    factory: () => import('../../wasm/dist/3.5/openssl.mjs'),
    wasm: new URL('../../wasm/dist/3.5/openssl.wasm', import.meta.url),
  },
  '3.0': {
    factory: () => import('../../wasm/dist/3.0/openssl.mjs'),
    wasm: new URL('../../wasm/dist/3.0/openssl.wasm', import.meta.url),
  },
};

const compiled = new Map<Variant, Promise<{ factory: ModuleFactory; wasm: WebAssembly.Module }>>();

async function wasmBytes(url: URL): Promise<ArrayBuffer> {
  if (url.protocol === 'file:') {
    // emscripten 3.1.6's loader would fetch() a file path, which Node refuses: read it here.
    const { readFile } = await import(/* @vite-ignore */ 'node:fs/promises');
    const bytes = await readFile(url);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
  return response.arrayBuffer();
}

/** Compiles a variant's module once per JavaScript realm; every sandbox instantiates it anew. */
function compile(variant: Variant) {
  let entry = compiled.get(variant);
  if (!entry) {
    const { factory, wasm } = artifacts[variant];
    entry = Promise.all([factory(), wasmBytes(wasm).then((b) => WebAssembly.compile(b))])
      .then(([js, module]) => ({ factory: js.default, wasm: module }))
      .catch((cause: Error) => {
        compiled.delete(variant);
        throw new SandboxError('MODULE_MISSING',
          `the OpenSSL ${variant} WebAssembly module could not be loaded (${cause.message}); `
          + `build it with \`OPENSSL=${variant} npm run setup\``);
      });
    compiled.set(variant, entry);
  }
  return entry;
}

export interface LoadedModule {
  module: GlueModule;
  /** Set when the module aborted (out of memory, a trap): it cannot be used any more. */
  aborted(): string | undefined;
}

/** Instantiates a fresh module (its own heap, its own OpenSSL state) of the variant. */
export async function loadModule(variant: Variant): Promise<LoadedModule> {
  if (!VARIANTS.includes(variant)) {
    throw new SandboxError('ARGUMENT', `unknown OpenSSL variant '${String(variant)}' (choose ${VARIANTS.join(' or ')})`);
  }
  const { factory, wasm } = await compile(variant);
  let abortReason: string | undefined;
  const output: string[] = [];
  const module = await factory({
    instantiateWasm(imports, receive) {
      WebAssembly.instantiate(wasm, imports).then(receive);
      return {};
    },
    print: (text) => output.push(text),
    printErr: (text) => output.push(text),
    onAbort: (what) => { abortReason = String(what); },
  });
  return { module, aborted: () => abortReason };
}
