// Starts an engine on a fresh OpenSSL module, refusing first a memoryLimit too small for one
// handshake: below what OpenSSL's first contexts take, its one-time set-up fails half-way and
// every later SSL_CTX_new fails ("library has no ciphers") with nothing left to free.
import { ArgumentError } from '../core/errors.js';
import type { Variant } from '../core/module.js';
import { OpenSSL } from '../core/openssl.js';
import { Engine, type EngineOptions } from './engine.js';

/** Measured once per variant and realm (a worker is a realm of its own). */
const minimums = new Map<Variant, Promise<number>>();

/**
 * The most bytes OpenSSL holds during the first handshake of a fresh module of `variant`
 * (default contexts: TLS 1.3, EC P-256), measured in a probe instance of the same compiled
 * module, seeded so that it measures the same each time. The caller's module is not touched.
 */
export function handshakeMinimum(variant: Variant, compiled?: WebAssembly.Module | Promise<WebAssembly.Module>): Promise<number> {
  let minimum = minimums.get(variant);
  if (!minimum) {
    minimum = (async () => {
      const probe = new Engine(await OpenSSL.load(variant, compiled), { seed: 1, trace: false });
      try {
        const connection = probe.connect(probe.createContext({ role: 'client' }), probe.createContext({ role: 'server' }));
        await probe.handshake(connection);
        return probe.memory().peak;
      } finally {
        probe.release();
      }
    })();
    minimums.set(variant, minimum);
    minimum.catch(() => minimums.delete(variant));
  }
  return minimum;
}

/**
 * An engine on a fresh module of `variant`. A memoryLimit below the memory the module starts
 * with (16 MiB; one handshake takes a small part of it) is measured against handshakeMinimum():
 * below it, an ArgumentError names the minimum.
 */
export async function startEngine(variant: Variant, compiled: WebAssembly.Module | Promise<WebAssembly.Module> | undefined, options: EngineOptions): Promise<Engine> {
  const openssl = await OpenSSL.load(variant, compiled);
  const limit = options.memoryLimit;
  if (typeof limit === 'number' && limit > 0 && limit < openssl.heapSize()) {
    const minimum = await handshakeMinimum(variant, compiled);
    if (limit < minimum) {
      throw new ArgumentError(`memoryLimit of ${limit} bytes is below the ${minimum} bytes OpenSSL ${variant} holds during one handshake `
        + '(measured in a fresh sandbox): with less, not even its first contexts could be made');
    }
  }
  return new Engine(openssl, options);
}
