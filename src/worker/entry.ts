// The worker side: loads OpenSSL and exposes an Engine through comlink. One worker per sandbox.
import { expose, proxy, transfer, type Endpoint } from 'comlink/dist/esm/comlink.mjs';
import type { Variant } from '../core/module.js';
import { OpenSSL } from '../core/openssl.js';
import { Engine, type EngineOptions } from '../sandbox/engine.js';
import { callEngine, isEngineMethod } from '../sandbox/transport.js';
import { answer } from './errors.js';

/**
 * The engine's methods as callEngine runs them (an abort becomes a typed error), failures
 * answered as marked values (./errors.ts); bytes they
 * return (serialized sessions) move to the caller instead of being copied.
 */
function exposed(engine: Engine): Engine {
  return new Proxy(engine, {
    get(target, name, receiver) {
      if (!isEngineMethod(name)) return Reflect.get(target, name, receiver);
      return (...args: unknown[]) => answer(async () => {
        const result = await callEngine(target, name, args);
        return result instanceof Uint8Array ? transfer(result, [result.buffer]) : result;
      });
    },
  });
}

export const workerApi = {
  create(variant: Variant, options: EngineOptions, compiled?: WebAssembly.Module) {
    return answer(async () => proxy(exposed(new Engine(await OpenSSL.load(variant, compiled), options))));
  },
};
export type WorkerApi = typeof workerApi;

async function parentEndpoint(): Promise<Endpoint> {
  if (typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined') {
    return globalThis as unknown as Endpoint;
  }
  const [{ parentPort }, { default: nodeEndpoint }] = await Promise.all([
    import(/* @vite-ignore */ 'node:worker_threads'),
    import('comlink/dist/esm/node-adapter.mjs'),
  ]);
  return nodeEndpoint(parentPort as never);
}

expose(workerApi, await parentEndpoint());
