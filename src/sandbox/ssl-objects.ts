// SSL objects as C code holds them, one call at a time: SSL_new on a context, joined to a peer by
// the in-memory wire (sandbox_join), driven flight by flight (SSL_do_handshake, SSL_read,
// SSL_shutdown, each followed by the wire moving what was written) or whole (sandbox_handshake),
// and freed with SSL_free. The rows of src/sandbox/c-api.ts call them.
import { protocolName } from '../core/constants.js';
import type { HandleRef, HandleRegistry } from '../core/handles.js';
import type { OpenSSL } from '../core/openssl.js';
import type { GlueHooks, Ptr } from '../core/pointers.js';
import type { SessionCallbacks } from './callbacks.js';
import type { EventLog } from './events.js';
import type { SslNames } from './ssl-names.js';
import type { WireChunk } from './wire.js';

export type SslRef = HandleRef<'SSL'>;
type SessionRef = HandleRef<'SSL_SESSION'>;

/** Two SSL objects joined by the wire: a connection, named after its client SSL, and what crossed it. */
interface Pair {
  client: SslRef;
  server: SslRef;
  transcript: WireChunk[];
}

/** What the engine does with a joined pair's wire, as with a connection's: keep its transcript, trace each flight. */
export interface WireWatch {
  joined(connection: string, transcript: WireChunk[]): void;
  /** Only where the sandbox traces. */
  flight?(connection: string, chunk: WireChunk, index: number): void;
}

export class SslObjects {
  /** The pair each joined SSL belongs to, by handle id. */
  readonly #pairs = new Map<number, Pair>();
  /** The same pairs by each SSL's pointer, for the wire hook. */
  readonly #wires = new Map<number, Pair>();
  /** What SSL_get_error said right after each SSL's latest I/O call, before the engine read the error queue. */
  readonly #lastError = new Map<number, { ret: number; error: number }>();

  constructor(
    private readonly openssl: OpenSSL, private readonly handles: HandleRegistry, private readonly log: EventLog,
    private readonly ssls: SslNames, private readonly callbacks: SessionCallbacks, private readonly traced: boolean,
    private readonly watch: WireWatch,
  ) {}

  hooks(): Pick<GlueHooks, 'wire'> {
    return {
      wire: (ssl, buf, length) => {
        const pair = this.#wires.get(ssl);
        const who = this.ssls.get(ssl);
        if (!pair || !who) return;
        const chunk = { from: who.side, bytes: this.openssl.copyOut(buf, length) };
        pair.transcript.push(chunk);
        this.watch.flight?.(pair.client.name, chunk, pair.transcript.length - 1);
      },
    };
  }

  get #glue() {
    this.openssl.assertUsable();
    return this.openssl.glue;
  }

  /** SSL_new: a client or server SSL, by its context's method. */
  create(ctx: HandleRef<'SSL_CTX'>): SslRef {
    const c = this.handles.pointer(ctx, 'SSL_CTX');
    const glue = this.#glue;
    glue.osb_err_clear();
    const ref = this.log.created('SSL_new', [ctx.name], 'SSL', () => {
      const ssl = glue.osb_ssl_new(c);
      if (!ssl) throw this.openssl.failure('SSL_new');
      return this.handles.issue('SSL', ssl, 'ssl');
    }, (r) => r.name);
    const ssl = this.handles.pointer(ref, 'SSL');
    this.ssls.set(ssl, ref.name, glue.osb_ssl_is_server(ssl) ? 'server' : 'client', ref.name);
    if (this.traced) glue.osb_ssl_trace(ssl, 1);
    return ref;
  }

  /** SSL_free; its peer stays, no longer joined. */
  free(ref: SslRef): void {
    this.#unjoin(ref);
    const ssl = this.handles.release(ref, 'SSL');
    this.#lastError.delete(ref.id);
    this.log.call('SSL_free', [ref.name], () => this.#glue.osb_ssl_free(ssl));
    this.ssls.delete(ssl);
    this.callbacks.forgetSsl(ssl);
  }

  /** sandbox_join: the wire between a client and a server SSL (memory BIOs, connect and accept state). */
  join(client: SslRef, server: SslRef): void {
    const [c, s] = [this.handles.pointer(client, 'SSL'), this.handles.pointer(server, 'SSL')];
    for (const ref of [client, server]) this.#unjoin(ref);
    this.log.call('sandbox_join', [client.name, server.name], () => this.#glue.osb_wire_join(c, s));
    const pair = { client, server, transcript: [] };
    for (const [ref, ptr, side] of [[client, c, 'client'], [server, s, 'server']] as const) {
      this.#pairs.set(ref.id, pair);
      this.#wires.set(ptr, pair);
      // Its messages, states and secrets are the connection's from now on.
      this.ssls.set(ptr, client.name, side, ref.name);
    }
    this.watch.joined(client.name, pair.transcript);
  }

  #unjoin(ref: SslRef) {
    const pair = this.#pairs.get(ref.id);
    if (!pair) return;
    for (const side of [pair.client, pair.server]) {
      this.#pairs.delete(side.id);
      if (this.handles.isAlive(side, 'SSL')) this.#wires.delete(this.handles.pointer(side, 'SSL'));
    }
  }

  /**
   * sandbox_handshake: SSL_do_handshake on both sides in turn until both are done (1) or one fails
   * (0), then a client SSL_read for what follows Finished (TLS 1.3 tickets). Logged as a handshake
   * event, or on failure as the call with OpenSSL's reasons. Where the server waits for an
   * asynchronous get-session handler (-1), logged so, it goes on once the handler answered.
   */
  handshake(client: SslRef, server: SslRef): number | Promise<number> {
    const [c, s] = [this.handles.pointer(client, 'SSL'), this.handles.pointer(server, 'SSL')];
    const glue = this.#glue;
    glue.osb_err_clear();
    const args = [client.name, server.name];
    let reasons: string[] = [];
    const done = this.log.around(() => {
      const r = glue.osb_wire_handshake(c, s);
      if (r === 0) reasons = this.openssl.errorQueue().map((e) => e.reason || `error ${e.code}`);
      return r;
    }, (r) => (r === 1 ? {
      kind: 'handshake', connection: client.name, client: client.name, server: server.name,
      version: protocolName(glue.osb_ssl_version(c)), reused: glue.osb_ssl_session_reused(c) === 1,
      c: `sandbox_handshake(${args.join(', ')}) = 1`,
    } : {
      kind: 'call', call: 'sandbox_handshake', args, result: r, ...(reasons.length ? { errors: reasons } : {}),
      c: `sandbox_handshake(${args.join(', ')}) = ${r}${r === -1 ? ' /* SSL_ERROR_WANT_CLIENT_HELLO_CB: called again once the get-session handler answered */' : ''}`,
    }));
    glue.osb_err_clear();
    return done === -1 ? this.callbacks.awaitLookup(s).then(() => this.handshake(client, server)) : done;
  }

  /** Right after an I/O call (SSL_do_handshake, SSL_read, SSL_shutdown): SSL_get_error for its result, while the error queue is as the call left it. */
  settled(ssl: Ptr<'SSL'>, ref: SslRef, ret: number): void {
    this.#lastError.set(ref.id, { ret, error: this.#glue.osb_ssl_get_error(ssl, ret) });
  }

  /**
   * SSL_get_error. The sandbox reads OpenSSL's error queue after every call (to report it), which
   * C leaves for SSL_get_error to peek at: for the result of the SSL's latest I/O call, the answer
   * is the one SSL_get_error gave right after that call.
   */
  getError(ref: SslRef, ret: number): number {
    const ssl = this.handles.pointer(ref, 'SSL');
    const last = this.#lastError.get(ref.id);
    return this.log.call('SSL_get_error', [ref.name, String(ret)],
      () => (last && last.ret === ret ? last.error : this.#glue.osb_ssl_get_error(ssl, ret)));
  }

  /** The wire moves what a joined SSL's pair wrote to the other side (logged when it moved anything). */
  transfer(ref: SslRef): void {
    const pair = this.#pairs.get(ref.id);
    if (!pair) return;
    const [c, s] = [this.handles.pointer(pair.client, 'SSL'), this.handles.pointer(pair.server, 'SSL')];
    const moved = this.#glue.osb_wire_transfer(c, s);
    if (moved) {
      this.log.add({ kind: 'call', call: 'sandbox_transfer', args: [pair.client.name, pair.server.name],
        c: `sandbox_transfer(${pair.client.name}, ${pair.server.name}) /* ${moved} bytes */` });
    }
  }

  /**
   * SSL_get_session (`get1` false): a name for the SSL's session without a reference of its own;
   * SSL_get1_session: a new reference. null for NULL (no session yet).
   */
  session(ref: SslRef, get1: boolean): SessionRef | null {
    const ssl = this.handles.pointer(ref, 'SSL');
    const glue = this.#glue;
    const call = get1 ? 'SSL_get1_session' : 'SSL_get_session';
    return this.log.around(() => {
      const s = get1 ? glue.osb_ssl_get1_session(ssl) : glue.osb_ssl_get_session(ssl);
      if (!s) return null;
      return get1 ? this.handles.issue('SSL_SESSION', s, 'sess') : this.handles.unowned('SSL_SESSION', s, 'sess');
    }, (session) => ({
      kind: 'call', call, args: [ref.name], result: session?.name ?? 'NULL',
      c: session ? `SSL_SESSION *${session.name} = ${call}(${ref.name})` : `${call}(${ref.name}) = NULL`,
    }));
  }

  /** Every live SSL object, freed (by freeAll()). */
  freeAll(): void {
    for (const ref of this.handles.live('SSL')) this.free(ref);
  }
}
