// Context settings: their names and types, their validation, and the OpenSSL calls that apply them.
import {
  KEY_TYPES, OPTIONS, PROTOCOL_VERSIONS, SESSION_CACHE_MODES, protocolName,
  type KeyType, type ProtocolVersion, type SessionCacheMode, type SslOption,
} from '../core/constants.js';
import { ArgumentError } from '../core/errors.js';
import type { OpenSSL } from '../core/openssl.js';
import type { Ptr } from '../core/pointers.js';
import type { EventLog } from './events.js';

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

/** Applies `settings` to the SSL_CTX behind `name`, each as its logged OpenSSL call. */
export function applySettings(openssl: OpenSSL, log: EventLog, name: string, ptr: Ptr<'SSL_CTX'>, settings: ContextSettings): void {
  const { glue } = openssl;
  const call = (fn: string, args: string[], work: () => number) => log.call(fn, [name, ...args], work);
  const checked = (fn: string, args: string[], work: () => number) => {
    if (call(fn, args, work) !== 1) throw openssl.failure(fn, args.join(', '));
  };
  const s = settings;
  if (s.minProtocol !== undefined) {
    const v = protocol(s.minProtocol, 'minProtocol');
    checked('SSL_CTX_set_min_proto_version', [versionConstant(s.minProtocol)], () => glue.osb_ctx_set_min_proto_version(ptr, v));
  }
  if (s.maxProtocol !== undefined) {
    const v = protocol(s.maxProtocol, 'maxProtocol');
    checked('SSL_CTX_set_max_proto_version', [versionConstant(s.maxProtocol)], () => glue.osb_ctx_set_max_proto_version(ptr, v));
  }
  if (s.options?.length) {
    const bits = flags(s.options, OPTIONS, 'option');
    call('SSL_CTX_set_options', [s.options.join(' | ')], () => glue.osb_ctx_set_options(ptr, bits));
  }
  if (s.cacheMode !== undefined) {
    const mode = flags(s.cacheMode, SESSION_CACHE_MODES, 'session cache mode');
    call('SSL_CTX_set_session_cache_mode', [s.cacheMode.length ? s.cacheMode.join(' | ') : 'SSL_SESS_CACHE_OFF'],
      () => glue.osb_ctx_set_session_cache_mode(ptr, mode));
  }
  if (s.cacheSize !== undefined) {
    const size = count(s.cacheSize, 'cacheSize');
    call('SSL_CTX_sess_set_cache_size', [String(size)], () => glue.osb_ctx_sess_set_cache_size(ptr, size));
  }
  if (s.timeout !== undefined) {
    const seconds = count(s.timeout, 'timeout');
    call('SSL_CTX_set_timeout', [String(seconds)], () => glue.osb_ctx_set_timeout(ptr, seconds));
  }
  if (s.sessionIdContext !== undefined) {
    const bytes = new TextEncoder().encode(text(s.sessionIdContext, 'sessionIdContext'));
    checked('SSL_CTX_set_session_id_context', [JSON.stringify(s.sessionIdContext), String(bytes.length)],
      () => openssl.withBytes(bytes, (p, n) => glue.osb_ctx_set_session_id_context(ptr, p, n)));
  }
  if (s.numTickets !== undefined) {
    const n = count(s.numTickets, 'numTickets');
    checked('SSL_CTX_set_num_tickets', [String(n)], () => glue.osb_ctx_set_num_tickets(ptr, n));
  }
  for (const [field, fn] of [
    ['ciphersuites', 'SSL_CTX_set_ciphersuites'], ['cipherList', 'SSL_CTX_set_cipher_list'], ['groups', 'SSL_CTX_set1_groups_list'],
  ] as const) {
    const value = s[field];
    if (value === undefined) continue;
    const list = text(value, field);
    const setter = { ciphersuites: glue.osb_ctx_set_ciphersuites, cipherList: glue.osb_ctx_set_cipher_list, groups: glue.osb_ctx_set1_groups_list }[field];
    checked(fn, [JSON.stringify(list)], () => setter(ptr, list));
  }
}

/** Reads a context's settings back from OpenSSL. */
export function readSettings(openssl: OpenSSL, ptr: Ptr<'SSL_CTX'>): ContextState {
  const { glue } = openssl;
  const names = <N extends string>(table: Record<N, number>, bits: number, exact = false) =>
    (Object.entries(table) as [N, number][]).filter(([, bit]) => bit !== 0 && (exact ? bit === bits : (bits & bit) === bit)).map(([n]) => n);
  const mode = glue.osb_ctx_get_session_cache_mode(ptr);
  // Composite flags (BOTH, NO_INTERNAL) are shown as their parts.
  const cacheMode = mode === 0 ? ['SSL_SESS_CACHE_OFF' as const] : names(SESSION_CACHE_MODES, mode)
    .filter((n) => n !== 'SSL_SESS_CACHE_BOTH' && n !== 'SSL_SESS_CACHE_NO_INTERNAL');
  const version = (v: number) => (v === 0 ? 'any' : protocolName(v));
  return {
    minProtocol: version(glue.osb_ctx_get_min_proto_version(ptr)),
    maxProtocol: version(glue.osb_ctx_get_max_proto_version(ptr)),
    options: names(OPTIONS, glue.osb_ctx_get_options(ptr)),
    cacheMode,
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
  const v = PROTOCOL_VERSIONS[name];
  if (v === undefined) throw new ArgumentError(`${field}: unknown protocol '${name}' (${Object.keys(PROTOCOL_VERSIONS).join(', ')})`);
  return v;
}

export function versionConstant(name: string): string {
  return name.replace('TLSv', 'TLS').replace('.', '_') + '_VERSION';
}

function flags<N extends string>(names: readonly N[], table: Record<N, number>, what: string): number {
  if (!Array.isArray(names as unknown)) throw new ArgumentError(`${what} flags must be an array of names`);
  let bits = 0;
  for (const name of names) {
    const bit = table[name];
    if (bit === undefined) throw new ArgumentError(`unknown ${what} '${name}' (known: ${Object.keys(table).join(', ')})`);
    bits |= bit;
  }
  return bits;
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
