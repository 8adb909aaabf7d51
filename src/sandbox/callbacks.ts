// OpenSSL's session callbacks as events: new (keep or decline), remove, get (from the kept
// sessions, or from an asynchronous handler on the caller's side), and SSL_SESSION destruction.
import { hex } from '../core/bytes.js';
import { SESSION_CACHE_MODES } from '../core/constants.js';
import { SandboxError } from '../core/errors.js';
import type { HandleRef, HandleRegistry } from '../core/handles.js';
import type { OpenSSL } from '../core/openssl.js';
import type { GlueHooks, Ptr } from '../core/pointers.js';
import type { CallbackConfig } from './config.js';
import type { EventLog, SessionObject } from './events.js';
import type { SslNames } from './ssl-names.js';

const CB = { new: 1, remove: 2, get: 4, clientHello: 8 } as const;
const TLSEXT_TYPE_PSK = 41;

/** Answers a get-session lookup: a session handle of this sandbox, or null. */
export type GetSessionHandler = (id: string) => Promise<HandleRef<'SSL_SESSION'> | null> | HandleRef<'SSL_SESSION'> | null;


interface ContextCallbacks {
  ref: HandleRef<'SSL_CTX'>;
  config: CallbackConfig;
  /** Sessions the new-session callback kept, by id: the simple external cache the get callback reads. */
  kept: Map<string, HandleRef<'SSL_SESSION'>>;
  handler?: { answer: GetSessionHandler; timeoutMs: number };
}

/** Prefetched answers of an asynchronous get handler, for one server SSL. */
interface Lookup {
  done: Promise<void>;
  answers: Map<string, HandleRef<'SSL_SESSION'> | null>;
  error?: Error;
}

export class SessionCallbacks {
  readonly #contexts = new Map<number, ContextCallbacks>();
  readonly #lookups = new Map<number, Lookup>();
  readonly #objects = new Map<number, number>();
  #nextObject = 1;

  constructor(
    private readonly openssl: OpenSSL, private readonly handles: HandleRegistry,
    private readonly log: EventLog, private readonly ssls: SslNames,
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
    state.config = { ...state.config, ...config };
    this.#install(state, ctx);
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

  /** The lookup a server SSL waits for (SSL_ERROR_WANT_CLIENT_HELLO_CB), settled when the handler answered. */
  async awaitLookup(ssl: number): Promise<void> {
    const lookup = this.#lookups.get(ssl);
    if (!lookup) throw new SandboxError('STALLED', 'OpenSSL waits for a ClientHello callback that has nothing pending');
    await lookup.done;
    if (lookup.error) throw lookup.error;
  }

  #state(ref: HandleRef<'SSL_CTX'>, ctx: number): ContextCallbacks {
    let state = this.#contexts.get(ctx);
    if (!state) this.#contexts.set(ctx, (state = { ref, config: {}, kept: new Map() }));
    return state;
  }

  #install(state: ContextCallbacks, ctx: Ptr<'SSL_CTX'>) {
    const { config, handler, ref } = state;
    const mask = (config.newSession ? CB.new : 0) | (config.removeSession ? CB.remove : 0)
      | (config.getSession || handler ? CB.get : 0) | (handler ? CB.clientHello : 0);
    const newCb = config.newSession === 'keep' ? 'new_session_keep_cb' : 'new_session_decline_cb';
    this.log.call('SSL_CTX_sess_set_new_cb', [ref.name, mask & CB.new ? newCb : 'NULL'], () => undefined);
    this.log.call('SSL_CTX_sess_set_remove_cb', [ref.name, mask & CB.remove ? 'remove_session_cb' : 'NULL'], () => undefined);
    this.log.call('SSL_CTX_sess_set_get_cb', [ref.name, mask & CB.get ? 'get_session_cb' : 'NULL'], () => undefined);
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
        const keep = state?.config.newSession === 'keep';
        const described = this.describe(session as Ptr<'SSL_SESSION'>);
        let kept: HandleRef<'SSL_SESSION'> | undefined;
        if (keep && state) {
          // Returning 1 hands OpenSSL's reference to the application: it becomes a handle.
          kept = this.handles.issue('SSL_SESSION', session as Ptr<'SSL_SESSION'>, 'sess');
          state.kept.set(described.id, kept);
        }
        const result = keep ? 1 : 0;
        this.log.add({
          kind: 'callback', callback: 'new_session', context: state?.ref.name ?? '?', session: described, result,
          ...(kept ? { kept: kept.name } : {}),
          c: `new_session_cb(${sslName(ssl)}, ${kept?.name ?? described.object}) = ${result}`,
        });
        return result;
      },
      removeSession: (ctx, session) => {
        const state = this.#contexts.get(ctx);
        const described = this.describe(session as Ptr<'SSL_SESSION'>);
        state?.kept.delete(described.id); // an external cache forgets what the internal one dropped
        this.log.add({
          kind: 'callback', callback: 'remove_session', context: state?.ref.name ?? '?', session: described,
          c: `remove_session_cb(${state?.ref.name ?? 'ctx'}, ${described.object})`,
        });
      },
      getSession: (ctx, ssl, idPtr, length) => {
        const state = this.#contexts.get(ctx);
        const id = hex(this.openssl.copyOut(idPtr, length));
        const lookup = this.#lookups.get(ssl);
        const answer = lookup?.answers.has(id) ? lookup.answers.get(id) ?? null : state?.kept.get(id) ?? null;
        const live = answer && this.handles.isAlive(answer, 'SSL_SESSION') ? answer : null;
        const ptr = live ? this.handles.pointer(live, 'SSL_SESSION') : 0;
        this.log.add({
          kind: 'callback', callback: 'get_session', context: state?.ref.name ?? '?', id,
          result: live?.name ?? null, ...(ptr ? { session: this.describe(ptr) } : {}),
          c: `get_session_cb(${sslName(ssl)}, "${id.slice(0, 16)}…", ${length}, &copy) = ${live?.name ?? 'NULL'}`,
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
    if (mode & SESSION_CACHE_MODES.SSL_SESS_CACHE_NO_INTERNAL_LOOKUP) return ids;
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
          lookup.answers.set(id, await Promise.race([Promise.resolve(handler.answer(id)), timeout]));
        } catch (error) {
          lookup.error = error instanceof Error ? error : new SandboxError('HANDLER', String(error));
          return;
        } finally {
          clearTimeout(timer);
        }
      }
    })();
    return lookup;
  }
}
