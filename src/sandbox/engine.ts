import {
  COUNTERS, KEY_TYPES, OPTIONS, PROTOCOL_VERSIONS, SESSION_CACHE_MODES, SIDES, SSL_ERROR, protocolName,
  type Counter, type KeyType, type ProtocolVersion, type SessionCacheMode, type Side, type SslOption,
} from '../core/constants.js';
import { ArgumentError, SandboxError } from '../core/errors.js';
import { HandleRegistry, type HandleRef } from '../core/handles.js';
import type { OpenSSL } from '../core/openssl.js';
import type { Ptr } from '../core/pointers.js';
import { EventLog, type SandboxEvent } from './events.js';
import { Wire } from './wire.js';

/** How to configure an SSL_CTX. Every field names the OpenSSL setting it drives. */
export interface ContextConfig {
  /** TLS_client_method() or TLS_server_method(). */
  role: 'client' | 'server';
  /** SSL_CTX_set_min_proto_version */
  minProtocol?: ProtocolVersion;
  /** SSL_CTX_set_max_proto_version */
  maxProtocol?: ProtocolVersion;
  /** SSL_CTX_set_options */
  options?: SslOption[];
  /** SSL_CTX_set_session_cache_mode, as flag names; OpenSSL's default is SSL_SESS_CACHE_SERVER. */
  cacheMode?: SessionCacheMode[];
  /** SSL_CTX_sess_set_cache_size */
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
  /** The server certificate's key: ECDSA P-256 (default) or RSA-2048. */
  keyType?: KeyType;
}

/** What can be observed of an SSL_SESSION. */
export interface SessionInfo {
  name: string;
  /** False once the handle was freed (SSL_SESSION_free). */
  alive: boolean;
  /** SSL_SESSION_get_id, hex */
  id: string;
  /** SSL_SESSION_get0_id_context, hex */
  idContext: string;
  /** SSL_SESSION_get_protocol_version */
  protocol: string;
  /** SSL_SESSION_get0_cipher */
  cipher: string;
  /** SSL_SESSION_get_time, seconds since the epoch */
  time: number;
  /** SSL_SESSION_get_timeout, seconds */
  timeout: number;
  /** SSL_SESSION_is_resumable */
  resumable: boolean;
  /** SSL_SESSION_has_ticket */
  hasTicket: boolean;
  /** SSL_SESSION_get_ticket_lifetime_hint, seconds */
  ticketLifetimeHint: number;
}

export interface HandshakeResult {
  connection: string;
  /** SSL_version, for example "TLSv1.3" */
  version: string;
  /** SSL_get_cipher_name */
  cipher: string;
  /** SSL_session_reused on each side */
  reused: Record<Side, boolean>;
  /** The id of each side's session (SSL_SESSION_get_id), hex; empty for a TLS 1.3 client. */
  sessionId: Record<Side, string>;
  /** Transfers over the wire (each a flight of one or more records) and bytes in each direction. */
  flights: number;
  bytes: Record<Side, number>;
}

export type ContextRef = HandleRef<'SSL_CTX'>;
export type SessionRef = HandleRef<'SSL_SESSION'>;
export type ConnectionRef = HandleRef<'osb_conn'>;

const MAX_ROUNDS = 64;
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * The sandbox's synchronous engine: every OpenSSL call, each checked and logged. It holds
 * the handle registry, the wires and the event log of one module instance. The public API
 * (src/sandbox/sandbox.ts) calls it in-process or through a worker.
 */
export class Engine {
  readonly handles = new HandleRegistry();
  readonly log = new EventLog();
  readonly #wires = new Map<number, Wire>();

  constructor(readonly openssl: OpenSSL) {}

  get #glue() {
    this.openssl.assertUsable();
    return this.openssl.glue;
  }

  /** OpenSSL_version(OPENSSL_VERSION) of the library in the module. */
  opensslVersion(): string {
    return this.#glue.osb_openssl_version();
  }

  /** The sandbox's self-signed server certificate and private key, as PEM (PEM_write_bio_X509, PEM_write_bio_PrivateKey). */
  serverCredentials(keyType: KeyType = 'ec-p256'): { cert: string; key: string } {
    const glue = this.#glue;
    const cert = glue.osb_keys_pem(keyTypeCode(keyType), 0);
    const key = glue.osb_keys_pem(keyTypeCode(keyType), 1);
    if (!cert || !key) throw this.openssl.failure('PEM_write_bio_X509');
    return { cert, key };
  }

  // ---- contexts -------------------------------------------------------------------

  createContext(config: ContextConfig): ContextRef {
    if (config.role !== 'client' && config.role !== 'server') {
      throw new ArgumentError(`context role must be 'client' or 'server', got ${JSON.stringify(config.role)}`);
    }
    const keyType = keyTypeCode(config.keyType ?? 'ec-p256');
    const glue = this.#glue;
    glue.osb_err_clear();
    const ptr = glue.osb_ctx_new(SIDES[config.role], keyType);
    if (!ptr) throw this.openssl.failure('SSL_CTX_new');
    const ref = this.handles.issue('SSL_CTX', ptr, `${config.role}_ctx`);
    const method = config.role === 'server' ? 'TLS_server_method()' : 'TLS_client_method()';
    this.log.created('SSL_CTX_new', [method], 'SSL_CTX', ref.name);
    try {
      this.#configure(ref, ptr, config);
    } catch (error) {
      this.freeContext(ref);
      throw error;
    }
    return ref;
  }

  #configure(ref: ContextRef, ptr: Ptr<'SSL_CTX'>, config: ContextConfig) {
    const glue = this.#glue;
    const checked = (call: string, args: string[], ok: number) => {
      this.log.call(call, [ref.name, ...args], ok);
      if (ok !== 1) throw this.openssl.failure(call, args.join(', '));
    };
    if (config.minProtocol !== undefined) {
      const v = protocol(config.minProtocol, 'minProtocol');
      checked('SSL_CTX_set_min_proto_version', [versionConstant(config.minProtocol)], glue.osb_ctx_set_min_proto_version(ptr, v));
    }
    if (config.maxProtocol !== undefined) {
      const v = protocol(config.maxProtocol, 'maxProtocol');
      checked('SSL_CTX_set_max_proto_version', [versionConstant(config.maxProtocol)], glue.osb_ctx_set_max_proto_version(ptr, v));
    }
    if (config.options?.length) {
      const bits = flags(config.options, OPTIONS, 'option');
      this.log.call('SSL_CTX_set_options', [ref.name, config.options.join(' | ')], glue.osb_ctx_set_options(ptr, bits));
    }
    if (config.cacheMode !== undefined) {
      const mode = flags(config.cacheMode, SESSION_CACHE_MODES, 'session cache mode');
      const shown = config.cacheMode.length ? config.cacheMode.join(' | ') : 'SSL_SESS_CACHE_OFF';
      this.log.call('SSL_CTX_set_session_cache_mode', [ref.name, shown], glue.osb_ctx_set_session_cache_mode(ptr, mode));
    }
    if (config.cacheSize !== undefined) {
      const size = count(config.cacheSize, 'cacheSize');
      this.log.call('SSL_CTX_sess_set_cache_size', [ref.name, String(size)], glue.osb_ctx_sess_set_cache_size(ptr, size));
    }
    if (config.timeout !== undefined) {
      const seconds = count(config.timeout, 'timeout');
      this.log.call('SSL_CTX_set_timeout', [ref.name, String(seconds)], glue.osb_ctx_set_timeout(ptr, seconds));
    }
    if (config.sessionIdContext !== undefined) {
      const bytes = new TextEncoder().encode(config.sessionIdContext);
      checked('SSL_CTX_set_session_id_context', [JSON.stringify(config.sessionIdContext), String(bytes.length)],
        this.openssl.withBytes(bytes, (p, n) => glue.osb_ctx_set_session_id_context(ptr, p, n)));
    }
    if (config.numTickets !== undefined) {
      const n = count(config.numTickets, 'numTickets');
      checked('SSL_CTX_set_num_tickets', [String(n)], glue.osb_ctx_set_num_tickets(ptr, n));
    }
    if (config.ciphersuites !== undefined) {
      checked('SSL_CTX_set_ciphersuites', [JSON.stringify(config.ciphersuites)], glue.osb_ctx_set_ciphersuites(ptr, config.ciphersuites));
    }
    if (config.cipherList !== undefined) {
      checked('SSL_CTX_set_cipher_list', [JSON.stringify(config.cipherList)], glue.osb_ctx_set_cipher_list(ptr, config.cipherList));
    }
    if (config.groups !== undefined) {
      checked('SSL_CTX_set1_groups_list', [JSON.stringify(config.groups)], glue.osb_ctx_set1_groups_list(ptr, config.groups));
    }
  }

  freeContext(ctx: ContextRef): void {
    const ptr = this.handles.release(ctx, 'SSL_CTX');
    this.#glue.osb_ctx_free(ptr);
    this.log.call('SSL_CTX_free', [ctx.name], undefined);
  }

  /** SSL_CTX_add_session: 1 added (or replaced a same-id object), 0 the identical object was already cached. */
  addSession(ctx: ContextRef, session: SessionRef): number {
    const c = this.handles.pointer(ctx, 'SSL_CTX');
    const s = this.handles.pointer(session, 'SSL_SESSION');
    return this.log.call('SSL_CTX_add_session', [ctx.name, session.name], this.#glue.osb_ctx_add_session(c, s));
  }

  /** SSL_CTX_remove_session: 1 removed, 0 it was not in the cache. */
  removeSession(ctx: ContextRef, session: SessionRef): number {
    const c = this.handles.pointer(ctx, 'SSL_CTX');
    const s = this.handles.pointer(session, 'SSL_SESSION');
    return this.log.call('SSL_CTX_remove_session', [ctx.name, session.name], this.#glue.osb_ctx_remove_session(c, s));
  }

  /** SSL_CTX_sess_number */
  sessionCount(ctx: ContextRef): number {
    const c = this.handles.pointer(ctx, 'SSL_CTX');
    return this.log.call('SSL_CTX_sess_number', [ctx.name], this.#glue.osb_ctx_sess_number(c));
  }

  /** All eleven SSL_CTX_sess_* counters. */
  counters(ctx: ContextRef): Record<Counter, number> {
    const c = this.handles.pointer(ctx, 'SSL_CTX');
    const glue = this.#glue;
    return Object.fromEntries(COUNTERS.map((name, i) => [name, glue.osb_ctx_sess_counter(c, i)])) as Record<Counter, number>;
  }

  // ---- sessions -------------------------------------------------------------------

  sessionInfo(session: SessionRef): SessionInfo {
    const base = { name: session.name, alive: this.handles.isAlive(session, 'SSL_SESSION') };
    if (!base.alive) {
      return { ...base, id: '', idContext: '', protocol: '', cipher: '', time: 0, timeout: 0,
        resumable: false, hasTicket: false, ticketLifetimeHint: 0 };
    }
    const s = this.handles.pointer(session, 'SSL_SESSION');
    const glue = this.#glue;
    return {
      ...base,
      id: hex(this.openssl.readBytes(32, (out) => glue.osb_session_get_id(s, out))),
      idContext: hex(this.openssl.readBytes(32, (out) => glue.osb_session_get_id_context(s, out))),
      protocol: protocolName(glue.osb_session_get_protocol_version(s)),
      cipher: glue.osb_session_get_cipher_name(s),
      time: glue.osb_session_get_time(s),
      timeout: glue.osb_session_get_timeout(s),
      resumable: glue.osb_session_is_resumable(s) === 1,
      hasTicket: glue.osb_session_has_ticket(s) === 1,
      ticketLifetimeHint: glue.osb_session_get_ticket_lifetime_hint(s),
    };
  }

  /** SSL_SESSION_free: drops this handle's reference; the handle is dead afterwards. */
  freeSession(session: SessionRef): void {
    const s = this.handles.release(session, 'SSL_SESSION');
    this.#glue.osb_session_free(s);
    this.log.call('SSL_SESSION_free', [session.name], undefined);
  }

  /** SSL_SESSION_dup: a different object with the same contents and id. */
  dupSession(session: SessionRef): SessionRef {
    const s = this.handles.pointer(session, 'SSL_SESSION');
    const glue = this.#glue;
    glue.osb_err_clear();
    const copy = glue.osb_session_dup(s);
    if (!copy) throw this.openssl.failure('SSL_SESSION_dup');
    const ref = this.handles.issue('SSL_SESSION', copy, 'sess');
    this.log.created('SSL_SESSION_dup', [session.name], 'SSL_SESSION', ref.name);
    return ref;
  }

  // ---- connections ----------------------------------------------------------------

  /** SSL_new for a client and a server, joined by the in-memory wire; SSL_set_session when a session is given. */
  connect(client: ContextRef, server: ContextRef, session?: SessionRef): ConnectionRef {
    const c = this.handles.pointer(client, 'SSL_CTX');
    const s = this.handles.pointer(server, 'SSL_CTX');
    const sess = session === undefined ? undefined : this.handles.pointer(session, 'SSL_SESSION');
    const glue = this.#glue;
    glue.osb_err_clear();
    const conn = glue.osb_conn_new(c, s);
    if (!conn) throw this.openssl.failure('SSL_new');
    const ref = this.handles.issue('osb_conn', conn, 'conn');
    this.#wires.set(ref.id, new Wire(this.openssl, conn));
    this.log.created('SSL_new', [client.name], 'SSL', `${ref.name}_client`);
    this.log.created('SSL_new', [server.name], 'SSL', `${ref.name}_server`);
    if (sess !== undefined) {
      const ok = this.log.call('SSL_set_session', [`${ref.name}_client`, session!.name], glue.osb_conn_set_session(conn, sess));
      if (ok !== 1) {
        const error = this.openssl.failure('SSL_set_session');
        this.close(ref, 'unclean');
        throw error;
      }
    }
    return ref;
  }

  /**
   * Drives SSL_do_handshake on both sides in turn, moving each flight over the wire, until
   * both are done; then lets the client read what follows the handshake (TLS 1.3 tickets).
   */
  handshake(connection: ConnectionRef): HandshakeResult {
    const conn = this.handles.pointer(connection, 'osb_conn');
    const wire = this.#wires.get(connection.id)!;
    const glue = this.#glue;
    const done: Record<Side, boolean> = { client: false, server: false };
    const start = wire.transcript.length;
    glue.osb_err_clear();
    for (let round = 0; !(done.client && done.server); round++) {
      let moved = 0;
      for (const side of ['client', 'server'] as const) {
        if (!done[side]) {
          const r = glue.osb_conn_handshake(conn, SIDES[side]);
          if (r === 1) done[side] = true;
          else if (-r !== SSL_ERROR.SSL_ERROR_WANT_READ && -r !== SSL_ERROR.SSL_ERROR_WANT_WRITE) {
            const error = this.openssl.failure('SSL_do_handshake', `${connection.name}_${side}, SSL_get_error = ${-r}`);
            wire.transfer(side); // deliver the alert, as a network would
            this.log.call('SSL_do_handshake', [`${connection.name}_${side}`], -1);
            throw error;
          }
        }
        moved += wire.transfer(side);
      }
      if (moved === 0 && !(done.client && done.server)) {
        throw new SandboxError('STALLED', `the handshake of ${connection.name} stopped making progress after ${round + 1} rounds`);
      }
      if (round >= MAX_ROUNDS) throw new SandboxError('STALLED', `the handshake of ${connection.name} did not finish in ${MAX_ROUNDS} rounds`);
    }
    // TLS 1.3 sends NewSessionTicket after the handshake: the client must read to process it.
    const r = glue.osb_conn_read(conn, SIDES.client);
    if (r < 0 && -r !== SSL_ERROR.SSL_ERROR_WANT_READ) throw this.openssl.failure('SSL_read', `${connection.name}_client`);
    const sessionId = (side: Side) => {
      const s = glue.osb_conn_get0_session(conn, SIDES[side]);
      return s ? hex(this.openssl.readBytes(32, (out) => glue.osb_session_get_id(s, out))) : '';
    };
    const chunks = wire.transcript.slice(start);
    const result: HandshakeResult = {
      connection: connection.name,
      version: protocolName(glue.osb_conn_version(conn, SIDES.client)),
      cipher: glue.osb_conn_cipher_name(conn, SIDES.client),
      reused: {
        client: glue.osb_conn_session_reused(conn, SIDES.client) === 1,
        server: glue.osb_conn_session_reused(conn, SIDES.server) === 1,
      },
      sessionId: { client: sessionId('client'), server: sessionId('server') },
      flights: chunks.length,
      bytes: {
        client: chunks.filter((c) => c.from === 'client').reduce((n, c) => n + c.bytes.length, 0),
        server: chunks.filter((c) => c.from === 'server').reduce((n, c) => n + c.bytes.length, 0),
      },
    };
    this.log.add({
      kind: 'handshake', connection: connection.name, version: result.version, reused: result.reused.client,
      c: `SSL_do_handshake(${connection.name}_client) = 1; SSL_do_handshake(${connection.name}_server) = 1`,
    });
    this.log.call('SSL_session_reused', [`${connection.name}_client`], Number(result.reused.client));
    return result;
  }

  /** SSL_get1_session: a new reference to one side's session. */
  getSession(connection: ConnectionRef, side: Side): SessionRef {
    const conn = this.handles.pointer(connection, 'osb_conn');
    const s = this.#glue.osb_conn_get1_session(conn, SIDES[side]);
    if (!s) throw new SandboxError('NO_SESSION', `${connection.name}.${side} has no session (has the handshake run?)`);
    const ref = this.handles.issue('SSL_SESSION', s, 'sess');
    this.log.created('SSL_get1_session', [`${connection.name}_${side}`], 'SSL_SESSION', ref.name);
    return ref;
  }

  /**
   * Ends a connection and frees both SSL objects. `clean` sends close_notify from both
   * sides first; `unclean` does not, and OpenSSL then removes the session from the cache.
   */
  close(connection: ConnectionRef, how: 'clean' | 'unclean' = 'clean'): void {
    const conn = this.handles.pointer(connection, 'osb_conn');
    const glue = this.#glue;
    if (how === 'clean') {
      for (const side of ['client', 'server'] as const) {
        this.log.call('SSL_shutdown', [`${connection.name}_${side}`], glue.osb_conn_shutdown(conn, SIDES[side]));
        this.#wires.get(connection.id)!.transfer(side);
      }
      glue.osb_err_clear();
    }
    this.handles.release(connection, 'osb_conn');
    this.#wires.delete(connection.id);
    glue.osb_conn_free(conn);
    this.log.call('SSL_free', [`${connection.name}_client`], undefined);
    this.log.call('SSL_free', [`${connection.name}_server`], undefined);
  }

  /** The bytes that crossed a connection's wire so far. */
  transcript(connection: ConnectionRef) {
    this.handles.pointer(connection, 'osb_conn');
    return this.#wires.get(connection.id)!.transcript;
  }

  // ---- clock ----------------------------------------------------------------------

  /** OpenSSL's "now", in seconds since the epoch. */
  now(): number {
    return this.#glue.osb_clock_get();
  }

  /** Freezes the clock at `epochSeconds` (null: real time again). */
  setClock(epochSeconds: number | null): void {
    this.#clock = epochSeconds === null ? { frozen: false, value: 0 } : { frozen: true, value: finite(epochSeconds, 'epochSeconds') };
    this.#applyClock(`/* clock set to ${epochSeconds === null ? 'real time' : new Date(epochSeconds * 1000).toISOString()} */`);
  }

  /** Moves the clock forward by `seconds`; a frozen clock stays frozen, a running one keeps running. */
  advanceClock(seconds: number): void {
    const by = finite(seconds, 'seconds');
    if (by < 0) throw new ArgumentError(`the clock only moves forward: advance(${by})`);
    this.#clock.value += by;
    this.#applyClock(`/* clock advanced by ${by} s */`);
  }

  /** Mirrors osb_clock_configure: frozen at `value`, or real time plus `value`. */
  #clock = { frozen: false, value: 0 };

  #applyClock(c: string) {
    this.#glue.osb_clock_configure(this.#clock.frozen ? 1 : 0, this.#clock.value);
    this.log.add({ kind: 'clock', now: this.now(), c });
  }

  events(since = 0): SandboxEvent[] {
    return this.log.since(since);
  }

  /** Calls `listener` with every new event; returns an id for unsubscribe(). */
  subscribe(listener: (event: SandboxEvent) => void): number {
    return this.log.subscribe(listener);
  }

  unsubscribe(id: number): void {
    this.log.unsubscribe(id);
  }

  /** Frees every C object this engine still holds: connections, then sessions, then contexts. */
  dispose(): void {
    if (this.openssl.isAborted()) return;
    const live = this.handles.live();
    for (const ref of live.filter((r) => r.kind === 'osb_conn')) this.close(ref as ConnectionRef, 'unclean');
    for (const ref of live.filter((r) => r.kind === 'SSL_SESSION')) this.freeSession(ref as SessionRef);
    for (const ref of live.filter((r) => r.kind === 'SSL_CTX')) this.freeContext(ref as ContextRef);
  }
}

function keyTypeCode(keyType: KeyType): number {
  const code = KEY_TYPES[keyType];
  if (code === undefined) throw new ArgumentError(`unknown key type '${keyType}' (${Object.keys(KEY_TYPES).join(', ')})`);
  return code;
}

function protocol(name: ProtocolVersion, field: string): number {
  const v = PROTOCOL_VERSIONS[name];
  if (v === undefined) throw new ArgumentError(`${field}: unknown protocol '${name}' (${Object.keys(PROTOCOL_VERSIONS).join(', ')})`);
  return v;
}

function versionConstant(name: ProtocolVersion): string {
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

function count(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new ArgumentError(`${field} must be a whole number from 0 to 2147483647, got ${value}`);
  }
  return value;
}

function finite(value: number, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ArgumentError(`${field} must be a finite number, got ${value}`);
  return value;
}
