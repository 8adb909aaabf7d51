// One connection's handshake driver: runs each side's SSL_do_handshake in turn (osb_conn_step) and
// holds what it wrote until delivered (as it is, or changed), so a handshake can go flight by flight;
// a whole handshake runs the same steps in the glue (osb_conn_run), each flight delivered as it is.
import { SIDES, protocolName, type Side } from '../core/constants.js';
import { concat, hex } from '../core/bytes.js';
import { ArgumentError, SandboxError, type OpenSSLError, type OpenSSLErrorEntry } from '../core/errors.js';
import type { OpenSSL } from '../core/openssl.js';
import type { Ptr } from '../core/pointers.js';
import { parseRecords } from '../trace/decode.js';
import type { SessionCallbacks } from './callbacks.js';
import type { EventLog } from './events.js';
import type { Wire, WireChunk } from './wire.js';

const MAX_STEPS = 64;

/** One flight of a handshake run step by step: what a side wrote, held until deliver(). */
export interface Flight {
  connection: string;
  /** The side that ran (and wrote the records, if any). */
  from: Side;
  /** Its records, parsed; deliver() takes these bytes (or others). */
  records: { type: string; version: string; length: number; bytes: Uint8Array }[];
  /**
   * continue: more steps to come; done: the handshake finished (and the client read what
   * followed); failed: a side failed, `error` says why (its alert, if any, is in `records`);
   * stalled: neither side can move (a flight was dropped).
   */
  outcome: 'continue' | 'done' | 'failed' | 'stalled';
  /** Which sides have finished their handshake. */
  done: Record<Side, boolean>;
  error?: { message: string; queue: OpenSSLErrorEntry[] };
}

interface StepState {
  held?: WireChunk;
  failed?: OpenSSLError;
}

/** What a step of the handshake came to: osb_conn_step's outcomes (wasm/glue/connections.c). */
const STEP = { continue: 0, stalled: 1, done: 2, failed: 3, readFailed: 4, wait: 5 } as const;

/** osb_conn_step's answer (osb_conn_run's in its low 16 bits): the outcome, the side that ran, SSL_get_error's answer. */
function stepped(s: number): { outcome: number; side: Side; error: number } {
  return { outcome: s & 15, side: s & 16 ? 'server' : 'client', error: (s >> 8) & 0xff };
}

export interface HandshakeResult {
  connection: string;
  /** SSL_version, for example "TLSv1.3" */
  version: string;
  /** SSL_get_cipher_name */
  cipher: string;
  /** SSL_session_reused on each side */
  reused: Record<Side, boolean>;
  /** The id of each side's session (SSL_SESSION_get_id), hex. */
  sessionId: Record<Side, string>;
  /** Transfers over the wire (each a flight of one or more records) and bytes sent by each side. */
  flights: number;
  bytes: Record<Side, number>;
}

export class Driver {
  // The turn, the sides done and the idle steps are the connection's, in C (osb_conn_step): a
  // whole handshake runs there, and step by step runs the same steps.
  readonly #state: StepState = {};

  constructor(
    private readonly openssl: OpenSSL, private readonly log: EventLog, private readonly callbacks: SessionCallbacks,
    readonly wire: Wire, private readonly name: string,
    /** The connection's pointer, checked anew each time: the connection may close while a step waits. */
    private readonly conn: () => Ptr<'osb_conn'>,
  ) {}

  /** Runs the next side and holds its flight. Waits where an asynchronous get-session handler is answering. */
  async step(): Promise<Flight> {
    const state = this.#state;
    this.#checkHeld();
    if (state.failed) return this.#flight(this.#progress().turn, new Uint8Array(0), 'failed');
    const { glue } = this.openssl;
    let s = stepped(glue.osb_conn_step(this.conn(), 0));
    while (s.outcome === STEP.wait) {
      await this.#lookup(s.side);
      s = stepped(glue.osb_conn_step(this.conn(), 1));
    }
    if (s.outcome === STEP.done) return this.#flight('client', new Uint8Array(0), this.#finish());
    if (s.outcome === STEP.failed || s.outcome === STEP.readFailed) return this.#flight(s.side, this.#fail(s), 'failed');
    const bytes = this.wire.take(s.side);
    if (bytes.length) state.held = { from: s.side, bytes };
    return this.#flight(s.side, bytes, s.outcome === STEP.stalled ? 'stalled' : 'continue');
  }

  /** Delivers the held flight to the other side: as it was, or the records given instead. */
  deliver(records?: Uint8Array[]): void {
    const held = this.#state.held;
    if (!held) throw new SandboxError('NO_FLIGHT', `${this.name}: no flight is held; step() first`);
    if (records !== undefined && (!Array.isArray(records) || !records.every((r) => r instanceof Uint8Array))) {
      throw new ArgumentError('deliver() takes an array of Uint8Array records');
    }
    this.#state.held = undefined;
    this.wire.deliver(held.from, records === undefined ? held.bytes : concat(records));
  }

  /**
   * Steps and delivers every flight as it is until the handshake is done; a failure throws OpenSSL's
   * error. The same steps as step() and deliver(), run in C (osb_conn_run): JavaScript runs only when
   * the handshake ends or waits for an asynchronous get-session handler.
   */
  async handshake(): Promise<HandshakeResult> {
    this.#checkHeld();
    if (this.#state.failed) throw this.#state.failed;
    const { glue } = this.openssl;
    for (let steps = 0, again = 0; ; again = 1) {
      const r = glue.osb_conn_run(this.conn(), again, MAX_STEPS - steps);
      const s = stepped(r);
      steps += r >>> 16;
      if (s.outcome === STEP.wait) {
        await this.#lookup(s.side);
        continue;
      }
      if (s.outcome === STEP.done) {
        this.#finish();
        return this.result();
      }
      if (s.outcome === STEP.failed || s.outcome === STEP.readFailed) {
        this.#fail(s);
        throw this.#state.failed!;
      }
      // Stalled, or one step too many: what that step wrote is held, as step() would have left it.
      const bytes = this.wire.take(s.side);
      if (bytes.length) this.#state.held = { from: s.side, bytes };
      throw new SandboxError('STALLED', `the handshake of ${this.name} stopped making progress after ${steps + 1} steps`);
    }
  }

  result(): HandshakeResult {
    const conn = this.conn();
    const { glue } = this.openssl;
    const sessionId = (side: Side) => {
      const s = glue.osb_conn_get0_session(conn, SIDES[side]);
      return s ? hex(this.openssl.readBytes(32, (out) => glue.osb_session_get_id(s, out))) : '';
    };
    const chunks = this.wire.transcript;
    const bytes = { client: 0, server: 0 };
    for (const c of chunks) bytes[c.from] += c.bytes.length;
    const reused = (side: Side) => this.log.call('SSL_session_reused', [`${this.name}_${side}`],
      () => glue.osb_conn_session_reused(conn, SIDES[side])) === 1;
    return {
      connection: this.name,
      version: protocolName(glue.osb_conn_version(conn, SIDES.client)),
      cipher: glue.osb_conn_cipher_name(conn, SIDES.client),
      reused: { client: reused('client'), server: reused('server') },
      sessionId: { client: sessionId('client'), server: sessionId('server') },
      flights: chunks.length,
      bytes,
    };
  }

  #checkHeld() {
    const held = this.#state.held;
    if (held) throw new SandboxError('FLIGHT_HELD', `${this.name}: deliver() the held ${held.from} flight first`);
  }

  /** Waits for the asynchronous get-session handler the side's ClientHello callback asked. */
  #lookup(side: Side): Promise<void> {
    return this.callbacks.awaitLookup(this.openssl.glue.osb_conn_ssl(this.conn(), SIDES[side]));
  }

  #progress(): { turn: Side; done: Record<Side, boolean> } {
    const p = this.openssl.glue.osb_conn_progress(this.conn());
    return { turn: p & 1 ? 'server' : 'client', done: { client: (p & 2) !== 0, server: (p & 4) !== 0 } };
  }

  #finish(): 'done' {
    const conn = this.conn();
    const { glue } = this.openssl;
    this.log.add({
      kind: 'handshake', connection: this.name, version: protocolName(glue.osb_conn_version(conn, SIDES.client)),
      reused: glue.osb_conn_session_reused(conn, SIDES.client) === 1,
      c: `SSL_do_handshake(${this.name}_client) = 1; SSL_do_handshake(${this.name}_server) = 1`,
    });
    return 'done';
  }

  /** A side failed (SSL_do_handshake, or the client's SSL_read after it): the error, logged; what the side wrote (its alert) is held like any flight. */
  #fail({ outcome, side, error }: ReturnType<typeof stepped>): Uint8Array {
    const call = outcome === STEP.readFailed ? 'SSL_read' : 'SSL_do_handshake';
    this.#state.failed = this.openssl.failure(call, `${this.name}_${side}, SSL_get_error = ${error}`);
    this.log.call(call, [`${this.name}_${side}`], () => -1);
    const bytes = this.wire.take(side);
    if (bytes.length) this.#state.held = { from: side, bytes };
    return bytes;
  }

  #flight(from: Side, bytes: Uint8Array, outcome: Flight['outcome']): Flight {
    const { failed } = this.#state;
    return {
      connection: this.name, from, outcome,
      records: parseRecords(bytes).map(({ type, version, length, bytes: record }) => ({ type, version, length, bytes: record })),
      done: this.#progress().done,
      ...(failed ? { error: { message: failed.message, queue: failed.queue } } : {}),
    };
  }
}
