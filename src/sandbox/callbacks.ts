// OpenSSL's session callbacks as events: new (keep, decline or free), remove, get (from the kept
// sessions, NULL or a named session, with *copy 0 or 1, or from an asynchronous handler on the
// caller's side), and SSL_SESSION destruction. Each may be installed, changed or removed at any time.
// The shared callbacks (new/remove/get_session_shared_cb) put, forget and look up sessions in a
// named external store that several contexts use, as servers sharing one session cache do.
import { hex } from '../core/bytes.js';
import { SandboxError, messageOf, typed } from '../core/errors.js';
import type { HandleRef, HandleRegistry } from '../core/handles.js';
import type { OpenSSL } from '../core/openssl.js';
import type { GlueHooks, Ptr } from '../core/pointers.js';
import type { CallbackConfig } from './config.js';
import type { EventLog, SessionObject } from './events.js';
import { encodeSession, isStoreChoice, type ExternalStores, type StoreChoice } from './external-stores.js';
import type { SslNames } from './ssl-names.js';

const CB = { new: 1, remove: 2, get: 4, clientHello: 8 } as const;
const TLSEXT_TYPE_PSK = 41;

/** Answers a get-session lookup: a session handle of this sandbox, or null. */
export type GetSessionHandler = (id: string) => Promise<HandleRef<'SSL_SESSION'> | null> | HandleRef<'SSL_SESSION'> | null;

/**
 * What a new-session callback does with the session: keep it (return 1), decline (return 0), free
 * it at once (return 1), or put its DER into a named external store (`{ store }`, return 0).
 */
export type NewBehaviour = 'keep' | 'decline' | 'free' | StoreChoice;
/** What a remove-session callback does: the context's kept sessions forget it (true), or a named external store does. */
export type RemoveBehaviour = boolean | StoreChoice;
/**
 * What a get-session callback answers: from the sessions the new-session callback kept (`store`),
 * NULL, or a named session, and *copy: 1 keeps the application's reference (OpenSSL takes one
 * more), 0 hands it to OpenSSL. Or `{ store }`: a new object decoded from a named external store,
 * *copy 0.
 */
export type GetBehaviour = { answer: 'store' | 'null' | HandleRef<'SSL_SESSION'>; copy: 0 | 1 } | StoreChoice;
type OwnGet = Exclude<GetBehaviour, StoreChoice>;

/** The C names of the callbacks, as traces and the native runtime (wasm/native/sandbox.c) call them. */
const NEW_CALLBACKS: Record<Exclude<NewBehaviour, StoreChoice> | 'shared', string> = {
  keep: 'new_session_keep_cb', decline: 'new_session_decline_cb', free: 'new_session_free_cb', shared: 'new_session_shared_cb',
};
const newCallbackName = (behaviour: NewBehaviour) => NEW_CALLBACKS[isStoreChoice(behaviour) ? 'shared' : behaviour];
const removeCallbackName = (behaviour: RemoveBehaviour) => (isStoreChoice(behaviour) ? 'remove_session_shared_cb' : 'remove_session_cb');
const getCallbackName = (get: GetBehaviour) => (isStoreChoice(get) ? 'get_session_shared_cb'
  : get.answer === 'store' ? (get.copy ? 'get_session_cb' : 'get_session_take_cb')
  : get.answer === 'null' ? 'get_session_null_cb' : 'get_session_answer_cb');
const FROM_STORE: OwnGet = { answer: 'store', copy: 1 };

/** The three session callbacks, by the words of SSL_CTX_sess_set_new_cb and its siblings. */
export type CallbackKind = 'new' | 'remove' | 'get';

interface ContextCallbacks {
  ref: HandleRef<'SSL_CTX'>;
  new: NewBehaviour | null;
  remove: RemoveBehaviour;
  get: GetBehaviour | null;
  /** Sessions the new-session callback kept, by id: the simple external cache the get callback reads. */
  kept: Map<string, HandleRef<'SSL_SESSION'>>;
  /**
   * The named external store the context's shared callbacks use: one per context, as C attaches
   * it to the SSL_CTX (nginx: SSL_CTX_set_ex_data with its shared-memory zone); the callback set
   * last names it.
   */
  store?: string;
  handler?: { answer: GetSessionHandler; timeoutMs: number };
}

/** Prefetched answers of an asynchronous get handler, for one server SSL. */
interface Lookup {
  done: Promise<void>;
  /** The handler has answered every id (or failed). */
  settled?: true;
  answers: Map<string, HandleRef<'SSL_SESSION'> | null>;
  error?: SandboxError;
}

export class SessionCallbacks {
  readonly #contexts = new Map<number, ContextCallbacks>();
  readonly #lookups = new Map<number, Lookup>();
  readonly #objects = new Map<number, number>();
  #nextObject = 1;

  constructor(
    private readonly openssl: OpenSSL, private readonly handles: HandleRegistry,
    private readonly log: EventLog, private readonly ssls: SslNames, private readonly stores: ExternalStores,
  ) {
    openssl.glue.osb_watch_session_frees();
  }

  /** Drops what was pending for an SSL that is being freed. */
  forgetSsl(ssl: number): void {
    this.#lookups.delete(ssl);
  }

  /** The live SSL_SESSION object an event named (`#3`), or 0 when it is gone. */
  pointerOf(object: string): Ptr<'SSL_SESSION'> | 0 {
    for (const [ptr, n] of this.#objects) if (`#${n}` === object) return ptr as Ptr<'SSL_SESSION'>;
    return 0;
  }

  /** The session object behind a pointer, numbered for as long as it lives. */
  describe(session: Ptr<'SSL_SESSION'>): SessionObject {
    let n = this.#objects.get(session);
    if (n === undefined) this.#objects.set(session, (n = this.#nextObject++));
    const id = hex(this.openssl.readBytes(32, (out) => this.openssl.glue.osb_session_get_id(session, out)));
    return { object: `#${n}`, id };
  }

  /** Installs the callbacks `config` asks for on a context (replacing earlier ones). */
  configure(ref: HandleRef<'SSL_CTX'>, ctx: Ptr<'SSL_CTX'>, config: CallbackConfig): void {
    const state = this.#state(ref, ctx);
    if ('newSession' in config) state.new = config.newSession ?? null;
    if ('removeSession' in config) state.remove = !!config.removeSession;
    if ('getSession' in config) state.get = config.getSession ? FROM_STORE : null;
    this.#install(state, ctx, ['new', 'remove', 'get']);
  }

  /** SSL_CTX_sess_set_new_cb, _set_remove_cb or _set_get_cb: installs one callback (null removes it), logging that call only. */
  set(ref: HandleRef<'SSL_CTX'>, ctx: Ptr<'SSL_CTX'>, kind: CallbackKind, behaviour: NewBehaviour | GetBehaviour | RemoveBehaviour | null): void {
    const state = this.#state(ref, ctx);
    if (isStoreChoice(behaviour)) state.store = behaviour.store;
    if (kind === 'new') state.new = behaviour as NewBehaviour | null;
    else if (kind === 'remove') state.remove = isStoreChoice(behaviour) ? behaviour : !!behaviour;
    else state.get = behaviour as GetBehaviour | null;
    this.#install(state, ctx, [kind]);
  }

  /** The C name of the callback of `kind` installed on the context, if OpenSSL reports one (`installed` from SSL_CTX_sess_get_*_cb). */
  installedName(ctx: Ptr<'SSL_CTX'>, kind: CallbackKind, installed: boolean): string | null {
    const state = this.#contexts.get(ctx);
    if (!installed || !state) return installed ? '?' : null;
    return kind === 'new' ? newCallbackName(state.new ?? 'decline') : kind === 'remove' ? removeCallbackName(state.remove) : getCallbackName(state.get ?? FROM_STORE);
  }

  /** Sets (or with null removes) the asynchronous get-session handler of a context. */
  setGetHandler(ref: HandleRef<'SSL_CTX'>, ctx: Ptr<'SSL_CTX'>, answer: GetSessionHandler | null, timeoutMs: number): void {
    const state = this.#state(ref, ctx);
    state.handler = answer ? { answer, timeoutMs } : undefined;
    this.#install(state, ctx);
  }

  /** Sessions a context's new-session callback kept. */
  kept(ctx: Ptr<'SSL_CTX'>): HandleRef<'SSL_SESSION'>[] {
    return [...(this.#contexts.get(ctx)?.kept.values() ?? [])].filter((r) => this.handles.isAlive(r, 'SSL_SESSION'));
  }

  forgetContext(ctx: Ptr<'SSL_CTX'>): void {
    this.#contexts.delete(ctx);
  }

  /**
   * The wait for a server SSL's lookup that the handler has not answered yet, if any: C code calls
   * SSL_do_handshake again once its lookup is done, so the sandbox waits for it before that call.
   */
  unanswered(ssl: number): Promise<void> | undefined {
    const lookup = this.#lookups.get(ssl);
    return lookup && !lookup.settled ? this.awaitLookup(ssl) : undefined;
  }

  /** The lookup a server SSL waits for (SSL_ERROR_WANT_CLIENT_HELLO_CB), settled when the handler answered. */
  async awaitLookup(ssl: number): Promise<void> {
    const lookup = this.#lookups.get(ssl);
    if (!lookup) throw new SandboxError('STALLED', 'OpenSSL waits for a ClientHello callback that has nothing pending');
    await lookup.done;
    if (lookup.error) throw lookup.error;
  }

  #state(ref: HandleRef<'SSL_CTX'>, ctx: number): ContextCallbacks {
    let state = this.#contexts.get(ctx);
    if (!state) this.#contexts.set(ctx, (state = { ref, new: null, remove: false, get: null, kept: new Map() }));
    return state;
  }

  /** Installs the context's callbacks in OpenSSL, logging the set calls of `logged` (every set call, when the handler changes). */
  #install(state: ContextCallbacks, ctx: Ptr<'SSL_CTX'>, logged: CallbackKind[] = ['new', 'remove', 'get']) {
    const { handler, ref } = state;
    const mask = (state.new ? CB.new : 0) | (state.remove ? CB.remove : 0) | (state.get || handler ? CB.get : 0) | (handler ? CB.clientHello : 0);
    // A shared callback's call names the context's store (`store`): the C export attaches it first.
    const logSet = (call: string, name: string, shared: boolean, more = {}) => this.log.around(() => undefined, () => ({
      kind: 'call', call, args: [ref.name, name], ...(shared ? { store: state.store } : {}), ...more,
      c: `${call}(${ref.name}, ${name})${shared ? ` /* store "${state.store}" */` : ''}`,
    }));
    if (logged.includes('new')) logSet('SSL_CTX_sess_set_new_cb', state.new ? newCallbackName(state.new) : 'NULL', isStoreChoice(state.new));
    if (logged.includes('remove')) logSet('SSL_CTX_sess_set_remove_cb', state.remove ? removeCallbackName(state.remove) : 'NULL', isStoreChoice(state.remove));
    if (logged.includes('get')) {
      const get = handler ? FROM_STORE : state.get;
      const answer = get && !isStoreChoice(get) && typeof get.answer === 'object' ? { answer: { session: get.answer.name, copy: get.copy } } : {};
      logSet('SSL_CTX_sess_set_get_cb', get ? getCallbackName(get) : 'NULL', isStoreChoice(get), answer);
    }
    if (handler || mask & CB.clientHello) {
      this.log.call('SSL_CTX_set_client_hello_cb', [ref.name, handler ? 'client_hello_cb' : 'NULL', 'NULL'], () => undefined);
    }
    this.openssl.glue.osb_ctx_set_callbacks(ctx, mask);
  }

  hooks(): Pick<GlueHooks, 'newSession' | 'removeSession' | 'getSession' | 'clientHello' | 'sessionFreed'> {
    const sslName = (ssl: number) => this.ssls.get(ssl)?.name ?? 'ssl';
    return {
      newSession: (ctx, ssl, session) => {
        const state = this.#contexts.get(ctx);
        if (isStoreChoice(state?.new)) return this.#putShared(state!, ssl, session as Ptr<'SSL_SESSION'>);
        const behaviour = state?.new ?? 'decline';
        const keep = behaviour === 'keep';
        const described = this.describe(session as Ptr<'SSL_SESSION'>);
        let kept: HandleRef<'SSL_SESSION'> | undefined;
        if (keep && state) {
          // Returning 1 hands OpenSSL's reference to the application: it becomes a handle.
          kept = this.handles.issue('SSL_SESSION', session as Ptr<'SSL_SESSION'>, 'sess');
          state.kept.set(described.id, kept);
        }
        const result = behaviour === 'decline' ? 0 : 1;
        this.log.add({
          kind: 'callback', callback: 'new_session', context: state?.ref.name ?? '?', session: described, result,
          ...(kept ? { kept: kept.name } : {}),
          c: `${newCallbackName(behaviour)}(${sslName(ssl)}, ${kept?.name ?? described.object}) = ${result}${behaviour === 'free' ? ' /* after SSL_SESSION_free */' : ''}`,
        });
        // Returning 1 gave the application OpenSSL's reference: 'free' drops it at once.
        if (behaviour === 'free') this.openssl.glue.osb_session_free(session as Ptr<'SSL_SESSION'>);
        return result;
      },
      removeSession: (ctx, session) => {
        const state = this.#contexts.get(ctx);
        const described = this.describe(session as Ptr<'SSL_SESSION'>);
        // An external cache forgets what the internal one dropped.
        const store = isStoreChoice(state?.remove) ? state!.store! : undefined;
        const forgotten = store !== undefined ? this.stores.remove(store, described.id) : state?.kept.delete(described.id);
        this.log.add({
          kind: 'callback', callback: 'remove_session', context: state?.ref.name ?? '?', session: described, ...(store !== undefined ? { store } : {}),
          c: `${removeCallbackName(state?.remove ?? true)}(${state?.ref.name ?? 'ctx'}, ${described.object})`
            + (store !== undefined ? ` /* store "${store}": ${forgotten ? 'forgotten' : 'not there'} */` : ''),
        });
      },
      getSession: (ctx, ssl, idPtr, length, copyPtr) => {
        const state = this.#contexts.get(ctx);
        const id = hex(this.openssl.copyOut(idPtr, length));
        const lookup = this.#lookups.get(ssl);
        if (isStoreChoice(state?.get) && !lookup?.answers.has(id)) return this.#getShared(state!, ssl, id, length, copyPtr);
        const get = lookup?.answers.has(id) ? FROM_STORE : (state?.get as OwnGet | null) ?? FROM_STORE;
        const answer = lookup?.answers.has(id) ? lookup.answers.get(id) ?? null
          : get.answer === 'store' ? state?.kept.get(id) ?? null : get.answer === 'null' ? null : get.answer;
        const { ptr, refused } = this.#answer(answer, get);
        if (ptr && get.copy === 0) {
          // *copy = 0: the application's reference becomes OpenSSL's; the name keeps reaching the object while it lives.
          this.handles.release(answer, 'SSL_SESSION', true);
          if (get.answer === 'store') state?.kept.delete(id);
        }
        this.openssl.writeInt(copyPtr, get.copy);
        this.log.add({
          kind: 'callback', callback: 'get_session', context: state?.ref.name ?? '?', id,
          result: ptr ? answer!.name : null, ...(ptr ? { session: this.describe(ptr) } : {}),
          c: `${getCallbackName(get)}(${sslName(ssl)}, "${id.slice(0, 16)}…", ${length}, &copy) = ${ptr ? answer!.name : 'NULL'}; copy = ${get.copy}${refused ? ` /* ${refused} */` : ''}`,
        });
        return ptr;
      },
      clientHello: (ctx, ssl) => {
        const state = this.#contexts.get(ctx);
        if (!state?.handler) return 1;
        if (this.#lookups.has(ssl)) return 1; // the answers are in: go on
        const ids = this.#candidateIds(ssl, ctx);
        const result = ids.length ? 0 : 1;
        this.log.add({
          kind: 'callback', callback: 'client_hello', context: state.ref.name, result,
          c: `client_hello_cb(${sslName(ssl)}, &al, NULL) = ${ids.length ? 'SSL_CLIENT_HELLO_RETRY' : 'SSL_CLIENT_HELLO_SUCCESS'}`,
        });
        if (ids.length) this.#lookups.set(ssl, this.#ask(state.handler, ids));
        return result;
      },
      sessionFreed: (session) => {
        const described = this.describe(session as Ptr<'SSL_SESSION'>);
        this.#objects.delete(session);
        this.handles.gone(session);
        this.log.add({ kind: 'destroyed', session: described, c: `/* SSL_SESSION ${described.object} destroyed */` });
      },
    };
  }

  /*
   * Why the store holds DER (i2d_SSL_SESSION) and a lookup answers with a new object (d2i_SSL_SESSION,
   * *copy 0), rather than handing server B the very SSL_SESSION server A made: that object is linked
   * into A's internal cache (its prev/next pointers, and from 3.0 its owner, serve one SSL_CTX's list),
   * and B's lookup_sess_in_cache() would SSL_CTX_add_session it into B's cache as well, relinking one
   * node into two lists: C would corrupt both caches. Servers that really share a cache (nginx's
   * ssl_session_cache shared:, Apache mod_ssl's shmcb, HAProxy) do this: serialize in the new-session
   * callback and return 0 (they keep no reference), decode in the get callback with *copy = 0 (the
   * decoded object's one reference goes to OpenSSL).
   */

  /** new_session_shared_cb: the session's DER into the context's store; returns 0 (OpenSSL keeps its reference). */
  #putShared(state: ContextCallbacks, ssl: number, session: Ptr<'SSL_SESSION'>): number {
    const store = state.store!;
    const described = this.describe(session);
    const der = encodeSession(this.openssl, session);
    if (der) this.stores.put(store, described.id, der, state.ref.name);
    this.log.add({
      kind: 'callback', callback: 'new_session', context: state.ref.name, session: described, result: 0, store,
      c: `new_session_shared_cb(${this.ssls.get(ssl)?.name ?? 'ssl'}, ${described.object}) = 0 /* `
        + (der ? `i2d_SSL_SESSION: ${der.length} bytes into store "${store}"` : 'i2d_SSL_SESSION failed: nothing stored') + ' */',
    });
    return 0;
  }

  /** get_session_shared_cb: a hit is decoded into a new object whose reference goes to OpenSSL (*copy = 0); a miss is NULL. */
  #getShared(state: ContextCallbacks, ssl: number, id: string, length: number, copyPtr: number): Ptr<'SSL_SESSION'> | 0 {
    const store = state.store!;
    const der = this.stores.get(store, id);
    const ptr = der ? this.openssl.withBytes(der, (p, n) => this.openssl.glue.osb_session_d2i(p, n)) : 0;
    this.openssl.writeInt(copyPtr, 0);
    const session = ptr ? this.describe(ptr) : undefined;
    this.log.add({
      kind: 'callback', callback: 'get_session', context: state.ref.name, id, store, result: session?.object ?? null, ...(session ? { session } : {}),
      c: `get_session_shared_cb(${this.ssls.get(ssl)?.name ?? 'ssl'}, "${id.slice(0, 16)}…", ${length}, &copy) = ${session?.object ?? 'NULL'}; copy = 0`
        + ` /* store "${store}": ${!der ? 'miss' : ptr ? `hit, d2i_SSL_SESSION of ${der.length} bytes` : 'hit, but d2i_SSL_SESSION failed'} */`,
    });
    return ptr;
  }

  /** A get-session handler's answer: null, or a live session of this sandbox (checked before OpenSSL sees it). */
  #checkAnswer(answer: unknown, id: string): HandleRef<'SSL_SESSION'> | null {
    if (answer === null || answer === undefined) return null;
    try {
      this.handles.pointer(answer, 'SSL_SESSION');
    } catch (error) {
      throw new SandboxError('HANDLER', `the get-session handler answered id ${id.slice(0, 16)}… with something that is not a live `
        + `session of this sandbox, nor null: ${messageOf(error)}`, { cause: error });
    }
    return answer as HandleRef<'SSL_SESSION'>;
  }

  /**
   * The object a get callback answers with, if it may: a store entry or a named session whose
   * object lives; with *copy 0 the name must hold a reference to hand over. Otherwise NULL, and why.
   */
  #answer(answer: HandleRef<'SSL_SESSION'> | null, get: OwnGet): { ptr: Ptr<'SSL_SESSION'> | 0; refused?: string } {
    if (!answer) return { ptr: 0 };
    if (get.copy === 0 || get.answer === 'store') {
      return this.handles.isAlive(answer, 'SSL_SESSION') ? { ptr: this.handles.pointer(answer, 'SSL_SESSION') }
        : { ptr: 0, refused: `${answer.name} holds no reference to hand over: NULL instead` };
    }
    try {
      return { ptr: this.handles.object(answer, 'SSL_SESSION') };
    } catch {
      return { ptr: 0, refused: `${answer.name}'s object is gone: returning it would be a use after free, NULL instead` };
    }
  }

  /**
   * The ids OpenSSL may look up for this ClientHello: the legacy session id (TLS 1.2) and
   * PSK identities short enough to be session ids (TLS 1.3 stateful tickets); those the
   * internal cache holds are left out unless internal lookups are off.
   */
  #candidateIds(ssl: number, ctx: number): string[] {
    const { glue } = this.openssl;
    const sslPtr = ssl as Ptr<'SSL'>;
    const ids: string[] = [];
    const legacy = this.openssl.readBytes(32, (out) => glue.osb_client_hello_session_id(sslPtr, out));
    if (legacy.length) ids.push(hex(legacy));
    const psk = this.openssl.readBytes(4096, (out) => glue.osb_client_hello_ext(sslPtr, TLSEXT_TYPE_PSK, out, 4096));
    // pre_shared_key: identities<7..2^16-1> of { identity<1..2^16-1>, obfuscated_ticket_age u32 }, then binders.
    const end = psk.length >= 2 ? 2 + ((psk[0] << 8) | psk[1]) : 0;
    for (let at = 2; at + 2 <= end;) {
      const length = (psk[at] << 8) | psk[at + 1];
      if (length <= 32) ids.push(hex(psk.subarray(at + 2, at + 2 + length)));
      at += 2 + length + 4;
    }
    const mode = glue.osb_ctx_get_session_cache_mode(ctx as Ptr<'SSL_CTX'>);
    if (mode & this.openssl.constants().SSL_SESS_CACHE_NO_INTERNAL_LOOKUP) return ids;
    const cached = new Set(this.#cachedIds(ctx as Ptr<'SSL_CTX'>));
    return ids.filter((id) => !cached.has(id));
  }

  #cachedIds(ctx: Ptr<'SSL_CTX'>): string[] {
    return this.openssl.listSessions(ctx).map((s) => this.describe(s).id);
  }

  #ask(handler: NonNullable<ContextCallbacks['handler']>, ids: string[]): Lookup {
    const lookup: Lookup = { answers: new Map(), done: Promise.resolve() };
    lookup.done = (async () => {
      for (const id of ids) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new SandboxError('TIMEOUT',
            `the get-session handler did not answer for id ${id.slice(0, 16)}… within ${handler.timeoutMs} ms`)), handler.timeoutMs);
        });
        try {
          lookup.answers.set(id, this.#checkAnswer(await Promise.race([Promise.resolve().then(() => handler.answer(id)), timeout]), id));
        } catch (error) {
          // Caught here, while no OpenSSL frame is below: the waiting handshake fails with it, typed.
          lookup.error = typed(error, 'HANDLER', `the get-session handler failed for id ${id.slice(0, 16)}…`);
          this.log.fault('get-session handler', lookup.error);
          return;
        } finally {
          clearTimeout(timer);
        }
      }
    })().finally(() => { lookup.settled = true; });
    return lookup;
  }
}
