// The caller's side of a sandbox worker: starts it (Web Worker in browsers, worker_threads
// in Node), wraps the engine it exposes, and makes every call fail cleanly once it dies.
import { expose, transfer, wrap, type Endpoint } from 'comlink/dist/esm/comlink.mjs';
import { compiledModule, locate, type LocateFile, type Variant } from '../core/module.js';
import type { EngineOptions } from '../sandbox/engine.js';
import { Lifetime, type Transport } from '../sandbox/transport.js';
import type { WorkerApi } from './entry.js';
import { unwrap } from './errors.js';

interface Spawned {
  endpoint: Endpoint;
  terminate(): void;
  /** Whether the worker keeps Node's event loop alive: only while a call is pending (a forgotten sandbox must not hold the process). */
  hold(busy: boolean): void;
  /** Calls `onDeath` once if the worker fails or exits. */
  watch(onDeath: (reason: string) => void): void;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

/**
 * The worker script's address, as bundlers see it: they recognise `new Worker(new URL(…,
 * import.meta.url))`, bundle the worker and rewrite the address (Vite, webpack). This `Worker`
 * only records that address, so that locateFile can move it before the real worker starts.
 */
function standardWorkerScript(): URL {
  class Worker {
    constructor(readonly url: URL, readonly options: WorkerOptions) {}
  }
  return new Worker(new URL('./entry.js', import.meta.url), { type: 'module' }).url;
}

let bundledEntry: Promise<URL> | undefined;

/**
 * From the TypeScript sources (tests, tsx in a checkout): the worker entry bundled into one
 * JavaScript file, once per process (esbuild, a devDependency), so that each worker starts
 * without compiling TypeScript. The file is named by its content's hash, so that processes share it.
 */
function bundleOnce(entry: URL): Promise<URL> {
  bundledEntry ??= (async () => {
    // Imported by address, not by name: the package's bundlers must not follow a checkout's tool.
    const esbuild = await import(import.meta.resolve('esbuild')) as { build(options: object): Promise<{ outputFiles: { contents: Uint8Array }[] }> };
    const { outputFiles: [bundle] } = await esbuild.build({
      entryPoints: [process.getBuiltinModule('node:url').fileURLToPath(entry)], bundle: true, format: 'esm', platform: 'node', write: false, logLevel: 'silent',
    });
    const { createHash } = process.getBuiltinModule('node:crypto');
    const { existsSync, renameSync, writeFileSync } = process.getBuiltinModule('node:fs');
    const hash = createHash('sha256').update(bundle.contents).digest('hex').slice(0, 16);
    const file = new URL(`openssl-wasm-sandbox-worker-${hash}.mjs`, process.getBuiltinModule('node:url').pathToFileURL(`${process.getBuiltinModule('node:os').tmpdir()}/`));
    if (!existsSync(file)) {
      const partial = new URL(`${file.href}.${process.pid}`);
      writeFileSync(partial, bundle.contents);
      renameSync(partial, file); // whole or absent, for the other processes
    }
    return file;
  })();
  bundledEntry.catch(() => { bundledEntry = undefined; });
  return bundledEntry;
}

async function spawnNode(script: URL): Promise<Spawned> {
  // worker_threads is asked of the runtime rather than imported, so that no bundler tries to follow it.
  const { Worker } = process.getBuiltinModule('node:worker_threads');
  const { default: nodeEndpoint } = await import('comlink/dist/esm/node-adapter.mjs');
  // None of the parent's Node options: the worker runs plain JavaScript (the built entry, or the
  // sources bundled once) and needs none, and Node refuses some of them for a worker read from a
  // file: --input-type (a parent started as `node --input-type=module -e …`), --expose-gc, V8's.
  const worker = new Worker(script.pathname.endsWith('.ts') ? await bundleOnce(script) : script, { execArgv: [] });
  return {
    endpoint: nodeEndpoint(worker as never),
    terminate: () => void worker.terminate(),
    hold: (busy) => (busy ? worker.ref() : worker.unref()),
    watch(onDeath) {
      worker.once('error', (e) => onDeath(`the worker failed: ${e.message}`));
      worker.once('exit', (code) => onDeath(`the worker exited (code ${code})`));
    },
  };
}

function spawnBrowser(script: URL): Spawned {
  // Browsers refuse a worker script from another origin (a CDN): a same-origin blob worker
  // imports it instead, which the script's server must allow (CORS), as for the .wasm.
  const crossOrigin = script.origin !== globalThis.location?.origin;
  const address = crossOrigin
    ? URL.createObjectURL(new Blob([`import ${JSON.stringify(script.href)};`], { type: 'text/javascript' }))
    : script;
  const worker = new Worker(address, { type: 'module' });
  return {
    endpoint: worker,
    terminate: () => {
      worker.terminate();
      if (crossOrigin) URL.revokeObjectURL(address as string);
    },
    hold: () => {}, // a page's workers never keep anything alive
    watch(onDeath) {
      worker.addEventListener('error', (e) => onDeath(`the worker failed: ${e.message || 'error event'}`), { once: true });
    },
  };
}

/** Starts a worker running OpenSSL `variant` and returns the engine behind it. */
export async function startWorker(variant: Variant, options: EngineOptions, locateFile?: LocateFile): Promise<Transport> {
  // Compiled here once and posted to each worker, which then only instantiates it; the worker's
  // code loads meanwhile.
  const spawn = async () => {
    // From the TypeScript sources (tests, tsx) the entry is entry.ts beside this file.
    const standard = isNode && import.meta.url.endsWith('.ts') ? new URL(import.meta.url.replace(/host\.ts$/, 'entry.ts')) : standardWorkerScript();
    const script = locate('worker.js', standard, variant, locateFile);
    return isNode ? spawnNode(script) : spawnBrowser(script);
  };
  const [compiling, spawning] = await Promise.allSettled([compiledModule(variant, locateFile), spawn()]);
  if (compiling.status === 'rejected') {
    if (spawning.status === 'fulfilled') spawning.value.terminate();
    throw compiling.reason;
  }
  if (spawning.status === 'rejected') throw spawning.reason;
  const [compiled, spawned] = [compiling.value, spawning.value];
  const life = new Lifetime();
  spawned.watch((reason) => life.end('WORKER_DEAD', reason));

  const api = wrap<WorkerApi>(spawned.endpoint);
  await life.guard(async () => unwrap(await api.create(variant, options, compiled))).catch((error: unknown) => {
    spawned.terminate(); // an engine that could not start (a refused option, say) leaves no worker behind
    throw error;
  });
  let pending = 0;
  spawned.hold(false);
  return {
    engine: life.api(async (name, args) => {
      if (pending++ === 0) spawned.hold(true);
      try {
        return unwrap(await api.call(name, ...args));
      } finally {
        if (--pending === 0) spawned.hold(false);
      }
    }),
    // A channel of its own, exposing `fn`; unref'd in Node: it carries calls only while one of
    // the sandbox's calls is pending, and then the worker holds the process.
    callback: (fn) => {
      const { port1, port2 } = new MessageChannel();
      expose(fn, port1);
      (port1 as { unref?(): void }).unref?.();
      return transfer(port2, [port2]) as unknown as typeof fn;
    },
    // A copy of the view's own bytes moves: the caller's buffer (a pooled Buffer's, a subarray's) stays whole.
    bytes: (data) => {
      const copy = new Uint8Array(data);
      return transfer(copy, [copy.buffer]);
    },
    terminate: () => {
      life.end('TERMINATED', 'terminated');
      spawned.terminate();
    },
  };
}
