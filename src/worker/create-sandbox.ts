// Wires the sandbox to its worker: the sandbox layer takes its transport from the caller, and
// this is the caller the package's entry points use.
import { Sandbox, type SandboxOptions } from '../sandbox/sandbox.js';
import type { WorkerPool } from './host.js';

/**
 * Loads an OpenSSL module (in a worker unless `worker: false`) and returns a sandbox around it;
 * no OpenSSL call until the first SSL_CTX_new. With `pool`, the worker is one of the pool's threads.
 */
export function createSandbox(options: SandboxOptions = {}, pool?: WorkerPool): Promise<Sandbox> {
  // The worker's code loads only when a worker is asked for.
  return Sandbox.create(options, pool?.start ?? (async (...start) => (await import('./host.js')).startWorker(...start)));
}

/** A sandbox in this thread (`worker` false), in a worker of its own (true), or in one of a WorkerPool's threads. */
export function createSandboxIn(worker: boolean | WorkerPool, options: Omit<SandboxOptions, 'worker'>): Promise<Sandbox> {
  return createSandbox({ ...options, worker: worker !== false }, typeof worker === 'object' ? worker : undefined);
}
