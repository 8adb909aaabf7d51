// The worker side: loads OpenSSL and exposes an Engine through comlink. One sandbox at a time:
// create() starts a fresh engine (a new module instance) in place of the last one (host.ts's WorkerPool).
import { expose, transfer, wrap, type Endpoint } from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { ArgumentError, SandboxError } from '../core/errors.js';
import type { Variant } from '../core/module.js';
import type { Engine, EngineOptions } from '../sandbox/engine.js';
import { startEngine } from '../sandbox/start.js';
import { callEngine, isEngineMethod } from '../sandbox/transport.js';
import { answer } from './errors.js';

let engine: Engine | undefined;

/** A function of the caller's arrives as the port of a channel (see host.ts's callback()): it becomes a comlink proxy here. */
const received = (arg: unknown) => (typeof MessagePort !== 'undefined' && arg instanceof MessagePort ? wrap(arg) : arg);

/**
 * The worker's one engine, on the worker's own endpoint (no second channel that would keep Node's
 * event loop alive). Each method runs as callEngine runs it (an abort becomes a typed error);
 * failures are answered as marked values (./errors.ts); bytes returned (serialized sessions)
 * move to the caller instead of being copied.
 */
export const workerApi = {
  create(variant: Variant, options: EngineOptions, compiled?: WebAssembly.Module) {
    return answer(async () => {
      engine = await startEngine(variant, compiled, options);
    });
  },
  call(name: string, ...args: unknown[]) {
    return answer(async () => {
      if (!engine || !isEngineMethod(name)) throw new ArgumentError(`the sandbox's worker has no method ${JSON.stringify(name)}`);
      const result = await callEngine(engine, name, args.map(received));
      return result instanceof Uint8Array ? transfer(result, [result.buffer]) : result;
    });
  },
};
export type WorkerApi = typeof workerApi;

/**
 * Where the caller's messages arrive: the Web Worker's own scope, or Node's parentPort. Found
 * without top-level await, so that bundlers may emit this worker in any format (Vite's default
 * is a classic script, which cannot hold one).
 */
function parentEndpoint(): Endpoint {
  if (typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined') {
    return globalThis as unknown as Endpoint;
  }
  // Asked of the runtime rather than imported, so that no bundler tries to follow it.
  const threads = typeof process === 'undefined' ? undefined : process.getBuiltinModule('node:worker_threads');
  if (!threads?.parentPort) {
    throw new SandboxError('NOT_A_WORKER',
      'openssl-wasm-sandbox/worker is the script a sandbox runs in its worker, not a module to import: '
      + "call createSandbox() of the package's main entry point ('openssl-wasm-sandbox'), which starts this worker itself");
  }
  return nodeEndpoint(threads.parentPort as never);
}

expose(workerApi, parentEndpoint());
