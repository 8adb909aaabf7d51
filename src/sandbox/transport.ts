import type { Engine } from './engine.js';

/** The engine as the public API sees it: every method asynchronous, whether it runs here or in a worker. */
export type EngineApi = { [K in keyof Engine]: Engine[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<Awaited<R>> : never };

/** How a sandbox reaches its engine: in this thread, or in a worker. */
export interface Transport {
  engine: EngineApi;
  /** Prepares a function the engine will call back (a comlink proxy across a worker). */
  callback<F extends (...args: never[]) => unknown>(fn: F): F;
  /** Prepares bytes to cross to the engine: a worker receives them by transfer (the caller's copy is detached). */
  bytes(data: Uint8Array): Uint8Array;
  terminate(): void;
}

/** Runs `engine` in this thread behind the same asynchronous interface a worker offers. */
export function inProcess(engine: Engine): Transport {
  return {
    engine: new Proxy({} as EngineApi, {
      get: (_, name: keyof Engine) => async (...args: unknown[]) =>
        (engine[name] as (...a: unknown[]) => unknown).apply(engine, args),
    }),
    callback: (fn) => fn,
    bytes: (data) => data,
    terminate: () => engine.dispose(),
  };
}
