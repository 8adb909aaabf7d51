import { SandboxError } from '../core/errors.js';
import type { LocateFile, Variant } from '../core/module.js';
import { Engine, asCall, type EngineOptions } from './engine.js';

/** The engine as the public API sees it: every method asynchronous, whether it runs here or in a worker. */
export type EngineApi = { [K in keyof Engine]: Engine[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<Awaited<R>> : never };

/** How a sandbox reaches its engine: in this thread, or in a worker. */
export interface Transport {
  engine: EngineApi;
  /** Prepares a function the engine will call back (a comlink proxy across a worker). */
  callback<F extends (...args: never[]) => unknown>(fn: F): F;
  /** Prepares bytes to cross to the engine: a worker receives a copy of the view's bytes (the caller's stay as they are). */
  bytes(data: Uint8Array): Uint8Array;
  /** Ends it at once: pending calls reject, later calls too. */
  terminate(): void;
}

/**
 * Starts an engine running OpenSSL `variant` in a worker. The sandbox does not know its
 * transport: src/worker's createSandbox() passes its own startWorker.
 */
export type StartWorker = (variant: Variant, options: EngineOptions, locateFile?: LocateFile) => Promise<Transport>;

/**
 * The life of a transport. Once it ends (terminate(), a worker that died), every pending
 * call rejects at once and every later call rejects with the same clear error: nothing hangs.
 */
export class Lifetime {
  #death: SandboxError | undefined;
  readonly #pending = new Set<(error: Error) => void>();

  end(code: 'TERMINATED' | 'WORKER_DEAD', reason: string): void {
    if (this.#death) return;
    this.#death = new SandboxError(code, `the sandbox is gone (${reason}); call restart() to start a new one`);
    for (const reject of this.#pending) reject(this.#death);
    this.#pending.clear();
  }

  /** Settles with the call, or rejects as soon as the transport ends. */
  guard<T>(call: () => Promise<T>): Promise<T> {
    if (this.#death) return Promise.reject(this.#death);
    return new Promise<T>((resolve, reject) => {
      this.#pending.add(reject);
      call().then(resolve, reject).finally(() => this.#pending.delete(reject));
    });
  }

  /**
   * An EngineApi whose every method calls `invoke(name, args)` under this lifetime. Only the
   * engine's methods exist on it: not `then` (it is no promise) nor `toJSON`.
   */
  api(invoke: (name: keyof Engine, args: unknown[]) => Promise<unknown>): EngineApi {
    return new Proxy({} as EngineApi, {
      get: (_, name) => (isEngineMethod(name) ? (...args: unknown[]) => this.guard(() => invoke(name, args)) : undefined),
    });
  }
}

const ENGINE_METHODS = new Set(Object.getOwnPropertyNames(Engine.prototype).filter((n) => n !== 'constructor'));
export const isEngineMethod = (name: string | symbol): name is keyof Engine => typeof name === 'string' && ENGINE_METHODS.has(name);

/** Calls an engine method, as asCall() makes each call of the API. */
export function callEngine(engine: Engine, name: keyof Engine, args: unknown[]): Promise<unknown> {
  return asCall(engine, () => (engine[name] as (...a: unknown[]) => unknown).apply(engine, args));
}

/** Runs `engine` in this thread behind the same asynchronous interface a worker offers. */
export function inProcess(engine: Engine): Transport {
  const life = new Lifetime();
  return {
    engine: life.api((name, args) => callEngine(engine, name, args)),
    callback: (fn) => fn,
    bytes: (data) => data,
    terminate: () => life.end('TERMINATED', 'terminated'),
  };
}
