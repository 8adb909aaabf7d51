// Context settings: their names and types, their validation, and the OpenSSL calls that apply them.
import {
  KEY_TYPES, OPTIONS, PROTOCOL_VERSIONS, SESSION_CACHE_MODES, protocolName,
  type KeyType, type ProtocolVersion, type SessionCacheMode, type SslOption,
} from '../core/constants.js';
import { ArgumentError, ConstantError } from '../core/errors.js';
import type { OpenSSL } from '../core/openssl.js';
import type { Ptr } from '../core/pointers.js';
import { flagNames } from './c-api.js';
import type { ContextRef, Engine } from './engine.js';

/** Which session callbacks a context installs, and how the new-session callback answers. */
export interface CallbackConfig {
  /**
   * SSL_CTX_sess_set_new_cb. `keep`: the callback returns 1 and the application owns the
   * reference (it appears as a session handle, and the get callback can answer with it);
   * `decline`: it returns 0 and OpenSSL drops its reference; `free`: it returns 1 and frees that
   * reference at once (SSL_SESSION_free).
   */
  newSession?: 'keep' | 'decline' | 'free';
  /** SSL_CTX_sess_set_remove_cb: report sessions leaving the internal cache. */
  removeSession?: boolean;
  /** SSL_CTX_sess_set_get_cb: answer lookups the internal cache missed, from the sessions the new-session callback kept. */
  getSession?: boolean;
}

/** Settings of an SSL_CTX that can be changed after creation. Every field names the OpenSSL setting it drives. */
export interface ContextSettings {
  /** SSL_CTX_set_min_proto_version */
  minProtocol?: ProtocolVersion;
  /** SSL_CTX_set_max_proto_version */
  maxProtocol?: ProtocolVersion;
  /** SSL_CTX_set_options (added to those set) */
  options?: SslOption[];
  /** SSL_CTX_set_session_cache_mode, as flag names; OpenSSL's default is SSL_SESS_CACHE_SERVER. */
  cacheMode?: SessionCacheMode[];
  /** SSL_CTX_sess_set_cache_size (0: no limit) */
  cacheSize?: number;
  /** SSL_CTX_set_timeout, in seconds */
  timeout?: number;
  /** SSL_CTX_set_session_id_context */
  sessionIdContext?: string;
  /** SSL_CTX_set_num_tickets */
  numTickets?: number;
  /** SSL_CTX_set_ciphersuites (TLS 1.3) */
  ciphersuites?: string;
  /** SSL_CTX_set_cipher_list (TLS 1.2) */
  cipherList?: string;
  /** SSL_CTX_set1_groups_list */
  groups?: string;
  /** The session callbacks to install. */
  callbacks?: CallbackConfig;
}

/** How to create an SSL_CTX. */
export interface ContextConfig extends ContextSettings {
  /** TLS_client_method() or TLS_server_method(). */
  role: 'client' | 'server';
  /** The server certificate's key: ECDSA P-256 (default) or RSA-2048. */
  keyType?: KeyType;
}

/** A context's current settings, read back from OpenSSL (SSL_CTX_get_* calls). */
export interface ContextState {
  minProtocol: string;
  maxProtocol: string;
  options: SslOption[];
  cacheMode: SessionCacheMode[];
  cacheSize: number;
  timeout: number;
  numTickets: number;
}

/** What applies settings: the engine, whose call() makes (checks and logs) each through its row of the C API table. */
type Caller = Pick<Engine, 'call' | 'callSetter' | 'constants' | 'opensslVersion'>;

/**
 * Applies `settings` to the context `ctx`, each as the call of the C API table (src/sandbox/c-api.ts)
 * that it names, so a setting and the C call it makes are one path and one logged C line. Flag
 * names are refused where the variant's headers lack them (ConstantError), before any C runs.
 */
export function applySettings(engine: Caller, ctx: ContextRef, settings: ContextSettings): void {
  const s = settings;
  const constants = engine.constants();
  const flags = (field: 'options' | 'cacheMode', names: readonly string[], known: readonly string[]) => {
    if (!Array.isArray(names as unknown)) throw new ArgumentError(`${field} must be an array of flag names`);
    for (const name of names) {
      if (!known.includes(name)) throw new ArgumentError(`${field}: unknown flag '${name}' (known: ${known.join(', ')})`);
      if (constants[name] === undefined) throw new ConstantError(field, name, engine.opensslVersion());
    }
    return names;
  };
  if (s.minProtocol !== undefined) engine.callSetter('SSL_CTX_set_min_proto_version', [ctx, checkedProtocol(s.minProtocol, 'minProtocol')]);
  if (s.maxProtocol !== undefined) engine.callSetter('SSL_CTX_set_max_proto_version', [ctx, checkedProtocol(s.maxProtocol, 'maxProtocol')]);
  if (s.options?.length) engine.call('SSL_CTX_set_options', [ctx, flags('options', s.options, OPTIONS)]);
  if (s.cacheMode !== undefined) engine.call('SSL_CTX_set_session_cache_mode', [ctx, flags('cacheMode', s.cacheMode, SESSION_CACHE_MODES)]);
  if (s.cacheSize !== undefined) engine.call('SSL_CTX_sess_set_cache_size', [ctx, count(s.cacheSize, 'cacheSize')]);
  if (s.timeout !== undefined) engine.call('SSL_CTX_set_timeout', [ctx, count(s.timeout, 'timeout')]);
  if (s.sessionIdContext !== undefined) engine.callSetter('SSL_CTX_set_session_id_context', [ctx, text(s.sessionIdContext, 'sessionIdContext')]);
  if (s.numTickets !== undefined) engine.callSetter('SSL_CTX_set_num_tickets', [ctx, count(s.numTickets, 'numTickets')]);
  if (s.ciphersuites !== undefined) engine.callSetter('SSL_CTX_set_ciphersuites', [ctx, text(s.ciphersuites, 'ciphersuites')]);
  if (s.cipherList !== undefined) engine.callSetter('SSL_CTX_set_cipher_list', [ctx, text(s.cipherList, 'cipherList')]);
  if (s.groups !== undefined) engine.callSetter('SSL_CTX_set1_groups_list', [ctx, text(s.groups, 'groups')]);
}

/** Reads a context's settings back from OpenSSL, flags by the names of the variant's headers. */
export function readSettings(openssl: OpenSSL, ptr: Ptr<'SSL_CTX'>): ContextState {
  const { glue } = openssl;
  const constants = openssl.constants();
  const named = <N extends string>(kind: 'options' | 'cache_mode', bits: number, known: readonly N[]) =>
    flagNames(kind, bits, constants).filter((name): name is N => (known as readonly string[]).includes(name));
  const version = (v: number) => (v === 0 ? 'any' : protocolName(v));
  return {
    minProtocol: version(glue.osb_ctx_get_min_proto_version(ptr)),
    maxProtocol: version(glue.osb_ctx_get_max_proto_version(ptr)),
    options: named('options', glue.osb_ctx_get_options(ptr), OPTIONS),
    // Composite flags (BOTH, NO_INTERNAL) come as their parts.
    cacheMode: named('cache_mode', glue.osb_ctx_get_session_cache_mode(ptr), SESSION_CACHE_MODES),
    cacheSize: glue.osb_ctx_sess_get_cache_size(ptr),
    timeout: glue.osb_ctx_get_timeout(ptr),
    numTickets: glue.osb_ctx_get_num_tickets(ptr),
  };
}

export function keyTypeCode(keyType: KeyType): number {
  const code = KEY_TYPES[keyType];
  if (code === undefined) throw new ArgumentError(`unknown key type '${keyType}' (${Object.keys(KEY_TYPES).join(', ')})`);
  return code;
}

export function protocol(name: ProtocolVersion, field: string): number {
  const v = Object.hasOwn(PROTOCOL_VERSIONS, name) ? PROTOCOL_VERSIONS[name] : undefined;
  if (v === undefined) throw new ArgumentError(`${field}: unknown protocol '${name}' (${Object.keys(PROTOCOL_VERSIONS).join(', ')})`);
  return v;
}

/** A protocol's name, checked (the C call takes the name too). */
function checkedProtocol(name: ProtocolVersion, field: string): ProtocolVersion {
  protocol(name, field);
  return name;
}

export function versionConstant(name: string): string {
  return name.replace('TLSv', 'TLS').replace('.', '_') + '_VERSION';
}

export function count(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new ArgumentError(`${field} must be a whole number from 0 to 2147483647, got ${value}`);
  }
  return value;
}

export function finite(value: number, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ArgumentError(`${field} must be a finite number, got ${value}`);
  return value;
}

function text(value: string, field: string): string {
  if (typeof value !== 'string') throw new ArgumentError(`${field} must be a string, got ${typeof value}`);
  return value;
}
