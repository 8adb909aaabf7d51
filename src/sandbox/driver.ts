// One connection's handshake driver: runs each side's SSL_do_handshake in turn and holds
// what it wrote until delivered (as it is, or changed), so a handshake can go flight by flight.
import { SIDES, protocolName, type Side } from '../core/constants.js';
import { concat, hex } from '../core/bytes.js';
import { ArgumentError, SandboxError, type OpenSSLError, type OpenSSLErrorEntry } from '../core/errors.js';
import type { OpenSSL } from '../core/openssl.js';
import type { Ptr } from '../core/pointers.js';
import { parseRecords } from '../trace/decode.js';
import type { SessionCallbacks } from './callbacks.js';
import type { EventLog } from './events.js';
import { peer, type Wire, type WireChunk } from './wire.js';

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

/** A flight before its records are decoded. */
interface RawFlight {
  from: Side;
  bytes: Uint8Array;
  outcome: Flight['outcome'];
}

interface StepState {
  turn: Side;
  done: Record<Side, boolean>;
  held?: WireChunk;
  failed?: OpenSSLError;
  /** Steps in a row in which a side wrote nothing. */
  idle: number;
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
  readonly #state: StepState = { turn: 'client', done: { client: false, server: false }, idle: 0 };

  constructor(
    private readonly openssl: OpenSSL, private readonly log: EventLog, private readonly callbacks: SessionCallbacks,
    readonly wire: Wire, private readonly name: string,
    /** The connection's pointer, checked anew each time: the connection may close while a step waits. */
    private readonly conn: () => Ptr<'osb_conn'>,
  ) {}

  /** Runs the next side and holds its flight. Waits where an asynchronous get-session handler is answering. */
  async step(): Promise<Flight> {
    const { from, bytes, outcome } = await this.#advance();
    return this.#flight(from, bytes, outcome);
  }

  /** step() without decoding the flight's records, which handshake() does not need (the trace decodes them once). */
  async #advance(): Promise<RawFlight> {
    const state = this.#state;
    if (state.held) throw new SandboxError('FLIGHT_HELD', `${this.name}: deliver() the held ${state.held.from} flight first`);
    if (state.failed) return { from: state.turn, bytes: new Uint8Array(0), outcome: 'failed' };
    const { glue } = this.openssl;
    const { SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE, SSL_ERROR_WANT_CLIENT_HELLO_CB } = this.openssl.constants();
    if (state.done.client && state.done.server) {
      // After the handshake the client reads once more: TLS 1.3 tickets come after Finished.
      const r = glue.osb_conn_read(this.conn(), SIDES.client);
      if (r < 0 && -r !== SSL_ERROR_WANT_READ) return this.#fail('client', 'SSL_read', r);
      this.#finish();
      return { from: 'client', bytes: new Uint8Array(0), outcome: 'done' };
    }
    const side = state.done[state.turn] ? peer(state.turn) : state.turn;
    glue.osb_err_clear();
    let r = glue.osb_conn_handshake(this.conn(), SIDES[side]);
    while (-r === SSL_ERROR_WANT_CLIENT_HELLO_CB) {
      await this.callbacks.awaitLookup(glue.osb_conn_ssl(this.conn(), SIDES[side]));
      r = glue.osb_conn_handshake(this.conn(), SIDES[side]);
    }
    state.turn = peer(side);
    if (r === 1) state.done[side] = true;
    else if (-r !== SSL_ERROR_WANT_READ && -r !== SSL_ERROR_WANT_WRITE) return this.#fail(side, 'SSL_do_handshake', r);
    const bytes = this.wire.take(side);
    state.idle = bytes.length === 0 && !state.done[side] ? state.idle + 1 : 0;
    if (bytes.length) state.held = { from: side, bytes };
    return { from: side, bytes, outcome: state.idle >= 2 ? 'stalled' : 'continue' };
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

  /** Steps and delivers every flight as it is until the handshake is done; a failure throws OpenSSL's error. */
  async handshake(): Promise<HandshakeResult> {
    for (let steps = 0; ; steps++) {
      const { outcome, bytes } = await this.#advance();
      if (outcome === 'done') return this.result();
      if (outcome === 'failed') throw this.#state.failed!;
      if (outcome === 'stalled' || steps > MAX_STEPS) {
        throw new SandboxError('STALLED', `the handshake of ${this.name} stopped making progress after ${steps + 1} steps`);
      }
      if (bytes.length) this.deliver();
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
    const sent = (side: Side) => chunks.filter((c) => c.from === side).reduce((n, c) => n + c.bytes.length, 0);
    const reused = (side: Side) => this.log.call('SSL_session_reused', [`${this.name}_${side}`],
      () => glue.osb_conn_session_reused(conn, SIDES[side])) === 1;
    return {
      connection: this.name,
      version: protocolName(glue.osb_conn_version(conn, SIDES.client)),
      cipher: glue.osb_conn_cipher_name(conn, SIDES.client),
      reused: { client: reused('client'), server: reused('server') },
      sessionId: { client: sessionId('client'), server: sessionId('server') },
      flights: chunks.length,
      bytes: { client: sent('client'), server: sent('server') },
    };
  }

  #finish() {
    const conn = this.conn();
    const { glue } = this.openssl;
    this.log.add({
      kind: 'handshake', connection: this.name, version: protocolName(glue.osb_conn_version(conn, SIDES.client)),
      reused: glue.osb_conn_session_reused(conn, SIDES.client) === 1,
      c: `SSL_do_handshake(${this.name}_client) = 1; SSL_do_handshake(${this.name}_server) = 1`,
    });
  }

  #fail(side: Side, call: string, r: number): RawFlight {
    const error = this.openssl.failure(call, `${this.name}_${side}, SSL_get_error = ${-r}`);
    this.log.call(call, [`${this.name}_${side}`], () => -1);
    this.#state.failed = error;
    // What the failing side wrote (its alert) is held like any flight.
    const bytes = this.wire.take(side);
    if (bytes.length) this.#state.held = { from: side, bytes };
    return { from: side, bytes, outcome: 'failed' };
  }

  #flight(from: Side, bytes: Uint8Array, outcome: Flight['outcome']): Flight {
    const { done, failed } = this.#state;
    return {
      connection: this.name, from, outcome,
      records: parseRecords(bytes).map(({ type, version, length, bytes: record }) => ({ type, version, length, bytes: record })),
      done: { ...done },
      ...(failed ? { error: { message: failed.message, queue: failed.queue } } : {}),
    };
  }
}
