// The caller's side of a sandbox worker: starts it (Web Worker in browsers, worker_threads
// in Node), wraps the engine it exposes, and makes every call fail cleanly once it dies.
import { expose, transfer, wrap, type Endpoint, type Remote } from 'comlink/dist/esm/comlink.mjs';
import { compiledModule, locate, type LocateFile, type Variant } from '../core/module.js';
import type { EngineOptions } from '../sandbox/engine.js';
import { Lifetime, type StartWorker, type Transport } from '../sandbox/transport.js';
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

/** A worker thread and the comlink proxy of its API; `life` is the lifetime of the sandbox it runs now. */
interface Thread {
  spawned: Spawned;
  api: Remote<WorkerApi>;
  script: string;
  life?: Lifetime;
  dead?: boolean;
}

function workerScript(variant: Variant, locateFile?: LocateFile): URL {
  // From the TypeScript sources (tests, tsx) the entry is entry.ts beside this file.
  const standard = isNode && import.meta.url.endsWith('.ts') ? new URL(import.meta.url.replace(/host\.ts$/, 'entry.ts')) : standardWorkerScript();
  return locate('worker.js', standard, variant, locateFile);
}

/** Starts a worker thread running `script` while `variant`'s module compiles (it is posted to the worker, which only instantiates it). */
async function startThread(script: URL, variant: Variant, locateFile?: LocateFile): Promise<{ thread: Thread; compiled: WebAssembly.Module }> {
  const spawn = async () => (isNode ? spawnNode(script) : spawnBrowser(script));
  const [compiling, spawning] = await Promise.allSettled([compiledModule(variant, locateFile), spawn()]);
  if (compiling.status === 'rejected') {
    if (spawning.status === 'fulfilled') spawning.value.terminate();
    throw compiling.reason;
  }
  if (spawning.status === 'rejected') throw spawning.reason;
  const spawned = spawning.value;
  const thread: Thread = { spawned, script: script.href, api: wrap<WorkerApi>(spawned.endpoint) };
  spawned.watch((reason) => {
    thread.dead = true;
    thread.life?.end('WORKER_DEAD', reason);
  });
  return { thread, compiled: compiling.value };
}

/**
 * A fresh engine (its own module instance, seeded by `options`) in `thread`. `end(thread, busy)`
 * runs once, when the transport is terminated, `busy` when a call was still running then.
 */
async function startEngineIn(thread: Thread, compiled: WebAssembly.Module, variant: Variant, options: EngineOptions,
  end: (thread: Thread, busy: boolean) => void): Promise<Transport> {
  const { spawned, api } = thread;
  const life = new Lifetime();
  thread.life = life;
  spawned.hold(true); // a kept thread is unref'd, and the engine's start is a pending call
  await life.guard(async () => unwrap(await api.create(variant, options, compiled))).catch((error: unknown) => {
    end(thread, true); // an engine that could not start (a refused option, say) leaves no worker behind
    throw error;
  });
  let pending = 0;
  let ended = false;
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
      if (ended) return;
      ended = true;
      if (thread.life === life) thread.life = undefined;
      end(thread, pending > 0);
    },
  };
}

/** Starts a worker running OpenSSL `variant` and returns the engine behind it; terminating it ends the worker. */
export async function startWorker(variant: Variant, options: EngineOptions, locateFile?: LocateFile): Promise<Transport> {
  const { thread, compiled } = await startThread(workerScript(variant, locateFile), variant, locateFile);
  return startEngineIn(thread, compiled, variant, options, () => thread.spawned.terminate());
}

/**
 * Worker threads kept for one sandbox after another (the CLI's scenarios and ssl-tests files): starting a thread
 * costs more than running a scenario. Each sandbox still gets a fresh module instance of its
 * own; only the thread and the compiled module are reused. A sandbox terminated while a call
 * runs in it (a scenario past its time budget) takes its thread with it: the next sandbox gets
 * a new one. There are as many threads as sandboxes ever alive at once; close() ends them.
 */
export class WorkerPool {
  readonly #idle: Thread[] = [];
  readonly #threads = new Set<Thread>();
  /** How many threads it has started, and how many run now. */
  started = 0;
  get running(): number {
    return this.#threads.size;
  }

  /** A StartWorker (createSandbox's second argument) whose sandboxes run in the pool's threads. */
  readonly start: StartWorker = async (variant, options, locateFile) => {
    const script = workerScript(variant, locateFile);
    let thread = this.#take(script.href);
    let compiled: WebAssembly.Module;
    if (thread) compiled = await compiledModule(variant, locateFile);
    else {
      ({ thread, compiled } = await startThread(script, variant, locateFile));
      this.started++;
      this.#threads.add(thread);
    }
    return startEngineIn(thread, compiled, variant, options, (done, busy) => {
      if (busy || done.dead) this.#end(done);
      else this.#idle.push(done);
    });
  };

  /** Ends every thread (a sandbox still running in one fails as terminate() makes it). */
  close(): void {
    for (const thread of this.#threads) {
      thread.life?.end('TERMINATED', 'terminated');
      this.#end(thread);
    }
  }

  #take(script: string): Thread | undefined {
    for (const dead of this.#idle.filter((t) => t.dead)) this.#end(dead);
    const at = this.#idle.findIndex((t) => t.script === script);
    return at < 0 ? undefined : this.#idle.splice(at, 1)[0];
  }

  #end(thread: Thread): void {
    this.#threads.delete(thread);
    const at = this.#idle.indexOf(thread);
    if (at >= 0) this.#idle.splice(at, 1);
    thread.spawned.terminate();
  }
}
