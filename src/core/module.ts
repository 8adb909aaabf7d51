import { ArgumentError, SandboxError } from './errors.js';
import type { GlueModule, ModuleFactory } from './pointers.js';

/**
 * The OpenSSL lines the sandbox runs, oldest first: 1.1.1 (end of life, still in long-lived
 * distributions), 3.0 and 3.5 (LTS), 3.6 (the current 3.x) and 4.0. Each is built from a pinned
 * source: wasm/openssl-versions.json.
 */
export const VARIANTS = ['1.1', '3.0', '3.5', '3.6', '4.0'] as const;
export type Variant = (typeof VARIANTS)[number];
/** The variant a sandbox runs unless told otherwise: the current LTS line. */
export const DEFAULT_VARIANT: Variant = '3.5';

// Literal paths, so that bundlers (Vite) find and copy the artifacts. The addresses are made
// when asked for: a worker started from a blob URL (see worker/host.ts) cannot resolve against its own.
const artifacts: Record<Variant, { factory: () => Promise<{ default: ModuleFactory }>; wasm: () => URL }> = {
  '1.1': {
    factory: () => import('../../wasm/dist/1.1/openssl.mjs'),
    wasm: () => new URL('../../wasm/dist/1.1/openssl.wasm', import.meta.url),
  },
  '3.0': {
    factory: () => import('../../wasm/dist/3.0/openssl.mjs'),
    wasm: () => new URL('../../wasm/dist/3.0/openssl.wasm', import.meta.url),
  },
  '3.5': {
    factory: () => import('../../wasm/dist/3.5/openssl.mjs'),
    wasm: () => new URL('../../wasm/dist/3.5/openssl.wasm', import.meta.url),
  },
  '3.6': {
    factory: () => import('../../wasm/dist/3.6/openssl.mjs'),
    wasm: () => new URL('../../wasm/dist/3.6/openssl.wasm', import.meta.url),
  },
  '4.0': {
    factory: () => import('../../wasm/dist/4.0/openssl.mjs'),
    wasm: () => new URL('../../wasm/dist/4.0/openssl.wasm', import.meta.url),
  },
};

/** The files a sandbox loads at run time besides its JavaScript modules. */
export type SandboxFile = 'openssl.wasm' | 'worker.js';

/**
 * Says where a sandbox loads `file` from (sql.js's `locateFile` is the model). `standard` is where
 * it loads from by default: beside the package's own modules, or wherever your bundler emitted
 * it. Return another address (a CDN, another path) to load it from there instead; a relative
 * one resolves against the page. The worker script loads OpenSSL's JavaScript from beside itself.
 */
export type LocateFile = (file: SandboxFile, standard: URL, variant: Variant) => string | URL;

/** Where `file` loads from: `standard`, unless `locate` says otherwise. */
export function locate(file: SandboxFile, standard: URL, variant: Variant, locateFile?: LocateFile): URL {
  if (!locateFile) return standard;
  const answer = locateFile(file, standard, variant);
  try {
    return new URL(answer, (globalThis as { location?: { href: string } }).location?.href);
  } catch {
    throw new ArgumentError(`locateFile('${file}') returned ${JSON.stringify(String(answer))}: not a URL (a relative one needs a page to resolve against)`);
  }
}

const factories = new Map<Variant, Promise<ModuleFactory>>();
const compiled = new Map<string, Promise<WebAssembly.Module>>();

async function compile(url: URL): Promise<WebAssembly.Module> {
  if (url.protocol === 'file:') {
    // emscripten 3.1.6's loader would fetch() a file path, which Node refuses: read it here.
    // Asked of the runtime rather than imported, so that no bundler tries to follow it.
    const { readFile } = process.getBuiltinModule('node:fs/promises');
    const bytes = await readFile(url);
    return WebAssembly.compile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
  // Compiled as the bytes arrive, and, in Chromium, kept in the browser's code cache for the next
  // visit: both only for a response served as application/wasm (a host that says otherwise still works).
  if (response.headers.get('Content-Type')?.split(';')[0].trim() === 'application/wasm') return WebAssembly.compileStreaming(response);
  return WebAssembly.compile(await response.arrayBuffer());
}

/** Refuses a variant this package has no build of, with an ArgumentError naming those it has. */
export function checkVariant(variant: unknown): asserts variant is Variant {
  if (!VARIANTS.includes(variant as Variant)) {
    throw new ArgumentError(`unknown OpenSSL variant ${JSON.stringify(variant)} (choose ${VARIANTS.join(', ')})`);
  }
}

/** Loads once per JavaScript realm; a failure is not cached, so a later build can be picked up. */
function once<K, T>(cache: Map<K, Promise<T>>, key: K, variant: Variant, load: () => Promise<T>): Promise<T> {
  let entry = cache.get(key);
  if (!entry) {
    entry = load().catch((cause: Error) => {
      cache.delete(key);
      throw new SandboxError('MODULE_MISSING',
        `the OpenSSL ${variant} WebAssembly module could not be loaded (${cause.message}); `
        + `build it with \`OPENSSL=${variant} npm run setup\``);
    });
    cache.set(key, entry);
  }
  return entry;
}

/**
 * The variant's compiled WebAssembly module, compiled once per realm and address. It can be
 * posted to a worker, which then skips compiling it again.
 */
export async function compiledModule(variant: Variant, locateFile?: LocateFile): Promise<WebAssembly.Module> {
  checkVariant(variant);
  const url = locate('openssl.wasm', artifacts[variant].wasm(), variant, locateFile);
  return once(compiled, `${variant} ${url.href}`, variant, () => compile(url));
}

export interface LoadedModule {
  module: GlueModule;
  /** Set when the module aborted (out of memory, a trap): it cannot be used any more. */
  aborted(): string | undefined;
}

/** Instantiates a fresh module (its own heap, its own OpenSSL state) of the variant, from `precompiled` when given. */
export async function loadModule(variant: Variant, precompiled?: WebAssembly.Module | Promise<WebAssembly.Module>): Promise<LoadedModule> {
  checkVariant(variant);
  const [factory, wasm] = await Promise.all([
    once(factories, variant, variant, () => artifacts[variant].factory().then((js) => js.default)),
    precompiled ?? compiledModule(variant),
  ]);
  let abortReason: string | undefined;
  const module = await factory({
    instantiateWasm(imports, receive) {
      WebAssembly.instantiate(wasm, imports).then(receive);
      return {};
    },
    // The .wasm comes compiled: this only stops the glue from resolving its own address, which
    // fails in a worker started from a blob URL.
    locateFile: (file) => file,
    // OpenSSL writes nothing the sandbox shows (errors come through the error queue).
    print: () => {},
    printErr: () => {},
    onAbort: (what) => { abortReason = String(what); },
  });
  return { module, aborted: () => abortReason };
}
