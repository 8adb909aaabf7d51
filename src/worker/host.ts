// The caller's side of a sandbox worker: starts it (Web Worker in browsers, worker_threads
// in Node), wraps the engine it exposes, and makes every call fail cleanly once it dies.
import { proxy, transfer, wrap, type Endpoint, type Remote } from 'comlink/dist/esm/comlink.mjs';
import { SandboxError } from '../core/errors.js';
import type { Variant } from '../core/module.js';
import type { Engine } from '../sandbox/engine.js';
import type { EngineApi, Transport } from '../sandbox/transport.js';
import type { WorkerApi } from './entry.js';
import { installErrorTransfer } from './errors.js';

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
  const worker = new Worker(new URL('./entry.ts', import.meta.url), { type: 'module' });
  return {
    endpoint: worker,
    terminate: () => worker.terminate(),
    watch(onDeath) {
      worker.addEventListener('error', (e) => onDeath(`the worker failed: ${e.message || 'error event'}`), { once: true });
    },
  };
}

/** Starts a worker running OpenSSL `variant` and returns the engine behind it. */
export async function startWorker(variant: Variant): Promise<Transport> {
  installErrorTransfer();
  const spawned = isNode ? await spawnNode() : spawnBrowser();
  let death: string | undefined;
  const pending = new Set<(error: Error) => void>();
  const dead = () => new SandboxError('WORKER_DEAD', `the sandbox worker is gone (${death}); call restart() to start a new one`);
  spawned.watch((reason) => {
    if (death !== undefined) return;
    death = reason;
    for (const reject of pending) reject(dead());
    pending.clear();
  });

  /** Settles with the call, or rejects as soon as the worker dies: a pending call never hangs. */
  const guard = <T>(call: () => Promise<T>): Promise<T> => {
    if (death !== undefined) return Promise.reject(dead());
    return new Promise<T>((resolve, reject) => {
      pending.add(reject);
      call().then(resolve, reject).finally(() => pending.delete(reject));
    });
  };

  const api = wrap<WorkerApi>(spawned.endpoint);
  const remote = (await guard(() => api.create(variant))) as unknown as Remote<Engine>;
  const engine = new Proxy({} as EngineApi, {
    get: (_, name: string) => (...args: unknown[]) =>
      guard(() => (remote[name as keyof Engine] as unknown as (...a: unknown[]) => Promise<unknown>)(...args)),
  });
  return {
    engine,
    callback: (fn) => proxy(fn),
    bytes: (data) => transfer(data, [data.buffer]),
    terminate: () => {
      death ??= 'terminated';
      spawned.terminate();
    },
  };
}
