/** Every error the sandbox raises on purpose is a SandboxError; `code` tells them apart. */
export class SandboxError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = new.target.name;
  }
}

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
  constructor(readonly call: string, readonly queue: OpenSSLErrorEntry[], detail?: string, code = 'OPENSSL') {
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
    super(`HANDLE_${problem.toUpperCase().replace(/-/g, '_')}`, message);
  }
}

/** A value the caller passed does not fit (an unknown flag name, an out-of-range number). */
export class ArgumentError extends SandboxError {
  constructor(message: string) {
    super('ARGUMENT', message);
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
