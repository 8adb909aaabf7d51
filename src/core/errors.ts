/** What went wrong, by SandboxError.code: one name per kind of failure, to branch on. */
export type SandboxErrorCode =
  /** A value the caller passed does not fit (ArgumentError, or CallError for an argument of a C call). */
  | 'ARGUMENT'
  /** A C call refused before any C ran (CallError): unknown, not in this OpenSSL, the wrong number of arguments; a constant this OpenSSL lacks (ConstantError). */
  | 'UNKNOWN_FUNCTION' | 'NOT_IN_THIS_OPENSSL' | 'ARITY'
  /** An OpenSSL call failed (OpenSSLError); MEMORY_LIMIT: because the memoryLimit refused it memory (MemoryLimitError). */
  | 'OPENSSL' | 'MEMORY_LIMIT'
  /** A handle that cannot be used (HandleError). */
  | 'HANDLE_DISPOSED' | 'HANDLE_FOREIGN' | 'HANDLE_WRONG_KIND' | 'HANDLE_NOT_A_HANDLE'
  /** The clock was asked for a time this build's time_t cannot hold, or Date cannot show. */
  | 'CLOCK_RANGE'
  /** Code of the caller's (an onEvent listener, a get-session handler) threw or answered something unusable. */
  | 'LISTENER' | 'HANDLER'
  /** A get-session handler did not answer in time. */
  | 'TIMEOUT'
  /** step()/deliver() out of order, a handshake that stopped moving, no session where one was asked for. */
  | 'FLIGHT_HELD' | 'NO_FLIGHT' | 'STALLED' | 'NO_SESSION'
  /** Adding a session a second context already caches would corrupt that cache's list. */
  | 'SESSION_IN_ANOTHER_CACHE'
  /** The module: missing, aborted (out of memory, a trap), or already disposed. */
  | 'MODULE_MISSING' | 'ABORTED' | 'DISPOSED'
  /** The sandbox's worker: terminated, or dead. */
  | 'TERMINATED' | 'WORKER_DEAD'
  /** A scenario that does not fit the format, or ran out of its time budget. */
  | 'SCENARIO' | 'SCENARIO_TIMEOUT'
  /** An OpenSSL ssl-tests .cnf file the importer cannot run: malformed, an unknown key, an unknown SSL_CONF command (SslTestError). */
  | 'SSL_TEST'
  /** Reading scenario files outside Node; importing the worker script outside a worker. */
  | 'NODE_ONLY' | 'NOT_A_WORKER';

/** Every error the sandbox raises on purpose is a SandboxError; `code` tells them apart. */
export class SandboxError extends Error {
  constructor(readonly code: SandboxErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The message of anything thrown, for an error that wraps it. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** One entry of OpenSSL's error queue (ERR_get_error_all). */
export interface OpenSSLErrorEntry {
  /** The packed error code, as ERR_get_error returns it. */
  code: number;
  /** Library name, for example "SSL routines". */
  library: string;
  /** Reason text, for example "no protocols available". */
  reason: string;
  /** The OpenSSL function that raised it, where known. */
  func: string;
  /** Extra text OpenSSL attached, where any. */
  data: string;
}

/** An OpenSSL call failed; `queue` holds what OpenSSL's error queue said, oldest first. */
export class OpenSSLError extends SandboxError {
  constructor(readonly call: string, readonly queue: OpenSSLErrorEntry[], detail?: string, code: 'OPENSSL' | 'MEMORY_LIMIT' = 'OPENSSL') {
    const reasons = queue.map((e) => e.reason || `error ${e.code}`).join('; ');
    super(code, `${call} failed${detail ? ` (${detail})` : ''}${reasons ? `: ${reasons}` : ''}`);
  }
}

/**
 * An OpenSSL call failed because the sandbox's `memoryLimit` refused it memory (OpenSSL saw a
 * malloc failure). The sandbox stays usable: free sessions or contexts, or raise the limit.
 */
export class MemoryLimitError extends OpenSSLError {
  constructor(call: string, queue: OpenSSLErrorEntry[], limit: number) {
    super(call, queue, `the sandbox's memoryLimit of ${limit} bytes is reached: free sessions or contexts, or raise it`, 'MEMORY_LIMIT');
  }
}

export type HandleProblem = 'disposed' | 'foreign' | 'wrong-kind' | 'not-a-handle';

/** A handle that cannot be used: freed, from another sandbox, of the wrong kind, or not a handle at all. */
export class HandleError extends SandboxError {
  constructor(readonly problem: HandleProblem, message: string) {
    super(`HANDLE_${problem.toUpperCase().replace(/-/g, '_')}` as SandboxErrorCode, message);
  }
}

/** An OpenSSL test/ssl-tests .cnf file that cannot be run as written, naming the file, the section and the key (or line). */
export class SslTestError extends SandboxError {
  constructor(readonly file: string, readonly section: string, readonly key: string | undefined, problem: string) {
    super('SSL_TEST', `${file}: [${section}]${key === undefined ? '' : ` ${key}`}: ${problem}`);
  }
}

/** A value the caller passed does not fit (an unknown flag name, an out-of-range number). */
export class ArgumentError extends SandboxError {
  constructor(message: string) {
    super('ARGUMENT', message);
  }
}

/**
 * A flag name given for a setting that the chosen OpenSSL's headers do not define (1.1.1 has no
 * SSL_SESS_CACHE_UPDATE_TIME): refused rather than passed on as a number that means something else there.
 */
export class ConstantError extends SandboxError {
  constructor(readonly setting: string, readonly constant: string, readonly openssl: string) {
    super('NOT_IN_THIS_OPENSSL', `${setting}: ${constant} is not defined by this OpenSSL's headers (${openssl})`);
  }
}

export type CallProblem = 'UNKNOWN_FUNCTION' | 'NOT_IN_THIS_OPENSSL' | 'ARITY' | 'ARGUMENT';

/**
 * A C call refused before any C ran: a function the sandbox does not know or this OpenSSL lacks,
 * the wrong number of arguments, or an argument of the wrong kind. `argument` is the 1-based
 * position of the argument at fault, `expected` what the C parameter takes.
 */
export class CallError extends SandboxError {
  constructor(code: CallProblem, readonly call: string, readonly expected: string, message: string, readonly argument?: number) {
    super(code, message);
  }
}

/** A thrown value as plain data (structured-cloneable): its class name, message, stack and own fields. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

const classes: Record<string, { prototype: Error }> = { SandboxError, OpenSSLError, MemoryLimitError, HandleError, ArgumentError, CallError, ConstantError, SslTestError };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack, fields: { ...error } };
  }
  return { name: 'Error', message: String(error), fields: {} };
}

/** The error serializeError() described, of its class again where it is one of the sandbox's (so `instanceof` and `code` work). */
export function deserializeError({ name, message, stack, fields }: SerializedError): Error {
  const error = Object.create((Object.hasOwn(classes, name) ? classes[name] : Error).prototype) as Error;
  Object.assign(error, fields);
  Object.defineProperties(error, {
    message: { value: message, writable: true, configurable: true },
    name: { value: name, writable: true, configurable: true },
    stack: { value: stack, writable: true, configurable: true },
  });
  return error;
}

/** `error` if it is a SandboxError, else one of `code` that names what threw it and keeps it as its cause. */
export function typed(error: unknown, code: SandboxErrorCode, what: string): SandboxError {
  return error instanceof SandboxError ? error : new SandboxError(code, `${what}: ${messageOf(error)}`, { cause: error });
}
