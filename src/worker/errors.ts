// Errors across the worker boundary, on the sandbox's own calls only. Comlink's "throw" handler
// keeps only message, name and stack, and it is global: replacing it would change every other
// comlink user in the page. So the worker answers a failed call with a marked value instead,
// carrying every field of the typed error (code, problem, call, queue), and the caller's side
// rethrows it as the same class: `instanceof OpenSSLError` and `error.queue` work across the boundary.
import { deserializeError, serializeError, type SerializedError } from '../core/errors.js';

const FAILED = 'openssl-wasm-sandbox:failed';
type Failed = { [FAILED]: SerializedError };

/** Runs `work` in the worker; a failure comes back as a marked value rather than through comlink's throw. */
export async function answer<T>(work: () => Promise<T> | T): Promise<T | Failed> {
  try {
    return await work();
  } catch (error) {
    return { [FAILED]: serializeError(error) };
  }
}

/** On the caller's side: the value answer() gave, or its error thrown again, typed as it was. */
export function unwrap<T>(value: T | Failed): T {
  if (value !== null && typeof value === 'object' && FAILED in value) throw deserializeError((value as Failed)[FAILED]);
  return value as T;
}
