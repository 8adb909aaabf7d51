import type { Counter, KeyType, ProtocolVersion, SessionCacheMode, Side, SslConfFlag, SslOption, VerifyMode } from '../core/constants.js';
import { ArgumentError, deserializeError, type SandboxError } from '../core/errors.js';
import type { C_API, CallName } from './c-api.js';
import type { HandleRef } from '../core/handles.js';
import { checkVariant, compiledModule, DEFAULT_VARIANT, type LocateFile, type Variant } from '../core/module.js';
import type { LeakReport, MemoryUse } from '../core/openssl.js';
import {
  type BatchCall, type BatchMethod, type BatchResult, type ConnectOptions, type Flight, type CachedSession, type ConnectionRef, type ContextConfig, type ContextRef, type ContextSettings,
  type ContextState, type HandshakeResult, type SessionFields, type SessionInfo, type SessionRef,
} from './engine.js';
import type { StoreChoice, StoreEntry } from './external-stores.js';
import { toPcapng } from '../trace/pcapng.js';
import type { SandboxEvent } from './events.js';
import type { SslTestRun, SslTestSpec } from './ssl-test.js';
import { startEngine } from './start.js';
import { inProcess, isEngineMethod, type EngineApi, type StartWorker, type Transport } from './transport.js';
import type { WireChunk } from './wire.js';

export interface SandboxOptions {
  /** Which OpenSSL line to run (VARIANTS): '3.5' (LTS) unless told otherwise. */
  openssl?: Variant;
  /**
   * Run OpenSSL in a worker (a Web Worker in browsers, worker_threads in Node), so the caller's
   * thread never blocks: the default. `false` runs it in this thread, with the same API.
   */
  worker?: boolean;
  /** Start the clock frozen at this time (seconds since the epoch); default: real time. */
  clock?: number;
  /**
   * Deterministic mode: OpenSSL's randomness comes from this seed and the clock is frozen
   * (at `clock`, or 2027-01-15T08:00:00Z), so the same steps give byte-identical transcripts
   * in Node and in browsers. For experiments only: such keys are not secret.
   */
  seed?: number;
  /** Report every handshake message, record, state change and alert as events (default true). */
  trace?: boolean;
  /**
   * Bytes OpenSSL may hold at once (default: no limit). An allocation beyond it is refused:
   * OpenSSL sees a malloc failure, the call fails with a MemoryLimitError (code `MEMORY_LIMIT`)
   * and the sandbox stays usable once something is freed. A limit below what OpenSSL holds during
   * one handshake of a fresh sandbox is refused with an ArgumentError naming that minimum
   * (measured in a probe instance of the module, once per variant and realm, when a limit below
   * the 16 MiB a module starts with is first given).
   */
  memoryLimit?: number;
  /**
   * Bytes the module's WebAssembly memory may grow to (default: no limit; it must exceed the
   * 16 MiB a module starts with). Growing past it aborts the module, as running out of memory
   * does: calls then fail with code `ABORTED` until restart().
   */
  heapLimit?: number;
  /**
   * Where the `.wasm` and the worker script load from. By default they load from beside the
   * package's modules (`new URL(…, import.meta.url)`), that is, wherever your bundler emitted
   * them; return another address to serve them from a CDN or another path. A worker script of
   * another origin starts through a same-origin blob worker that imports it: its server must
   * allow this page by CORS, as for the `.wasm`.
   */
  locateFile?: LocateFile;
}

/** What a handle needs of its sandbox: the engine, and how to pass callbacks and bytes to it. */
interface Link {
  readonly engine: EngineApi;
  callback<F extends (...args: never[]) => unknown>(fn: F): F;
  /** `data` ready to cross to the engine; anything but a Uint8Array (view) is refused, naming `what` it should be. */
  bytes(data: Uint8Array, what: string): Uint8Array;
}

/** A live OpenSSL object of the sandbox; `dispose()` frees it (and `await using` does too). */
abstract class Handle<K extends HandleRef['kind']> {
  constructor(/** @internal */ protected readonly link: Link, readonly ref: HandleRef<K>) {}

  /** @internal */
  protected get engine(): EngineApi {
    return this.link.engine;
  }

  /** The name in traces and C code, for example `server_ctx_1` or `sess_2`. No OpenSSL call. */
  get name(): string {
    return this.ref.name;
  }

  /** Frees the OpenSSL object (SSL_CTX_free, SSL_SESSION_free, or SSL_shutdown and SSL_free). */
  abstract dispose(): Promise<void>;

  /** dispose(), for `await using`: SSL_CTX_free, SSL_SESSION_free, or SSL_shutdown and SSL_free. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** As JSON a handle is its plain reference (kind, owner, id, name). No OpenSSL call. */
  toJSON(): HandleRef<K> {
    return this.ref;
  }

  /**
   * dispose() without waiting, for `using` (SSL_CTX_free, SSL_SESSION_free, or SSL_shutdown and
   * SSL_free); calls are processed in order, so later calls see it freed.
   */
  [Symbol.dispose](): void {
    void this.dispose().catch(() => {});
  }
}

/** Accepts a handle object and passes its plain reference on; anything else reaches the engine's checks as it is. */
const refOf = (value: unknown): never => (value instanceof Handle ? value.ref : value) as never;

/** An SSL_CTX. */
export class Context extends Handle<'SSL_CTX'> {
  /** SSL_CTX_add_session: 1 added (or replaced a different object with the same id), 0 the identical object was already there. */
  addSession(session: Session): Promise<number> {
    return this.engine.addSession(this.ref, refOf(session));
  }

  /** SSL_CTX_remove_session: 1 removed, 0 not in the cache. */
  removeSession(session: Session): Promise<number> {
    return this.engine.removeSession(this.ref, refOf(session));
  }

  /** SSL_CTX_flush_sessions at the sandbox clock's now: drops the expired sessions. */
  flushSessions(): Promise<void> {
    return this.engine.flushSessions(this.ref);
  }

  /** SSL_CTX_sess_number: how many sessions the internal cache holds. */
  sessionCount(): Promise<number> {
    return this.engine.sessionCount(this.ref);
  }

  /** The internal cache's sessions (SSL_CTX_sessions), oldest first. */
  cachedSessions(): Promise<CachedSession[]> {
    return this.engine.cachedSessions(this.ref);
  }

  /** The eleven SSL_CTX_sess_* counters (SSL_CTX_sess_accept, SSL_CTX_sess_hits, …); `log` records the reads as calls. */
  counters(options: { log?: boolean } = {}): Promise<Record<Counter, number>> {
    return this.engine.counters(this.ref, options.log);
  }

  /** The SSL_CTX_sess_* counters that changed since the previous counters() or counterChanges(), by how much. */
  counterChanges(): Promise<Partial<Record<Counter, number>>> {
    return this.engine.counterChanges(this.ref);
  }

  /** Changes settings (SSL_CTX_set_session_cache_mode, SSL_CTX_set_timeout, callbacks, …). */
  configure(settings: ContextSettings): Promise<void> {
    return this.engine.configure(this.ref, settings);
  }

  /** The settings as OpenSSL reports them (SSL_CTX_get_session_cache_mode, SSL_CTX_get_timeout, …). */
  settings(): Promise<ContextState> {
    return this.engine.settings(this.ref);
  }

  /**
   * Sessions the new-session callback (SSL_CTX_sess_set_new_cb) kept (`callbacks: { newSession: 'keep' }`);
   * the application owns them. No OpenSSL call: the callback already ran.
   */
  async keptSessions(): Promise<Session[]> {
    return (await this.engine.keptSessions(this.ref)).map((ref) => new Session(this.link, ref));
  }

  /**
   * Answers this context's get-session lookups (SSL_CTX_sess_set_get_cb) with `handler`,
   * which may be asynchronous: an external cache. The handshake waits for its answer
   * (SSL_CTX_set_client_hello_cb and SSL_ERROR_WANT_CLIENT_HELLO_CB), at most `timeoutMs`.
   * `null` removes it.
   */
  setGetSessionHandler(handler: ((id: string) => Promise<Session | null> | Session | null) | null, timeoutMs?: number): Promise<void> {
    const answer = handler && this.link.callback(async (id: string) => refOf(await handler(id)) ?? null);
    return this.engine.setGetSessionHandler(this.ref, answer, timeoutMs);
  }

  /** SSL_CTX_free */
  dispose(): Promise<void> {
    return this.engine.freeContext(this.ref);
  }
}

/** One reference to an SSL_SESSION. */
export class Session extends Handle<'SSL_SESSION'> {
  /** Everything observable about the session (SSL_SESSION_get_id, _get_time, _is_resumable, …). */
  info(): Promise<SessionInfo> {
    return this.engine.sessionInfo(this.ref);
  }

  /** SSL_SESSION_print: OpenSSL's own text description. */
  print(): Promise<string> {
    return this.engine.printSession(this.ref);
  }

  /** i2d_SSL_SESSION: the DER encoding. */
  encode(): Promise<Uint8Array> {
    return this.engine.encodeSession(this.ref);
  }

  /** Sets fields of the session (SSL_SESSION_set1_id, _set_time, _set_timeout, …). */
  set(fields: SessionFields): Promise<void> {
    return this.engine.setSessionFields(this.ref, fields);
  }

  /** SSL_SESSION_dup: a different SSL_SESSION object with the same contents and id. */
  async dup(): Promise<Session> {
    return new Session(this.link, await this.engine.dupSession(this.ref));
  }

  /** SSL_SESSION_up_ref: another handle to this same object, to be freed on its own. */
  async upRef(): Promise<Session> {
    return new Session(this.link, await this.engine.upRefSession(this.ref));
  }

  /** SSL_SESSION_free: drops this reference; the handle cannot be used afterwards. */
  dispose(): Promise<void> {
    return this.engine.freeSession(this.ref);
  }
}

/**
 * An SSL object made by SSL_new (`sb.call('SSL_new', ctx)`), driven by the calls of the C API
 * table: sandbox_join, SSL_do_handshake, SSL_get_session, SSL_shutdown, …
 */
export class Ssl extends Handle<'SSL'> {
  /** SSL_free */
  dispose(): Promise<void> {
    return this.engine.call('SSL_free', [this.ref]) as Promise<void>;
  }
}

/** An SSL_CONF_CTX (made by `sb.call('SSL_CONF_CTX_new')`): configures an SSL_CTX by command name. */
export class ConfContext extends Handle<'SSL_CONF_CTX'> {
  /** SSL_CONF_CTX_free: the SSL_CTX it configured stays as it is. */
  dispose(): Promise<void> {
    return this.engine.freeConfContext(this.ref);
  }
}

/** A client SSL and a server SSL joined by the in-memory wire. */
export class Connection extends Handle<'osb_conn'> {
  /** SSL_do_handshake on both sides until both are done. */
  handshake(): Promise<HandshakeResult> {
    return this.engine.handshake(this.ref);
  }

  /**
   * Runs the next side's SSL_do_handshake and holds what it wrote: look at the flight, then
   * deliver() it as it is, or changed. OpenSSL's reaction (an alert, a failure) shows in the
   * next step.
   */
  step(): Promise<Flight> {
    return this.engine.step(this.ref);
  }

  /**
   * Delivers the held flight (BIO_write into the peer's memory BIO): unchanged, or the records
   * given instead (drop, modify, duplicate or reorder them). The records are copied: the
   * caller's arrays stay usable.
   */
  async deliver(records?: Uint8Array[]): Promise<void> {
    if (records !== undefined && !Array.isArray(records)) throw new ArgumentError('deliver() takes an array of Uint8Array records');
    return this.engine.deliver(this.ref, records?.map((r, i) => this.link.bytes(r, `deliver()'s record ${i}`)));
  }

  /** The outcome of the finished handshake (after step() said `done`): SSL_session_reused, SSL_version, SSL_get_cipher_name, SSL_SESSION_get_id. */
  result(): Promise<HandshakeResult> {
    return this.engine.result(this.ref);
  }

  /** SSL_get1_session of one side (the client's by default). */
  async session(side: Side = 'client'): Promise<Session> {
    return new Session(this.link, await this.engine.getSession(this.ref, side));
  }

  /** The bytes that crossed the wire so far, flight by flight. No OpenSSL call: the sandbox recorded them. */
  transcript(): Promise<WireChunk[]> {
    return this.engine.transcript(this.ref);
  }

  /** The secrets of this connection in the NSS key log format (SSLKEYLOGFILE), for Wireshark, as SSL_CTX_set_keylog_callback gave them. */
  keylog(): Promise<string> {
    return this.engine.keylog(this.ref);
  }

  /** SSL_shutdown on both sides (`clean`, the default) or not (`unclean`: OpenSSL then drops the session from the cache), then SSL_free. */
  close(how: 'clean' | 'unclean' = 'clean'): Promise<void> {
    return this.engine.close(this.ref, how);
  }

  /** close('clean'): SSL_shutdown on both sides, then SSL_free. */
  dispose(): Promise<void> {
    return this.close('clean');
  }
}

export interface HandshakeOptions {
  client: Context;
  server: Context;
  /** Offered for resumption (SSL_set_session on the client). */
  session?: Session;
  /** How the connection ends afterwards; default `clean`. */
  shutdown?: 'clean' | 'unclean';
  /** Also take a reference to the server's own SSL_SESSION (SSL_get1_session on the server side) as `serverSession`. */
  serverSession?: boolean;
}

/** The virtual clock: OpenSSL's "now" for session times, timeouts and ticket ages. */
export class Clock {
  constructor(private readonly link: Link) {}

  /** Seconds since the epoch, as OpenSSL sees them through time(), gettimeofday() and clock_gettime(). No OpenSSL call. */
  now(): Promise<number> {
    return this.link.engine.now();
  }

  /** Moves time forward by `seconds`, for OpenSSL's time() and the others. No OpenSSL call. */
  advance(seconds: number): Promise<void> {
    return this.link.engine.advanceClock(seconds);
  }

  /**
   * The latest time the clock can show, in seconds since the epoch: the largest time_t of this
   * build (2038-01-19T03:14:07Z where time_t has 32 bits, as emscripten 3.1.6 builds it), at
   * most what Date can show. set() and advance() beyond it (or before 1970) fail with
   * CLOCK_RANGE and leave the clock as it was. No OpenSSL call.
   */
  limit(): Promise<number> {
    return this.link.engine.clockLimit();
  }

  /** Freezes the clock at `epochSeconds`; `null` returns to real time. No OpenSSL call. */
  set(epochSeconds: number | null): Promise<void> {
    return this.link.engine.setClock(epochSeconds);
  }
}

type ArgType<K> = K extends 'SSL_CTX' ? Context : K extends 'SSL_SESSION' ? Session : K extends 'SSL_SESSION|NULL' ? Session | null
  : K extends 'SSL' ? Ssl : K extends 'SSL_CONF_CTX' ? ConfContext : K extends 'verify_cb' ? null : K extends 'verify_mode' ? number | VerifyMode[]
  : K extends 'cache_mode' ? number | SessionCacheMode[] : K extends 'options' ? number | SslOption[] : K extends 'conf_flags' ? number | SslConfFlag[]
  : K extends 'version' ? number | ProtocolVersion
  : K extends 'hex' | 'text' | 'string' ? string : K extends 'der' ? Uint8Array
  : K extends 'new_cb' ? 'keep' | 'decline' | 'free' | StoreChoice | null : K extends 'remove_cb' ? 'forget' | StoreChoice | null
  : K extends 'get_cb' ? 'store' | 'null' | Session | { answer: 'store' | 'null' | Session; copy?: 0 | 1 } | StoreChoice | null : number;
type ArgTypes<A> = A extends readonly [infer H, ...infer T] ? (H extends `${infer K}?` ? [ArgType<K>?, ...ArgTypes<T>] : [ArgType<H>, ...ArgTypes<T>]) : [];
/** The arguments of a C function of the table, as Sandbox.call() takes them. */
export type CallArgs<N extends CallName> = ArgTypes<(typeof C_API)[N]['args']>;
/** What Sandbox.call() resolves with for a C function: C's result. */
export type CallResult<N extends CallName> = (typeof C_API)[N]['returns'] extends infer R
  ? R extends 'void' ? undefined : R extends 'SSL_SESSION' ? Session : R extends 'SSL_SESSION|NULL' | 'get0 SSL_SESSION|NULL' ? Session | null
  : R extends 'SSL' ? Ssl : R extends 'SSL_CONF_CTX' ? ConfContext : R extends 'hex' ? string : R extends 'der' ? Uint8Array
  : R extends 'callback' ? string | null : number : never;

type Public<T> = T extends HandleRef<'SSL_CTX'> ? Context : T extends HandleRef<'SSL_SESSION'> ? Session : T;
/** A batch entry with the public handle objects in place of references. */
export type PublicBatchCall = BatchCall extends infer C ? (C extends [infer M, ...infer A] ? [M, ...{ [I in keyof A]: Public<A[I]> }] : never) : never;
/** batch()'s answers, each typed by the method of its call: `[BatchResult<'addSession'>, BatchResult<'sessionCount'>]`. */
export type BatchResults<C extends readonly PublicBatchCall[]> = { -readonly [I in keyof C]: C[I] extends [infer M extends BatchMethod, ...unknown[]] ? BatchResult<M> : never };

type FullOptions = SandboxOptions & { openssl: Variant; worker: boolean; startWorker: StartWorker };

/** One OpenSSL module instance with its contexts, sessions, connections, clock and event log. */
/** A sandbox nobody holds any more stops its worker, even if dispose() was never called. */
const collected = new FinalizationRegistry<{ transport?: Transport }>((owned) => owned.transport?.terminate());

export class Sandbox {
  readonly clock: Clock;
  /** The transport, where collected's callback finds it once this sandbox is gone. */
  readonly #owned: { transport?: Transport } = {};

  get #transport(): Transport {
    return this.#owned.transport!;
  }

  set #transport(transport: Transport) {
    this.#owned.transport = transport;
  }
  readonly #link: Link;

  private constructor(readonly options: FullOptions, transport: Transport) {
    this.#transport = transport;
    collected.register(this, this.#owned, this.#owned);
    // Handles reach the engine through this link, so that restart() can replace what is behind it.
    const engine = new Proxy({} as EngineApi, { get: (_, name) => (isEngineMethod(name) ? this.#transport.engine[name] : undefined) });
    this.#link = { engine, callback: (fn) => this.#transport.callback(fn), bytes: (data, what) => this.#transport.bytes(uint8Array(data, what)) };
    this.clock = new Clock(this.#link);
  }

  /**
   * Loads an OpenSSL module (in a worker started by `startWorker` unless `worker: false`) and
   * returns a sandbox around it. No OpenSSL call yet: OpenSSL initialises itself in the first
   * SSL_CTX_new.
   * @internal createSandbox() calls it with src/worker's startWorker.
   */
  static async create(options: SandboxOptions, startWorker: StartWorker): Promise<Sandbox> {
    const full = { ...options, openssl: options.openssl ?? DEFAULT_VARIANT, worker: options.worker ?? true, startWorker };
    checkVariant(full.openssl);
    return new Sandbox(full, await connect(full));
  }

  /** The OpenSSL line this sandbox runs ('3.5', …). No OpenSSL call. */
  get variant(): Variant {
    return this.options.openssl;
  }

  get #engine(): EngineApi {
    return this.#link.engine;
  }

  /** SSL_CTX_new plus the settings in `config`, each logged as its OpenSSL call. */
  async context(config: ContextConfig): Promise<Context> {
    return new Context(this.#link, await this.#engine.createContext(config));
  }

  /** SSL_SESSION_new plus the fields given: a session made by hand. */
  async createSession(fields: SessionFields = {}): Promise<Session> {
    return new Session(this.#link, await this.#engine.createSession(fields));
  }

  /**
   * A name for the SSL_SESSION object an event showed (its `session.object`, `#3`: the session a
   * callback was given or answered with), holding no reference: it reaches the object while
   * OpenSSL keeps it, and calls through it are refused as a use after free once it is destroyed.
   * Its dispose() is refused: it owns no reference to free. No OpenSSL call.
   */
  async sessionObject(object: string): Promise<Session> {
    return new Session(this.#link, await this.#engine.nameObject(object));
  }

  /** d2i_SSL_SESSION of any Uint8Array view (a Buffer too); the bytes are copied, `der` stays as it is. */
  async decodeSession(der: Uint8Array): Promise<Session> {
    return new Session(this.#link, await this.#engine.decodeSession(this.#link.bytes(der, 'd2i_SSL_SESSION\'s DER bytes')));
  }

  /**
   * Many cache calls in one round trip: `[['addSession', ctx, session], ['sessionCount', ctx], …]`
   * with Context and Session objects as arguments, each making the OpenSSL call of that method
   * (SSL_CTX_add_session, SSL_CTX_sess_number, …). Each result is `{ ok: true, value }`, its value
   * typed by its call's method, or `{ ok: false, error }` with the SandboxError that entry raised.
   */
  async batch<const C extends readonly PublicBatchCall[]>(calls: C): Promise<BatchResults<C>> {
    if (!Array.isArray(calls)) throw new ArgumentError('batch() takes an array of [method, ...args] entries');
    const refs = calls.map((entry) => (Array.isArray(entry) ? entry.map(refOf) : entry)) as unknown as BatchCall[];
    return (await this.#engine.batch(refs)).map((r) => (r.ok ? r : { ok: false, error: deserializeError(r.error) as SandboxError })) as BatchResults<C>;
  }

  /**
   * Any function of the C API table (src/sandbox/c-api.ts) by its OpenSSL name, with C's
   * arguments and C's result: `sb.call('SSL_CTX_sess_set_cache_size', ctx, -1)` resolves with the
   * previous size. Integers reach OpenSSL as C passes them (negative or out of range too), masks
   * as numbers (any bits) or flag names, NULL as null where C takes it. A new SSL_SESSION comes
   * back as a Session. Refused before any C runs (CallError, HandleError): an unknown function, one
   * this OpenSSL lacks, the wrong number or kind of arguments, a freed object.
   */
  async call<N extends CallName>(name: N, ...args: CallArgs<N>): Promise<CallResult<N>> {
    // Handles travel as their references, also inside an argument object ({ answer: session, copy: 0 }).
    const plain = (a: unknown): unknown => (a instanceof Handle || a === null || typeof a !== 'object' || a instanceof Uint8Array || Array.isArray(a)
      ? refOf(a) : Object.fromEntries(Object.entries(a).map(([k, v]) => [k, refOf(v)])));
    const result = await this.#engine.call(name, (args as unknown[]).map(plain));
    const ref = result as HandleRef;
    if (ref && typeof ref === 'object' && typeof ref.name === 'string') {
      if (ref.kind === 'SSL_SESSION') return new Session(this.#link, ref as HandleRef<'SSL_SESSION'>) as unknown as CallResult<N>;
      if (ref.kind === 'SSL') return new Ssl(this.#link, ref as HandleRef<'SSL'>) as unknown as CallResult<N>;
      if (ref.kind === 'SSL_CONF_CTX') return new ConfContext(this.#link, ref as HandleRef<'SSL_CONF_CTX'>) as unknown as CallResult<N>;
    }
    return result as CallResult<N>;
  }

  /** SSL_new for both sides, joined by the wire; SSL_set_session when a session is given. */
  async connect(client: Context, server: Context, session?: Session, options?: ConnectOptions): Promise<Connection> {
    const ref = await this.#engine.connect(refOf(client), refOf(server), session === undefined ? undefined : refOf(session), options);
    return new Connection(this.#link, ref);
  }

  /**
   * Runs one test of OpenSSL's own test/ssl-tests as its ssl_test.c and test/helpers/handshake.c do:
   * the contexts configured by SSL_CONF_cmd, the handshake (and the resumption), the result as
   * HANDSHAKE_RESULT holds it. Everything it makes is freed before it resolves. The conformance
   * entry point's runSslTests() reads the .cnf files and checks the expectations.
   */
  sslTest(spec: SslTestSpec): Promise<SslTestRun> {
    return this.#engine.sslTest(spec);
  }

  /** The transcript of a connection by name (`conn_3`), also after it closed (the latest 256 are kept). No OpenSSL call. */
  transcript(connection: string): Promise<WireChunk[]> {
    return this.#engine.transcript(connection);
  }

  /** The NSS key log of a connection by name, also after it closed (from SSL_CTX_set_keylog_callback). */
  keylog(connection: string): Promise<string> {
    return this.#engine.keylog(connection);
  }

  /**
   * A pcapng file of a connection by name (its transcript on a synthetic TCP connection) with
   * its NSS key log embedded, so that Wireshark and tshark decrypt TLS 1.3 without a key file.
   * No OpenSSL call: made from what the sandbox recorded.
   */
  async capture(connection: string): Promise<{ pcapng: Uint8Array; keylog: string }> {
    const [transcript, keylog] = await Promise.all([this.transcript(connection), this.keylog(connection)]);
    return { pcapng: toPcapng(transcript, { keylog }), keylog };
  }

  /**
   * A whole connection: SSL_new and SSL_set_session (connect), SSL_do_handshake, SSL_get1_session
   * of the client, SSL_shutdown and SSL_free.
   * The returned session is the client's new reference, to offer for resumption; with
   * `serverSession: true`, `serverSession` is a reference to the server's (SSL_get1_session).
   */
  async handshake({ client, server, session, shutdown = 'clean', serverSession }: HandshakeOptions): Promise<HandshakeResult & { session: Session; serverSession?: Session }> {
    // One call of the engine (one round trip to a worker) for what connect(), handshake(), session() and close() would do.
    const { session: own, serverSession: theirs, ...result } = await this.#engine.wholeHandshake(
      refOf(client), refOf(server), session === undefined ? undefined : refOf(session), shutdown, serverSession);
    return { ...result, session: new Session(this.#link, own), ...(theirs ? { serverSession: new Session(this.#link, theirs) } : {}) };
  }

  /**
   * The constants of this OpenSSL's headers the sandbox speaks of, by name: SSL_SESS_CACHE_*,
   * SSL_OP_*, SSL_VERIFY_*, SSL_MAX_* (SSL_MAX_SSL_SESSION_ID_LENGTH), SSL_ERROR_*, TLS1_*_VERSION, …,
   * as the variant's ssl.h, ssl3.h, tls1.h and prov_ssl.h define them (a name this line lacks is
   * absent). No OpenSSL call: the compiler evaluated them when the module was built.
   */
  constants(): Promise<Record<string, number>> {
    return this.#engine.constants();
  }

  /**
   * The named external stores that contexts' shared session callbacks (`{ store: name }` given to
   * SSL_CTX_sess_set_new_cb, _set_get_cb, _set_remove_cb) used, each with its entries in the order
   * stored: session id, the context whose new-session callback stored it, its DER length, how many
   * lookups it answered. No OpenSSL call: a store is the application's, and holds bytes.
   */
  externalStores(): Promise<Record<string, StoreEntry[]>> {
    return this.#engine.externalStores();
  }

  /** OpenSSL_version(OPENSSL_VERSION), for example "OpenSSL 3.5.7 27 Jan 2026". */
  opensslVersion(): Promise<string> {
    return this.#engine.opensslVersion();
  }

  /** The self-signed certificate and private key the sandbox's servers use, as PEM (PEM_write_bio_X509, PEM_write_bio_PrivateKey). */
  serverCredentials(keyType: KeyType = 'ec-p256'): Promise<{ cert: string; key: string }> {
    return this.#engine.serverCredentials(keyType);
  }

  /**
   * The module's memory: OpenSSL's live allocations and bytes, malloc's bytes in use, the heap's
   * size. No OpenSSL call: the allocator given to CRYPTO_set_mem_functions keeps the counts.
   */
  memory(): Promise<MemoryUse> {
    return this.#engine.memory();
  }

  /** The event log from position `since` (0: everything): each OpenSSL call made, as C. No OpenSSL call itself. */
  events(since = 0): Promise<SandboxEvent[]> {
    return this.#engine.events(since);
  }

  /** How many events were logged so far: a marker to pass to events(since) later. No OpenSSL call. */
  eventCount(): Promise<number> {
    return this.#engine.eventCount();
  }

  /**
   * Calls `listener` with every new event, in order; returns a function that stops it. No
   * OpenSSL call. If the listener throws, the sandbox logs a `fault` event and the call that
   * caused the event fails with a SandboxError of code LISTENER (OpenSSL's state stays as it
   * was: the exception never reaches OpenSSL). A promise the listener returns is not awaited.
   */
  async onEvent(listener: (event: SandboxEvent) => void): Promise<() => Promise<void>> {
    const engine = this.#transport.engine;
    const id = await engine.subscribe(this.#transport.callback((event: SandboxEvent) => {
      listener(event);
    }));
    return () => engine.unsubscribe(id);
  }

  /**
   * Stops the sandbox at once, without freeing anything (the module is dropped whole): a call
   * still running (a handshake waiting for a get-session handler, say) rejects now, and so
   * does every later call, until restart(). No OpenSSL call: nothing is freed.
   */
  terminate(): void {
    this.#transport.terminate();
  }

  /**
   * Replaces a dead (or live) OpenSSL module with a fresh one: after a worker crash or an
   * abort, this brings the sandbox back. Handles from before the restart are refused. No
   * OpenSSL call: the new module starts as create() does.
   */
  async restart(): Promise<void> {
    this.#transport.terminate();
    this.#transport = await connect(this.options);
  }

  /** Frees every OpenSSL object (SSL_free, SSL_SESSION_free, SSL_CTX_free); the module, clock and log stay. */
  reset(): Promise<void> {
    return this.#engine.freeAll();
  }

  /**
   * Frees every OpenSSL object the sandbox still holds (SSL_free, SSL_SESSION_free, SSL_CTX_free),
   * then OpenSSL's own state (OPENSSL_cleanup), and stops its
   * worker. Resolves with the OpenSSL allocations still live afterwards: `{ allocations: 0,
   * bytes: 0 }` unless something leaked (null when the module had aborted).
   */
  async dispose(): Promise<LeakReport | null> {
    try {
      return await this.#engine.release();
    } finally {
      this.#transport.terminate();
    }
  }

  /** dispose(), for `await using`: SSL_free, SSL_SESSION_free and SSL_CTX_free of what is left. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

function uint8Array(data: unknown, what: string): Uint8Array {
  if (data instanceof Uint8Array) return data;
  const got = data === null ? 'null' : Array.isArray(data) ? 'an array' : data instanceof ArrayBuffer ? 'an ArrayBuffer' : typeof data;
  throw new ArgumentError(`${what} must be a Uint8Array (or a Buffer), got ${got}`);
}

async function connect(options: FullOptions): Promise<Transport> {
  const { trace, seed, clock, memoryLimit, heapLimit, locateFile } = options;
  const engineOptions = { trace, seed, clock, memoryLimit, heapLimit };
  if (options.worker) {
    // Fetching and compiling the module starts before the worker code loads; a failure shows in startWorker.
    compiledModule(options.openssl, locateFile).catch(() => {});
    return options.startWorker(options.openssl, engineOptions, locateFile);
  }
  return inProcess(await startEngine(options.openssl, compiledModule(options.openssl, locateFile), engineOptions));
}

export type { LeakReport, MemoryUse };
export type { CachedSession, ConnectOptions, ConnectionRef, Flight, ContextConfig, ContextRef, ContextSettings, ContextState, HandshakeResult, SessionFields, SessionInfo, SessionRef };
