import { COUNTERS, PROTOCOL_VERSIONS, SIDES, protocolName, type Counter, type KeyType, type Side } from '../core/constants.js';
import { ArgumentError, CallError, HandleError, SandboxError, serializeError, typed, type OpenSSLErrorEntry, type SerializedError } from '../core/errors.js';
import { HandleRegistry, type HandleRef } from '../core/handles.js';
import type { LeakReport, MemoryUse, OpenSSL } from '../core/openssl.js';
import type { Ptr } from '../core/pointers.js';
import { SessionCallbacks, type CallbackKind, type GetBehaviour, type GetSessionHandler, type NewBehaviour, type RemoveBehaviour } from './callbacks.js';
import { ExternalStores, encodeSession, type StoreEntry } from './external-stores.js';
import { CALL_NAMES, cFunction, checkArguments, hasSince, type CFunction } from './c-api.js';
import { fromHex, hex } from '../core/bytes.js';
import {
  applySettings, count, finite, keyTypeCode, protocol, readSettings, versionConstant,
  type ContextConfig, type ContextSettings, type ContextState,
} from './config.js';
import { EventLog, type SandboxEvent, type SessionObject } from './events.js';
import { SslNames } from './ssl-names.js';
import { SslObjects, type SslRef } from './ssl-objects.js';
import { Wire, type WireChunk } from './wire.js';
import { Driver, type Flight, type HandshakeResult } from './driver.js';
import { Tracer } from './tracer.js';
import { runSslTest, type SslTestRun, type SslTestSpec } from './ssl-test.js';

/** What can be observed of an SSL_SESSION. */
export interface SessionInfo {
  /** The handle's name, for example `sess_2`. */
  name: string;
  /** False once the handle was freed (SSL_SESSION_free). */
  alive: boolean;
  /** The object behind the handle (`#3`): handles made by SSL_SESSION_up_ref share it. Empty once freed. */
  object: string;
  /** SSL_SESSION_get_id, hex */
  id: string;
  /** SSL_SESSION_get_id's length, in bytes (0 to SSL_MAX_SSL_SESSION_ID_LENGTH) */
  idLength: number;
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

/** A session in a context's internal cache (SSL_CTX_sessions). */
export type CachedSession = Omit<SessionInfo, 'name' | 'alive'> & {
  /** Names of the live handles that refer to this same object. */
  handles: string[];
};

/** Fields of a hand-made session (SSL_SESSION_set1_id, _set1_id_context, _set_protocol_version, _set_time, _set_timeout). */
export interface SessionFields {
  /** hex, at most 32 bytes */
  id?: string;
  /** hex, at most 32 bytes */
  idContext?: string;
  protocol?: keyof typeof PROTOCOL_VERSIONS;
  time?: number;
  timeout?: number;
}

export type ContextRef = HandleRef<'SSL_CTX'>;
/** A call of the table as made: its result, what OpenSSL's error queue held after it, its arguments as C shows them. */
type Called = { result: unknown; queue: OpenSSLErrorEntry[]; shown: string[] };
export type SessionRef = HandleRef<'SSL_SESSION'>;
export type ConnectionRef = HandleRef<'osb_conn'>;
export type ConfContextRef = HandleRef<'SSL_CONF_CTX'>;

/** The calls batch() runs: the cache's, which are cheap enough that a round trip would dominate. */
const BATCHABLE = ['addSession', 'removeSession', 'sessionCount', 'flushSessions', 'counters', 'sessionInfo'] as const;
export type BatchMethod = typeof BATCHABLE[number];
export type BatchCall = { [M in BatchMethod]: [M, ...Parameters<Engine[M]>] }[BatchMethod];
/** A batch entry's outcome: its value (typed by the method of its call), or the typed error it raised. */
export type BatchResult<M extends BatchMethod = BatchMethod> = { ok: true; value: ReturnType<Engine[M]> } | { ok: false; error: SandboxError };
/** BatchResult as the engine sends it (across a worker too): the error as plain data. */
export type EngineBatchResult = { ok: true; value: unknown } | { ok: false; error: SerializedError };

/** How many connections keep their transcript and key log after they close. */
const ARCHIVED = 256;

export interface EngineOptions {
  /** The default of ConnectOptions.trace. */
  trace?: boolean;
  /** Repeatable randomness from this seed, and the clock frozen (at `clock`, or SEEDED_EPOCH). */
  seed?: number;
  /** Start with the clock frozen at this time (seconds since the epoch). */
  clock?: number;
  /** Bytes OpenSSL may hold; allocations beyond are refused (a MemoryLimitError). */
  memoryLimit?: number;
  /** Bytes the module's memory may grow to; beyond, the module aborts. */
  heapLimit?: number;
}

/** The last second a Date can show (8.64e15 ms after the epoch). */
const MAX_DATE_SECONDS = 8.64e12;

/** Where a seeded sandbox's clock starts: 2027-01-15T08:00:00Z. */
export const SEEDED_EPOCH = 1_800_000_000;

export interface ConnectOptions {
  /** Report every message, record, state change and alert as events (default: the sandbox's `trace`, true). */
  trace?: boolean;
}
const DEFAULT_HANDLER_TIMEOUT_MS = 30_000;

/**
 * The sandbox's engine: every OpenSSL call, checked and logged. It holds the handle
 * registry, the wires, the callbacks and the event log of one module instance. The public
 * API (src/sandbox/sandbox.ts) calls it in-process or through a worker.
 */
export class Engine {
  readonly handles = new HandleRegistry();
  readonly log = new EventLog();
  readonly #drivers = new Map<number, Driver>();
  /** The open connections' wires, by the connection's pointer: the glue reports the flights it moves to them. */
  readonly #wires = new Map<number, Wire>();
  readonly #ssls = new SslNames();
  readonly #callbacks: SessionCallbacks;
  /** The named external stores the shared session callbacks of several contexts use. */
  readonly #stores = new ExternalStores();
  readonly #tracer: Tracer;
  /** SSL objects made by SSL_new, for the rows of the C API table. */
  readonly ssl: SslObjects;
  /** Transcripts and key logs of the latest connections, open or closed, for captures. */
  readonly #archive = new Map<string, WireChunk[]>();
  readonly #lastCounters = new Map<number, Record<Counter, number>>();
  /** The SSL_CTX each SSL_CONF_CTX configures (SSL_CONF_CTX_set_ssl_ctx), by the SSL_CONF_CTX's handle id. */
  readonly #confTargets = new Map<number, ContextRef>();
  /** Mirrors osb_clock_configure: frozen at `value`, or real time plus `value`. */
  #clock = { frozen: false, value: 0 };

  constructor(readonly openssl: OpenSSL, private readonly options: EngineOptions = {}) {
    this.#callbacks = new SessionCallbacks(openssl, this.handles, this.log, this.#ssls, this.#stores);
    this.#tracer = new Tracer(openssl, this.log, this.#ssls);
    const traced = options.trace ?? true;
    this.ssl = new SslObjects(openssl, this.handles, this.log, this.#ssls, this.#callbacks, traced, {
      joined: (connection, transcript) => this.#remember(connection, transcript),
      ...(traced ? { flight: (connection, chunk, index) => this.#tracer.flight(connection, chunk, index) } : {}),
    });
    openssl.setHooks({
      ...this.#callbacks.hooks(), ...this.#tracer.hooks(), ...this.ssl.hooks(),
      flight: (conn, side, buf, length) => this.#wires.get(conn)?.crossed(side ? 'server' : 'client', openssl.copyOut(buf, length)),
    });
    openssl.setMemoryLimits(options.memoryLimit && count(options.memoryLimit, 'memoryLimit'),
      options.heapLimit && count(options.heapLimit, 'heapLimit'));
    if (options.seed !== undefined) openssl.seedRandomness(finite(options.seed, 'seed'));
    const start = options.clock ?? (options.seed !== undefined ? SEEDED_EPOCH : undefined);
    if (start !== undefined) this.setClock(start);
  }

  get #glue() {
    this.openssl.assertUsable();
    return this.openssl.glue;
  }

  /** OpenSSL_version(OPENSSL_VERSION) of the library in the module. */
  opensslVersion(): string {
    return this.#glue.osb_openssl_version();
  }

  /** The constants of this OpenSSL's headers (SSL_OP_NO_TICKET, SSL_MAX_SSL_SESSION_ID_LENGTH, …) by name, as its compiler evaluated them. */
  constants(): Record<string, number> {
    this.openssl.assertUsable();
    return { ...this.openssl.constants() };
  }

  /** The sandbox's self-signed server certificate and private key, as PEM (PEM_write_bio_X509, PEM_write_bio_PrivateKey). */
  serverCredentials(keyType: KeyType = 'ec-p256'): { cert: string; key: string } {
    const glue = this.#glue;
    const cert = glue.osb_keys_pem(keyTypeCode(keyType), 0);
    const key = glue.osb_keys_pem(keyTypeCode(keyType), 1);
    if (!cert || !key) throw this.openssl.failure('PEM_write_bio_X509');
    return { cert, key };
  }

  /** The module's memory: OpenSSL's live allocations, bytes malloc has handed out, the heap's size. */
  memory(): MemoryUse {
    this.openssl.assertUsable();
    return this.openssl.memory();
  }

  // ---- contexts -------------------------------------------------------------------

  /** SSL_CTX_new, then the settings and callbacks of `config`, each logged as its OpenSSL call. */
  createContext(config: ContextConfig): ContextRef {
    if (config?.role !== 'client' && config?.role !== 'server') {
      throw new ArgumentError(`context role must be 'client' or 'server', got ${JSON.stringify(config?.role)}`);
    }
    const keyType = keyTypeCode(config.keyType ?? 'ec-p256');
    const glue = this.#glue;
    glue.osb_err_clear();
    const method = config.role === 'server' ? 'TLS_server_method()' : 'TLS_client_method()';
    const ref = this.log.created('SSL_CTX_new', [method], 'SSL_CTX', () => {
      const ptr = glue.osb_ctx_new(SIDES[config.role], keyType);
      if (!ptr) throw this.openssl.failure('SSL_CTX_new');
      return this.handles.issue('SSL_CTX', ptr, `${config.role}_ctx`);
    }, (r) => r.name);
    // osb_ctx_new made these calls: shown, so that the trace is the whole C program.
    if (config.role === 'server') {
      const key = `OSB_KEY_${(config.keyType ?? 'ec-p256').toUpperCase().replace('-', '_')}`;
      this.log.call('SSL_CTX_use_certificate', [ref.name, `sandbox_certificate(${key})`], () => 1);
      this.log.call('SSL_CTX_use_PrivateKey', [ref.name, `sandbox_private_key(${key})`], () => 1);
    }
    this.log.call('SSL_CTX_set_verify', [ref.name, 'SSL_VERIFY_NONE', 'NULL'], () => undefined);
    try {
      this.configure(ref, config);
    } catch (error) {
      this.freeContext(ref);
      throw error;
    }
    return ref;
  }

  /** Changes settings of an existing context (the same fields as at creation, but role and key). */
  configure(ctx: ContextRef, settings: ContextSettings): void {
    const ptr = this.handles.pointer(ctx, 'SSL_CTX');
    this.#glue.osb_err_clear();
    applySettings(this, ctx, settings);
    if (settings.callbacks) this.#callbacks.configure(ctx, ptr, settings.callbacks);
  }

  /** The context's settings as OpenSSL reports them (SSL_CTX_get_session_cache_mode, _get_timeout, …). */
  settings(ctx: ContextRef): ContextState {
    return readSettings(this.openssl, this.handles.pointer(ctx, 'SSL_CTX'));
  }

  /**
   * Answers the context's get-session lookups with `handler` on the caller's side (in the
   * main thread, across the worker), asynchronously: the handshake waits for the answer
   * through SSL_CTX_set_client_hello_cb (SSL_ERROR_WANT_CLIENT_HELLO_CB). null removes it.
   */
  setGetSessionHandler(ctx: ContextRef, handler: GetSessionHandler | null, timeoutMs = DEFAULT_HANDLER_TIMEOUT_MS): void {
    const ptr = this.handles.pointer(ctx, 'SSL_CTX');
    this.#callbacks.setGetHandler(ctx, ptr, handler, count(timeoutMs, 'timeoutMs'));
  }

  /**
   * SSL_CTX_sess_set_new_cb, _set_remove_cb or _set_get_cb at any time: installs one session
   * callback with a behaviour (see NewBehaviour, GetBehaviour, RemoveBehaviour), or with null
   * removes it. `{ store }` makes it one of the shared callbacks, using the named external store
   * that every context naming it shares (the context's store: the last one named).
   */
  setSessionCallback(ctx: ContextRef, kind: CallbackKind, behaviour: NewBehaviour | GetBehaviour | RemoveBehaviour | null): void {
    this.#callbacks.set(ctx, this.handles.pointer(ctx, 'SSL_CTX'), kind, behaviour);
  }

  /** SSL_CTX_sess_get_new_cb, _get_remove_cb or _get_get_cb: the C name of the callback OpenSSL has installed, or null. */
  sessionCallback(ctx: ContextRef, kind: CallbackKind): string | null {
    const ptr = this.handles.pointer(ctx, 'SSL_CTX');
    const call = `SSL_CTX_sess_get_${kind}_cb`;
    const bit = { new: 1, remove: 2, get: 4 }[kind];
    return this.log.around(() => this.#callbacks.installedName(ptr, kind, (this.#glue.osb_ctx_get_callbacks(ptr) & bit) !== 0),
      (name) => ({ kind: 'call', call, args: [ctx.name], result: name ?? 'NULL', c: `${call}(${ctx.name}) = ${name ?? 'NULL'}` }));
  }

  /** Sessions the context's new-session callback kept ('keep'), as handles the application owns. */
  keptSessions(ctx: ContextRef): SessionRef[] {
    return this.#callbacks.kept(this.handles.pointer(ctx, 'SSL_CTX'));
  }

  /**
   * The named external stores the shared callbacks used so far, each with its entries: session id,
   * the context that stored it, its DER length, how many lookups it answered. No OpenSSL call: the
   * stores are the application's (they outlive the contexts, as a shared cache outlives a server).
   */
  externalStores(): Record<string, StoreEntry[]> {
    return this.#stores.list();
  }

  freeContext(ctx: ContextRef): void {
    const ptr = this.handles.release(ctx, 'SSL_CTX');
    this.log.call('SSL_CTX_free', [ctx.name], () => this.#glue.osb_ctx_free(ptr));
    this.#callbacks.forgetContext(ptr);
    this.#lastCounters.delete(ptr);
  }

  // ---- SSL_CONF_CTX: contexts configured by command name ----------------------------

  /** SSL_CONF_CTX_new */
  createConfContext(): ConfContextRef {
    return this.log.created('SSL_CONF_CTX_new', [], 'SSL_CONF_CTX', () => {
      const ptr = this.#glue.osb_conf_ctx_new();
      if (!ptr) throw this.openssl.failure('SSL_CONF_CTX_new');
      return this.handles.issue('SSL_CONF_CTX', ptr, 'cctx');
    }, (r) => r.name);
  }

  /** SSL_CONF_CTX_set_ssl_ctx: later commands configure `ctx`. */
  setConfContextTarget(cctx: ConfContextRef, ctx: ContextRef): void {
    const c = this.handles.pointer(cctx, 'SSL_CONF_CTX');
    const target = this.handles.pointer(ctx, 'SSL_CTX');
    this.log.call('SSL_CONF_CTX_set_ssl_ctx', [cctx.name, ctx.name], () => this.#glue.osb_conf_ctx_set_ssl_ctx(c, target));
    this.#confTargets.set(cctx.id, ctx);
  }

  /** SSL_CONF_cmd: 2 the value was used, 1 none was needed, 0 a bad value, -2 an unknown command, -3 a missing value. */
  confCommand(cctx: ConfContextRef, option: string, value: string): number {
    const c = this.#confPointer(cctx, 'SSL_CONF_cmd');
    this.#glue.osb_err_clear();
    return this.log.call('SSL_CONF_cmd', [cctx.name, JSON.stringify(option), JSON.stringify(value)],
      () => this.#glue.osb_conf_cmd(c, option, value), () => this.openssl.errorQueue().map((e) => e.reason || `error ${e.code}`));
  }

  /** SSL_CONF_CTX_finish: loads what the commands left pending (a Certificate's private key). */
  finishConfContext(cctx: ConfContextRef): number {
    const c = this.#confPointer(cctx, 'SSL_CONF_CTX_finish');
    this.#glue.osb_err_clear();
    return this.log.call('SSL_CONF_CTX_finish', [cctx.name], () => this.#glue.osb_conf_ctx_finish(c),
      () => this.openssl.errorQueue().map((e) => e.reason || `error ${e.code}`));
  }

  /** SSL_CONF_CTX_free: the SSL_CTX it configured stays as it is. */
  freeConfContext(cctx: ConfContextRef): void {
    const c = this.handles.release(cctx, 'SSL_CONF_CTX');
    this.#confTargets.delete(cctx.id);
    this.log.call('SSL_CONF_CTX_free', [cctx.name], () => this.#glue.osb_conf_ctx_free(c));
  }

  /** The SSL_CONF_CTX's pointer, refused when the SSL_CTX it configures was freed: C would write into freed memory. */
  #confPointer(cctx: ConfContextRef, call: string): Ptr<'SSL_CONF_CTX'> {
    const c = this.handles.pointer(cctx, 'SSL_CONF_CTX');
    const target = this.#confTargets.get(cctx.id);
    if (target && !this.handles.isAlive(target, 'SSL_CTX')) {
      throw new HandleError('disposed', `${call}(${cctx.name}): its SSL_CTX ${target.name} was freed (SSL_CTX_free); in C, `
        + `${cctx.name} still points to it and the command would write into freed memory. Set another (SSL_CONF_CTX_set_ssl_ctx) first.`);
    }
    return c;
  }

  // ---- OpenSSL's own test/ssl-tests ------------------------------------------------

  /** Runs one test of OpenSSL's test/ssl-tests as its ssl_test.c and handshake.c do (see ssl-test.ts); it frees all it makes. */
  sslTest(spec: SslTestSpec): Promise<SslTestRun> {
    this.openssl.assertUsable();
    return runSslTest(this, spec);
  }

  // ---- the cache ------------------------------------------------------------------

  /**
   * The SSL_SESSION behind a handle. `asC`: as C code may use a pointer, also through a reference
   * already freed while something else (a cache) keeps the object alive; refused once it is gone.
   */
  #session(session: SessionRef, asC: boolean): Ptr<'SSL_SESSION'> {
    return asC ? this.handles.object(session, 'SSL_SESSION') : this.handles.pointer(session, 'SSL_SESSION');
  }

  /**
   * SSL_CTX_add_session: 1 added (or replaced a same-id object), 0 the identical object was already
   * cached. `asC`: the session may be a reference already freed whose object lives on (see call()).
   */
  addSession(ctx: ContextRef, session: SessionRef, asC = false): number {
    const c = this.handles.pointer(ctx, 'SSL_CTX');
    const s = this.#session(session, asC);
    // OpenSSL links a cached SSL_SESSION into its context's list through the object itself: in a
    // second cache those links are overwritten, and the first list loops (SSL_CTX_free never returns).
    const holder = this.handles.live('SSL_CTX').find((r) => r.id !== ctx.id
      && this.#glue.osb_ctx_holds_session(this.handles.pointer(r, 'SSL_CTX'), s) === 1);
    if (holder) {
      throw new SandboxError('SESSION_IN_ANOTHER_CACHE', `${session.name} is in ${holder.name}'s cache already: OpenSSL keeps one `
        + `cache list per SSL_SESSION object, so adding it to ${ctx.name} as well would corrupt ${holder.name}'s list (SSL_CTX_free `
        + 'would then never return). Remove it there first (SSL_CTX_remove_session), or add a copy (SSL_SESSION_dup).');
    }
    return this.log.call('SSL_CTX_add_session', [ctx.name, session.name], () => this.#glue.osb_ctx_add_session(c, s));
  }

  /** SSL_CTX_remove_session: 1 removed, 0 it was not in the cache. `asC`: as for addSession(). */
  removeSession(ctx: ContextRef, session: SessionRef, asC = false): number {
    const c = this.handles.pointer(ctx, 'SSL_CTX');
    const s = this.#session(session, asC);
    return this.log.call('SSL_CTX_remove_session', [ctx.name, session.name], () => this.#glue.osb_ctx_remove_session(c, s));
  }

  /** SSL_CTX_flush_sessions: removes the sessions expired at `time` (default: the sandbox clock's now). */
  flushSessions(ctx: ContextRef, time?: number, call: 'SSL_CTX_flush_sessions' | 'SSL_CTX_flush_sessions_ex' = 'SSL_CTX_flush_sessions'): void {
    const c = this.handles.pointer(ctx, 'SSL_CTX');
    const at = time === undefined ? Math.floor(this.now()) : finite(time, 'time');
    this.log.call(call, [ctx.name, String(at)], () => this.#glue.osb_ctx_flush_sessions(c, at));
  }

  /** SSL_CTX_sess_number */
  sessionCount(ctx: ContextRef): number {
    const c = this.handles.pointer(ctx, 'SSL_CTX');
    return this.log.call('SSL_CTX_sess_number', [ctx.name], () => this.#glue.osb_ctx_sess_number(c));
  }

  /** The internal cache's contents (SSL_CTX_sessions), oldest first. */
  cachedSessions(ctx: ContextRef): CachedSession[] {
    const c = this.handles.pointer(ctx, 'SSL_CTX');
    const names = new Map<number, string[]>();
    for (const r of this.handles.live('SSL_SESSION')) {
      const s = this.handles.pointer(r, 'SSL_SESSION');
      names.set(s, [...(names.get(s) ?? []), r.name]);
    }
    return this.openssl.listSessions(c).map((s) => {
      const { name: _, alive: __, ...info } = this.#read('', s);
      return { ...info, handles: names.get(s) ?? [] };
    }).sort((a, b) => a.time - b.time || a.object.localeCompare(b.object));
  }

  /** All eleven SSL_CTX_sess_* counters; `log` records each read as its call (for a C export of the run). */
  counters(ctx: ContextRef, log = false): Record<Counter, number> {
    const c = this.handles.pointer(ctx, 'SSL_CTX');
    const glue = this.#glue;
    const read = (name: Counter, i: number) => (log
      ? this.log.call(`SSL_CTX_sess_${name}`, [ctx.name], () => glue.osb_ctx_sess_counter(c, i))
      : glue.osb_ctx_sess_counter(c, i));
    const values = Object.fromEntries(COUNTERS.map((name, i) => [name, read(name, i)])) as Record<Counter, number>;
    this.#lastCounters.set(c, values);
    return values;
  }

  /** The counters that changed since the previous counters() or counterChanges() of this context, by how much. */
  counterChanges(ctx: ContextRef): Partial<Record<Counter, number>> {
    const before = this.#lastCounters.get(this.handles.pointer(ctx, 'SSL_CTX'));
    const now = this.counters(ctx);
    return Object.fromEntries(COUNTERS.filter((k) => now[k] !== (before?.[k] ?? 0)).map((k) => [k, now[k] - (before?.[k] ?? 0)]));
  }

  /**
   * Runs many cache calls in one step (one worker round trip): each entry is a method name
   * and its arguments. Returns each result, or the error it raised, in order.
   */
  batch(calls: BatchCall[]): EngineBatchResult[] {
    if (!Array.isArray(calls)) throw new ArgumentError('batch() takes an array of [method, ...args] entries');
    return calls.map((entry) => {
      try {
        const [method, ...args] = Array.isArray(entry) ? entry : [];
        if (!BATCHABLE.includes(method as BatchMethod)) {
          throw new ArgumentError(`batch() runs ${BATCHABLE.join(', ')}; got ${JSON.stringify(method)}`);
        }
        return { ok: true, value: (this[method as BatchMethod] as (...a: unknown[]) => ReturnType<Engine[BatchMethod]>)(...args) };
      } catch (error) {
        return { ok: false, error: serializeError(typed(error, 'ARGUMENT', 'batch()')) };
      }
    });
  }

  // ---- sessions -------------------------------------------------------------------

  /** What can be observed of a session, also through a reference already freed while its object lives on (`alive` false). */
  sessionInfo(session: SessionRef): SessionInfo {
    if (!this.handles.isAlive(session, 'SSL_SESSION')) {
      const object = this.#objectIfAlive(session);
      if (object) return { ...this.#read(session.name, object), alive: false };
      return { name: session.name, alive: false, object: '', id: '', idLength: 0, idContext: '', protocol: '', cipher: '', time: 0,
        timeout: 0, resumable: false, hasTicket: false, ticketLifetimeHint: 0 };
    }
    return this.#read(session.name, this.handles.pointer(session, 'SSL_SESSION'));
  }

  #read(name: string, s: Ptr<'SSL_SESSION'>): SessionInfo {
    const glue = this.#glue;
    const id = hex(this.openssl.readBytes(32, (out) => glue.osb_session_get_id(s, out)));
    return {
      name,
      alive: true,
      object: this.#callbacks.describe(s).object,
      id,
      idLength: id.length / 2,
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

  #objectIfAlive(session: SessionRef): Ptr<'SSL_SESSION'> | undefined {
    try {
      return this.handles.object(session, 'SSL_SESSION');
    } catch {
      return undefined;
    }
  }

  /**
   * A name for the SSL_SESSION object an event showed (`#3`: the session a callback was given),
   * holding no reference: calls reach the object while OpenSSL keeps it, and are refused as a use
   * after free once it is destroyed. No OpenSSL call.
   */
  nameObject(object: string): SessionRef {
    if (typeof object !== 'string' || !/^#\d+$/.test(object)) throw new ArgumentError(`an object is named like '#3', got ${JSON.stringify(object)}`);
    const ref = this.handles.unowned('SSL_SESSION', this.#callbacks.pointerOf(object), 'object');
    this.log.add({ kind: 'name', name: ref.name, object, c: `/* ${ref.name} names SSL_SESSION ${object}, without a reference of its own */` });
    return ref;
  }

  /** SSL_SESSION_print */
  printSession(session: SessionRef): string {
    return this.#glue.osb_session_print(this.handles.pointer(session, 'SSL_SESSION'));
  }

  /** SSL_SESSION_free: drops this handle's reference; the handle is dead afterwards. NULL (null) is allowed, as in C: nothing happens. */
  freeSession(session: SessionRef | null): void {
    if (session === null) return this.log.call('SSL_SESSION_free', ['NULL'], () => this.#glue.osb_session_free(0 as Ptr<'SSL_SESSION'>));
    const s = this.handles.release(session, 'SSL_SESSION', true);
    this.log.call('SSL_SESSION_free', [session.name], () => this.#glue.osb_session_free(s));
  }

  /** SSL_SESSION_up_ref: a second handle to the same object, freed separately. `asC`: as for addSession(). */
  upRefSession(session: SessionRef, asC = false): SessionRef {
    const s = this.#session(session, asC);
    return this.log.around(() => {
      if (this.#glue.osb_session_up_ref(s) !== 1) throw this.openssl.failure('SSL_SESSION_up_ref');
      return this.handles.issue('SSL_SESSION', s, 'sess');
    }, (ref) => ({
      kind: 'call', call: 'SSL_SESSION_up_ref', args: [session.name], result: 1, declares: ref.name,
      c: `SSL_SESSION *${ref.name} = ${session.name}; SSL_SESSION_up_ref(${ref.name}) = 1`,
    }));
  }

  /** SSL_SESSION_dup: a different object with the same contents and id. `asC`: as for addSession(). */
  dupSession(session: SessionRef, asC = false): SessionRef {
    const s = this.#session(session, asC);
    return this.#newSession('SSL_SESSION_dup', [session.name], () => this.#glue.osb_session_dup(s));
  }

  /** SSL_SESSION_new, then the fields given, each with its setter. */
  createSession(fields: SessionFields = {}): SessionRef {
    const ref = this.#newSession('SSL_SESSION_new', [], () => this.#glue.osb_session_new());
    try {
      this.setSessionFields(ref, fields);
    } catch (error) {
      this.freeSession(ref);
      throw error;
    }
    return ref;
  }

  /** SSL_SESSION_set1_id, _set1_id_context, _set_protocol_version, _set_time, _set_timeout for the fields given. */
  setSessionFields(session: SessionRef, fields: SessionFields): void {
    const s = this.handles.pointer(session, 'SSL_SESSION');
    const glue = this.#glue;
    const checked = (fn: string, args: string[], work: () => number) => {
      if (this.log.call(fn, [session.name, ...args], work) === 0) throw this.openssl.failure(fn, args.join(', '));
    };
    for (const [field, fn, set] of [
      ['id', 'SSL_SESSION_set1_id', glue.osb_session_set1_id],
      ['idContext', 'SSL_SESSION_set1_id_context', glue.osb_session_set1_id_context],
    ] as const) {
      const value = fields[field];
      if (value === undefined) continue;
      const bytes = bytesOf(value, field);
      checked(fn, [`"${value}"`, String(bytes.length)], () => this.openssl.withBytes(bytes, (p, n) => set(s, p, n)));
    }
    if (fields.protocol !== undefined) {
      const version = protocol(fields.protocol, 'protocol');
      checked('SSL_SESSION_set_protocol_version', [versionConstant(fields.protocol)], () => glue.osb_session_set_protocol_version(s, version));
    }
    if (fields.time !== undefined) {
      const time = finite(fields.time, 'time');
      // It returns the time it set (its manual says 1), 0 only for a NULL session: no result means failure.
      this.log.call('SSL_SESSION_set_time', [session.name, String(time)], () => glue.osb_session_set_time(s, time));
    }
    if (fields.timeout !== undefined) {
      const timeout = count(fields.timeout, 'timeout');
      checked('SSL_SESSION_set_timeout', [String(timeout)], () => glue.osb_session_set_timeout(s, timeout));
    }
  }

  /** i2d_SSL_SESSION: the session's DER encoding. `asC`: as for addSession(). */
  encodeSession(session: SessionRef, asC = false): Uint8Array {
    const s = this.#session(session, asC);
    this.openssl.assertUsable();
    const der = encodeSession(this.openssl, s);
    if (!der) throw this.openssl.failure('i2d_SSL_SESSION');
    this.log.call('i2d_SSL_SESSION', [session.name, '&der'], () => der.length);
    return der;
  }

  /** d2i_SSL_SESSION: a new session from DER bytes; malformed bytes raise OpenSSL's error. */
  decodeSession(der: Uint8Array): SessionRef {
    if (!(der instanceof Uint8Array)) throw new ArgumentError('d2i_SSL_SESSION takes a Uint8Array of DER bytes');
    return this.#newSession('d2i_SSL_SESSION', ['NULL', '&der', String(der.length)],
      () => this.openssl.withBytes(der, (p, n) => this.#glue.osb_session_d2i(p, n)));
  }

  #newSession(call: string, args: string[], make: () => Ptr<'SSL_SESSION'>): SessionRef {
    this.#glue.osb_err_clear();
    return this.log.created(call, args, 'SSL_SESSION', () => {
      const s = make();
      if (!s) throw this.openssl.failure(call);
      return this.handles.issue('SSL_SESSION', s, 'sess');
    }, (r) => r.name);
  }

  // ---- connections ----------------------------------------------------------------

  /**
   * SSL_new for a client and a server, joined by the in-memory wire; SSL_set_session when a
   * session is given. `trace` (default: the sandbox's) reports every message, record and state change.
   */
  connect(client: ContextRef, server: ContextRef, session?: SessionRef, options: ConnectOptions = {}): ConnectionRef {
    const c = this.handles.pointer(client, 'SSL_CTX');
    const s = this.handles.pointer(server, 'SSL_CTX');
    const sess = session === undefined ? undefined : this.handles.pointer(session, 'SSL_SESSION');
    const glue = this.#glue;
    glue.osb_err_clear();
    const conn = glue.osb_conn_new(c, s);
    if (!conn) throw this.openssl.failure('SSL_new');
    const ref = this.handles.issue('osb_conn', conn, 'conn');
    const traced = options.trace ?? this.options.trace ?? true;
    const wire = new Wire(this.openssl, conn, traced ? (chunk, flight) => this.#tracer.flight(ref.name, chunk, flight) : undefined);
    // The driver re-checks the handle after waiting: close() or freeAll() may have run meanwhile.
    this.#drivers.set(ref.id, new Driver(this.openssl, this.log, this.#callbacks, wire, ref.name, () => this.handles.pointer(ref, 'osb_conn')));
    this.#wires.set(conn, wire);
    this.#remember(ref.name, wire.transcript);
    for (const side of ['client', 'server'] as const) {
      this.#ssls.set(glue.osb_conn_ssl(conn, SIDES[side]), ref.name, side);
      this.log.created('SSL_new', [side === 'client' ? client.name : server.name], 'SSL', () => `${ref.name}_${side}`, (n) => n);
    }
    if (traced) glue.osb_conn_trace(conn, 1);
    if (sess !== undefined) {
      const ok = this.log.call('SSL_set_session', [`${ref.name}_client`, session!.name], () => glue.osb_conn_set_session(conn, sess));
      if (ok !== 1) {
        const error = this.openssl.failure('SSL_set_session');
        this.close(ref, 'unclean');
        throw error;
      }
    }
    return ref;
  }

  /**
   * A whole connection in one call, as connect(), handshake(), getSession() of the client (and of
   * the server, with `serverSession`) and close() called one after the other would make it: each
   * step settled as a call of its own (asCall), close() also after a failure.
   */
  async wholeHandshake(client: ContextRef, server: ContextRef, session: SessionRef | undefined, shutdown: 'clean' | 'unclean',
    serverSession?: boolean): Promise<HandshakeResult & { session: SessionRef; serverSession?: SessionRef }> {
    const ref = await asCall(this, () => this.connect(client, server, session));
    try {
      const result = await asCall(this, () => this.handshake(ref));
      const own = await asCall(this, () => this.getSession(ref, 'client'));
      return { ...result, session: own, ...(serverSession ? { serverSession: await asCall(this, () => this.getSession(ref, 'server')) } : {}) };
    } finally {
      await asCall(this, () => this.close(ref, shutdown));
    }
  }

  /**
   * Runs the next side's SSL_do_handshake and holds back what it wrote: the flight is shown
   * to the caller, who then delivers it as it is, changed, reordered, duplicated or not at
   * all (deliver()). OpenSSL's reaction shows in the next step.
   */
  step(connection: ConnectionRef): Promise<Flight> {
    this.handles.pointer(connection, 'osb_conn');
    return this.#drivers.get(connection.id)!.step();
  }

  /** Delivers the held flight: as it was (no argument), or the records given instead. */
  deliver(connection: ConnectionRef, records?: Uint8Array[]): void {
    this.handles.pointer(connection, 'osb_conn');
    this.#drivers.get(connection.id)!.deliver(records);
  }

  /** SSL_do_handshake on both sides in turn, each flight delivered as it is, until both are done. */
  handshake(connection: ConnectionRef): Promise<HandshakeResult> {
    this.handles.pointer(connection, 'osb_conn');
    return this.#drivers.get(connection.id)!.handshake();
  }

  /** The outcome of a finished handshake: version, cipher, reuse on each side, session ids, traffic. */
  result(connection: ConnectionRef): HandshakeResult {
    this.handles.pointer(connection, 'osb_conn');
    return this.#drivers.get(connection.id)!.result();
  }

  /** SSL_get1_session: a new reference to one side's session. */
  getSession(connection: ConnectionRef, side: Side): SessionRef {
    const conn = this.handles.pointer(connection, 'osb_conn');
    return this.log.created('SSL_get1_session', [`${connection.name}_${side}`], 'SSL_SESSION', () => {
      const s = this.#glue.osb_conn_get1_session(conn, SIDES[side]);
      if (!s) throw new SandboxError('NO_SESSION', `${connection.name}_${side} has no session (has the handshake run?)`);
      return this.handles.issue('SSL_SESSION', s, 'sess');
    }, (r) => r.name);
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
        this.log.call('SSL_shutdown', [`${connection.name}_${side}`], () => glue.osb_conn_shutdown(conn, SIDES[side]));
        this.#drivers.get(connection.id)!.wire.transfer(side);
      }
      glue.osb_err_clear();
    }
    this.handles.release(connection, 'osb_conn');
    this.#drivers.delete(connection.id);
    this.#wires.delete(conn);
    const ssls = (['client', 'server'] as const).map((side) => glue.osb_conn_ssl(conn, SIDES[side]));
    const [client, server] = [`${connection.name}_client`, `${connection.name}_server`];
    this.log.around(() => glue.osb_conn_free(conn), () => ({
      kind: 'call', call: 'SSL_free', args: [client, server], c: `SSL_free(${client}); SSL_free(${server})`,
    }));
    for (const ssl of ssls) {
      this.#ssls.delete(ssl);
      this.#callbacks.forgetSsl(ssl);
    }
  }

  /** The bytes that crossed a connection's wire, flight by flight (also after it closed, for the latest ones). */
  transcript(connection: ConnectionRef | string): WireChunk[] {
    const name = typeof connection === 'string' ? connection : connection.name;
    const chunks = this.#archive.get(name);
    if (!chunks) throw new ArgumentError(`no transcript of a connection named ${JSON.stringify(name)} (only the latest ${ARCHIVED} are kept)`);
    return chunks;
  }

  /** The NSS key log (SSLKEYLOGFILE format) of a connection, for decrypting its capture. */
  keylog(connection: ConnectionRef | string): string {
    const name = typeof connection === 'string' ? connection : connection.name;
    this.transcript(name);
    return this.#tracer.keylog(name);
  }

  #remember(name: string, transcript: WireChunk[]) {
    this.#archive.set(name, transcript);
    for (const old of this.#archive.keys()) {
      if (this.#archive.size <= ARCHIVED) break;
      this.#archive.delete(old);
      this.#tracer.forget(old);
    }
  }

  // ---- the C API by name (src/sandbox/c-api.ts) ------------------------------------

  /**
   * Calls an OpenSSL function of the table by its name: objects as handles (null where C takes
   * NULL), numbers as C passes them, masks as numbers or flag names, bytes as hex or text. It
   * returns what C returns (a new SSL_SESSION as a handle, bytes an out-parameter gave as hex).
   * Refused before any C runs, with a CallError or a HandleError naming the argument: a function
   * the table lacks or this OpenSSL lacks, the wrong number or kind of arguments, a freed object.
   * As in C, a session whose reference was freed may still be used while OpenSSL keeps the object
   * (a cache holds it); only once it is destroyed is its use refused (a use after free). Freeing a
   * reference twice is refused at once (a double free).
   */
  call(name: string, args: unknown[] = []): unknown {
    const called = this.#call(name, args);
    return called instanceof Promise ? called.then((c) => c.result) : called.result;
  }

  /**
   * call() of a setter that returns 1 on success (SSL_CTX_set_min_proto_version, …), for the
   * friendly settings: another result throws an OpenSSLError with what OpenSSL's error queue held.
   */
  callSetter(name: string, args: unknown[]): void {
    const { result, queue, shown } = this.#call(name, args) as Called;
    if (result !== 1) throw this.openssl.failure(name, shown.slice(1).join(', '), queue);
  }

  #call(name: string, args: unknown[]): Called | Promise<Called> {
    const fn = this.#cFunction(name);
    const checked = checkArguments(name, fn, Array.isArray(args) ? args : [args], (ref, kind, freeing) => this.handles.object(ref, kind, freeing), this.openssl.constants());
    let queue: OpenSSLErrorEntry[] = [];
    if (fn.engine) return { result: fn.engine(this, checked.given as never[]), queue, shown: checked.shown };
    this.#glue.osb_err_clear();
    const ssl = fn.wire ? checked.given[0] as SslRef : undefined;
    // A server SSL whose asynchronous get-session lookup is out goes on once it is answered, as C code would call again then.
    const waiting = ssl && this.#callbacks.unanswered(checked.values[0] as number);
    if (waiting) return waiting.then(() => this.#call(name, args));
    const result = this.log.call(name, checked.shown, () => {
      const r = fn.glue!(this.openssl, checked.values);
      if (ssl) this.ssl.settled(checked.values[0] as Ptr<'SSL'>, ssl, r as number);
      return r;
    }, () => (queue = this.openssl.errorQueue()).map((e) => e.reason || `error ${e.code}`));
    if (ssl) this.ssl.transfer(ssl);
    return { result, queue, shown: checked.shown };
  }

  #cFunction(name: string): CFunction {
    const fn = cFunction(name);
    if (!fn) {
      throw new CallError('UNKNOWN_FUNCTION', name, 'a function of the session family',
        `${JSON.stringify(name)} is not a function the sandbox can call (known: ${CALL_NAMES.join(', ')})`);
    }
    const version = this.opensslVersion();
    if (fn.since && !hasSince(version, fn.since)) {
      throw new CallError('NOT_IN_THIS_OPENSSL', name, `OpenSSL ${fn.since} or later`,
        `${name} is not in this OpenSSL (${version}): it first appeared in OpenSSL ${fn.since}`);
    }
    return fn;
  }

  // ---- clock ----------------------------------------------------------------------

  /** OpenSSL's "now", in seconds since the epoch. */
  now(): number {
    return this.#glue.osb_clock_get();
  }

  /** Freezes the clock at `epochSeconds` (null: real time again). */
  setClock(epochSeconds: number | null): void {
    const clock = epochSeconds === null ? { frozen: false, value: 0 } : { frozen: true, value: finite(epochSeconds, 'epochSeconds') };
    this.#applyClock(clock, () => `/* clock set to ${epochSeconds === null ? 'real time' : new Date(clock.value * 1000).toISOString()} */`);
  }

  /** Moves the clock forward by `seconds`; a frozen clock stays frozen, a running one keeps running. */
  advanceClock(seconds: number): void {
    const by = finite(seconds, 'seconds');
    if (by < 0) throw new ArgumentError(`the clock only moves forward: advance(${by})`);
    this.#applyClock({ ...this.#clock, value: this.#clock.value + by }, () => `/* clock advanced by ${by} s */`);
  }

  /**
   * The latest time the clock may show: time_t's largest value in this build (2038-01-19T03:14:07Z
   * where time_t has 32 bits, as with emscripten 3.1.6), at most the last second Date can show.
   * OpenSSL's session times would wrap past it, so that expired sessions resumed.
   */
  clockLimit(): number {
    return Math.min(2 ** (8 * this.#glue.osb_time_t_size() - 1) - 1, MAX_DATE_SECONDS);
  }

  /** Checks the clock `next` would show, then makes it the clock: a refused value changes nothing. */
  #applyClock(next: { frozen: boolean; value: number }, c: () => string) {
    const glue = this.#glue;
    const now = next.frozen ? next.value : Date.now() / 1000 + next.value;
    const limit = this.clockLimit();
    if (!(now >= 0 && now <= limit)) {
      throw new SandboxError('CLOCK_RANGE', `the clock would read ${now} s since the epoch: this build's clock runs from 0 to ${limit} `
        + `(${new Date(limit * 1000).toISOString()}, ${limit === MAX_DATE_SECONDS ? 'the last second Date can show' : `the largest ${8 * glue.osb_time_t_size()}-bit time_t`})`);
    }
    this.#clock = next;
    glue.osb_clock_configure(next.frozen ? 1 : 0, next.value);
    this.log.add({ kind: 'clock', now: this.now(), c: c() });
  }

  // ---- events ---------------------------------------------------------------------

  events(since = 0): SandboxEvent[] {
    return this.log.since(since);
  }

  /** How many events were logged so far: a cheap marker for events(since). */
  eventCount(): number {
    return this.log.count;
  }

  /** Calls `listener` with every new event; returns an id for unsubscribe(). */
  subscribe(listener: (event: SandboxEvent) => void): number {
    return this.log.subscribe(listener);
  }

  unsubscribe(id: number): void {
    this.log.unsubscribe(id);
  }

  /**
   * Frees every C object, then OpenSSL's own state, and reports the OpenSSL allocations left
   * (leaks; null when the module aborted and nothing could be freed). The engine is unusable afterwards.
   */
  release(): LeakReport | null {
    if (this.openssl.isAborted()) return null;
    this.freeAll();
    return this.openssl.release();
  }

  /** Frees every C object this engine still holds: connections and SSL objects, then sessions, then contexts. */
  freeAll(): void {
    if (this.openssl.isAborted()) return;
    for (const ref of this.handles.live('osb_conn')) this.close(ref, 'unclean');
    this.ssl.freeAll();
    for (const ref of this.handles.live('SSL_CONF_CTX')) this.freeConfContext(ref);
    for (const ref of this.handles.live('SSL_SESSION')) this.freeSession(ref);
    for (const ref of this.handles.live('SSL_CTX')) this.freeContext(ref);
  }
}

/**
 * Runs `work`, a call of the engine, as the API makes each call. When the module aborts during it
 * (out of memory, a trap), emscripten throws a bare RuntimeError: the caller gets the typed ABORTED
 * error instead. When an onEvent listener or a hook failed during it (caught before it reached
 * OpenSSL), the call fails with that error once the listeners have answered.
 */
export async function asCall<T>(engine: Engine, work: () => T): Promise<Awaited<T>> {
  let result: Awaited<T>;
  try {
    result = await work();
  } catch (error) {
    engine.openssl.assertUsable();
    await engine.log.settle();
    engine.openssl.takeHookFault();
    throw error;
  }
  const fault = (await engine.log.settle()) ?? engine.openssl.takeHookFault();
  if (fault) throw fault;
  return result;
}

function bytesOf(value: string, field: string): Uint8Array {
  const bytes = fromHex(value);
  if (!bytes) throw new ArgumentError(`${field} must be hex bytes, got ${JSON.stringify(value)}`);
  return bytes;
}

export type { ContextConfig, ContextSettings, ContextState, Flight, GetSessionHandler, HandshakeResult, SessionObject, StoreEntry };
