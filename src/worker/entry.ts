// The worker side: loads OpenSSL and exposes an Engine through comlink. One worker per sandbox.
import { expose, transfer, wrap, type Endpoint } from 'comlink/dist/esm/comlink.mjs';
import { ArgumentError } from '../core/errors.js';
import type { Variant } from '../core/module.js';
import { OpenSSL } from '../core/openssl.js';
import { Engine, type EngineOptions } from '../sandbox/engine.js';
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
      engine = new Engine(await OpenSSL.load(variant, compiled), options);
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
