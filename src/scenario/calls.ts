// The OpenSSL calls a scenario can make: every function of the C API table
// (src/sandbox/c-api.ts), by its OpenSSL name, made through Sandbox.call().
import { CALL_NAMES, type CallName } from '../sandbox/c-api.js';
import type { CallArgs, Sandbox } from '../sandbox/sandbox.js';

export type Call = (sb: Sandbox, args: unknown[]) => Promise<unknown>;

export const CALLS: Record<string, Call> = Object.fromEntries(CALL_NAMES.map((name) =>
  [name, (sb: Sandbox, args: unknown[]) => sb.call(name, ...(args as CallArgs<CallName>))]));
