// Comlink's default "throw" handler keeps only message, name and stack. This one keeps every
// field of the sandbox's typed errors (code, problem, call, queue) and rebuilds their classes,
// so that `instanceof OpenSSLError` and `error.queue` work across the worker boundary.
import { transferHandlers, type TransferHandler } from 'comlink/dist/esm/comlink.mjs';
import { ArgumentError, CallError, HandleError, MemoryLimitError, OpenSSLError, SandboxError } from '../core/errors.js';

const classes: Record<string, { prototype: Error }> = { SandboxError, OpenSSLError, MemoryLimitError, HandleError, ArgumentError, CallError };

interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack, fields: { ...error } };
  }
  return { name: 'Error', message: String(error), fields: {} };
}

export function deserializeError({ name, message, stack, fields }: SerializedError): Error {
  const error = Object.create((classes[name] ?? Error).prototype) as Error;
  Object.assign(error, fields);
  Object.defineProperties(error, {
    message: { value: message, writable: true, configurable: true },
    name: { value: name, writable: true, configurable: true },
    stack: { value: stack, writable: true, configurable: true },
  });
  return error;
}

// Comlink marks thrown values with a private symbol: its own handler's predicate recognises them.
const original = transferHandlers.get('throw')!;

const throwHandler: TransferHandler<{ value: unknown }, SerializedError> = {
  canHandle: (value): value is { value: unknown } => original.canHandle(value),
  serialize: ({ value }) => [serializeError(value), []],
  deserialize: (serialized) => {
    throw deserializeError(serialized);
  },
};

/** Installs the handler; both sides of the boundary must call it. */
export function installErrorTransfer(): void {
  transferHandlers.set('throw', throwHandler as TransferHandler<unknown, unknown>);
}
