// The caller's side of a sandbox worker: starts it (Web Worker in browsers, worker_threads
// in Node), wraps the engine it exposes, and makes every call fail cleanly once it dies.
import { proxy, transfer, wrap, type Endpoint, type Remote } from 'comlink/dist/esm/comlink.mjs';
import { compiledModule, type Variant } from '../core/module.js';
import type { Engine, EngineOptions } from '../sandbox/engine.js';
import { Lifetime, type Transport } from '../sandbox/transport.js';
import type { WorkerApi } from './entry.js';
import { unwrap } from './errors.js';

interface Spawned {
  endpoint: Endpoint;
  terminate(): void;
  /** Calls `onDeath` once if the worker fails or exits. */
  watch(onDeath: (reason: string) => void): void;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

async function spawnNode(): Promise<Spawned> {
  const [{ Worker }, { default: nodeEndpoint }] = await Promise.all([
    import(/* @vite-ignore */ 'node:worker_threads'),
    import('comlink/dist/esm/node-adapter.mjs'),
  ]);
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './entry.ts' : './entry.js', import.meta.url);
  // Running from TypeScript sources (tests, tsx), the worker registers tsx before loading its entry.
  const worker = fromSource
    ? new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`, { eval: true })
    : new Worker(entry);
  return {
    endpoint: nodeEndpoint(worker as never),
    terminate: () => void worker.terminate(),
    watch(onDeath) {
      worker.once('error', (e) => onDeath(`the worker failed: ${e.message}`));
      worker.once('exit', (code) => onDeath(`the worker exited (code ${code})`));
    },
  };
}

function spawnBrowser(): Spawned {
  // './entry.js' is the compiled worker in the package; Vite resolves it to entry.ts in the sources.
  const worker = new Worker(new URL('./entry.js', import.meta.url), { type: 'module' });
  return {
    endpoint: worker,
    terminate: () => worker.terminate(),
    watch(onDeath) {
      worker.addEventListener('error', (e) => onDeath(`the worker failed: ${e.message || 'error event'}`), { once: true });
    },
  };
}

/** Starts a worker running OpenSSL `variant` and returns the engine behind it. */
export async function startWorker(variant: Variant, options: EngineOptions): Promise<Transport> {
  // Compiled here once and posted to each worker, which then only instantiates it; the worker's
  // code loads meanwhile.
  const [compiling, spawning] = await Promise.allSettled([compiledModule(variant), isNode ? spawnNode() : spawnBrowser()]);
  if (compiling.status === 'rejected') {
    if (spawning.status === 'fulfilled') spawning.value.terminate();
    throw compiling.reason;
  }
  if (spawning.status === 'rejected') throw spawning.reason;
  const [compiled, spawned] = [compiling.value, spawning.value];
  const life = new Lifetime();
  spawned.watch((reason) => life.end('WORKER_DEAD', reason));

  const api = wrap<WorkerApi>(spawned.endpoint);
  const remote = (await life.guard(async () => unwrap(await api.create(variant, options, compiled))).catch((error: unknown) => {
    spawned.terminate(); // an engine that could not start (a refused option, say) leaves no worker behind
    throw error;
  })) as unknown as Remote<Engine>;
  return {
    engine: life.api(async (name, args) => unwrap(await (remote[name] as unknown as (...a: unknown[]) => Promise<unknown>)(...args))),
    callback: (fn) => proxy(fn),
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
