import { ArgumentError, SandboxError } from './errors.js';
import type { GlueModule, ModuleFactory } from './pointers.js';

/**
 * The OpenSSL lines the sandbox runs, oldest first: 3.0 and 3.5 (LTS). Each is built from a
 * pinned source: wasm/openssl-versions.json.
 */
export const VARIANTS = ['3.0', '3.5'] as const;
export type Variant = (typeof VARIANTS)[number];
/** The variant a sandbox runs unless told otherwise: the current LTS line. */
export const DEFAULT_VARIANT: Variant = '3.5';

// Literal paths, so that bundlers (Vite) find and copy the artifacts.
const artifacts: Record<Variant, { factory: () => Promise<{ default: ModuleFactory }>; wasm: URL }> = {
  '3.0': {
    factory: () => import('../../wasm/dist/3.0/openssl.mjs'),
    wasm: new URL('../../wasm/dist/3.0/openssl.wasm', import.meta.url),
  },
  '3.5': {
    factory: () => import('../../wasm/dist/3.5/openssl.mjs'),
    wasm: new URL('../../wasm/dist/3.5/openssl.wasm', import.meta.url),
  },
};

const factories = new Map<Variant, Promise<ModuleFactory>>();
const compiled = new Map<Variant, Promise<WebAssembly.Module>>();

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

/** Refuses a variant this package has no build of, with an ArgumentError naming those it has. */
export function checkVariant(variant: unknown): asserts variant is Variant {
  if (!VARIANTS.includes(variant as Variant)) {
    throw new ArgumentError(`unknown OpenSSL variant ${JSON.stringify(variant)} (choose ${VARIANTS.join(', ')})`);
  }
}

/** Loads once per JavaScript realm; a failure is not cached, so a later build can be picked up. */
function once<T>(cache: Map<Variant, Promise<T>>, variant: Variant, load: () => Promise<T>): Promise<T> {
  let entry = cache.get(variant);
  if (!entry) {
    entry = load().catch((cause: Error) => {
      cache.delete(variant);
      throw new SandboxError('MODULE_MISSING',
        `the OpenSSL ${variant} WebAssembly module could not be loaded (${cause.message}); `
        + `build it with \`OPENSSL=${variant} npm run setup\``);
    });
    cache.set(variant, entry);
  }
  return entry;
}

/**
 * The variant's compiled WebAssembly module, compiled once per realm. It can be posted to a
 * worker, which then skips compiling it again.
 */
export function compiledModule(variant: Variant): Promise<WebAssembly.Module> {
  checkVariant(variant);
  return once(compiled, variant, () => wasmBytes(artifacts[variant].wasm).then((b) => WebAssembly.compile(b)));
}

export interface LoadedModule {
  module: GlueModule;
  /** Set when the module aborted (out of memory, a trap): it cannot be used any more. */
  aborted(): string | undefined;
}

/** Instantiates a fresh module (its own heap, its own OpenSSL state) of the variant, from `precompiled` when given. */
export async function loadModule(variant: Variant, precompiled?: WebAssembly.Module): Promise<LoadedModule> {
  checkVariant(variant);
  const [factory, wasm] = await Promise.all([
    once(factories, variant, () => artifacts[variant].factory().then((js) => js.default)),
    precompiled ?? compiledModule(variant),
  ]);
  let abortReason: string | undefined;
  const module = await factory({
    instantiateWasm(imports, receive) {
      WebAssembly.instantiate(wasm, imports).then(receive);
      return {};
    },
    // OpenSSL writes nothing the sandbox shows (errors come through the error queue).
    print: () => {},
    printErr: () => {},
    onAbort: (what) => { abortReason = String(what); },
  });
  return { module, aborted: () => abortReason };
}
