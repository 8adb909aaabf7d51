import { SandboxError, messageOf, type SandboxErrorCode } from '../core/errors.js';

/** An SSL_SESSION object as events name it: `#3` stays the same object for its whole life. */
export interface SessionObject {
  object: string;
  /** SSL_SESSION_get_id, hex */
  id: string;
}

interface Base {
  /** Position in the sandbox's event log, from 1. */
  seq: number;
  /** For events caused inside a call (callbacks, destruction): the seq of that call. */
  during?: number;
  /** The equivalent C, for example `SSL_CTX_add_session(server_ctx_1, sess_1) = 1`. */
  c: string;
}

/** One OpenSSL call the sandbox made, as a student would write it in C. */
export interface CallEvent extends Base {
  kind: 'call';
  /** The OpenSSL function name, for example `SSL_CTX_add_session`. */
  call: string;
  /** The arguments as C expressions (handle names, constants, literals). */
  args: string[];
  /** The return value, when the function returns one (a handle name for constructors). */
  result?: number | string;
  /** A variable the call makes (SSL_SESSION_up_ref: the new reference's name). */
  declares?: string;
  /** The reasons OpenSSL's error queue held after the call (ERR_get_error), where any. */
  errors?: string[];
  /** SSL_CTX_sess_set_get_cb with get_session_answer_cb: the session it answers with, and *copy. */
  answer?: { session: string; copy: number };
  /** SSL_CTX_sess_set_*_cb with a shared callback: the named external store the context uses. */
  store?: string;
}

/** OpenSSL called one of the sandbox's callbacks. */
export interface CallbackEvent extends Base {
  kind: 'callback';
  /** new_session (SSL_CTX_sess_set_new_cb), remove_session (_set_remove_cb), get_session (_set_get_cb), client_hello (SSL_CTX_set_client_hello_cb). */
  callback: 'new_session' | 'remove_session' | 'get_session' | 'client_hello';
  context: string;
  /** The session the callback was given (new, remove) or answered with (get). */
  session?: SessionObject;
  /** get_session: the id OpenSSL asked for, hex. */
  id?: string;
  /**
   * What the callback returned: 1/0 for new_session, a handle name or null for get_session (a
   * shared get callback: the decoded object, `#7`, or null for a miss).
   */
  result?: number | string | null;
  /** A shared callback: the named external store it put the session into, forgot it from, or looked it up in. */
  store?: string;
  /** new_session with 'keep': the handle the application now owns. */
  kept?: string;
}

/** An SSL_SESSION object was destroyed (its last reference was dropped). */
export interface DestroyedEvent extends Base {
  kind: 'destroyed';
  session: SessionObject;
}

/** A handshake the sandbox drove, with its outcome. */
export interface HandshakeEvent extends Base {
  kind: 'handshake';
  connection: string;
  version: string;
  reused: boolean;
  /** The SSL objects of sandbox_handshake (SSL objects made by SSL_new), where it drove them. */
  client?: string;
  server?: string;
}

/** A handshake message a side sent, as OpenSSL's message callback reported it (decrypted). */
export interface MessageEvent extends Base {
  kind: 'message';
  connection: string;
  from: 'client' | 'server';
  /** HandshakeType name (ClientHello, NewSessionTicket, …), or ChangeCipherSpec. */
  type: string;
  length: number;
  /** Decoded fields that matter for sessions: session id, cipher suites, pre_shared_key, ticket lifetime, … */
  fields: Record<string, unknown>;
}

/** A TLS record that crossed the wire (what a network capture would see). */
export interface RecordEvent extends Base {
  kind: 'record';
  connection: string;
  /** Its number in the connection, from 1, in wire order: what every view calls "record N" (dissect numbers the same). */
  number: number;
  from: 'client' | 'server';
  /** Position of its flight in the connection's transcript, and of the record in the flight. */
  flight: number;
  index: number;
  type: string;
  version: string;
  length: number;
}

/** A handshake state change (SSL_set_info_callback). */
export interface StateEvent extends Base {
  kind: 'state';
  connection: string;
  side: 'client' | 'server';
  /** SSL_state_string_long, or "handshake start" / "handshake done". */
  state: string;
}

/** An alert sent or received (SSL_set_info_callback with SSL_CB_ALERT). */
export interface AlertEvent extends Base {
  kind: 'alert';
  connection: string;
  side: 'client' | 'server';
  direction: 'sent' | 'received';
  level: 'warning' | 'fatal';
  description: string;
}

/** The virtual clock moved. */
export interface ClockEvent extends Base {
  kind: 'clock';
  /** Seconds since the epoch, as OpenSSL now sees it. */
  now: number;
}

/** A name was given to an SSL_SESSION object an event showed, without taking a reference (Sandbox.sessionObject). */
export interface NameEvent extends Base {
  kind: 'name';
  /** The new name, for example `object_1`. */
  name: string;
  /** The object it names (`#3`). */
  object: string;
}

/**
 * Code of the caller's failed (an onEvent listener threw, a get-session handler threw or
 * answered something that is not a session): the sandbox caught it before it reached OpenSSL,
 * and the call it happened in fails with `code`.
 */
export interface FaultEvent extends Base {
  kind: 'fault';
  source: 'onEvent listener' | 'get-session handler';
  /** The code of the error the call fails with: LISTENER, HANDLER, or a handler's own SandboxError code (TIMEOUT, a HandleError's, …). */
  code: SandboxErrorCode;
  message: string;
}

export type SandboxEvent =
  | CallEvent | CallbackEvent | DestroyedEvent | HandshakeEvent | ClockEvent
  | MessageEvent | RecordEvent | StateEvent | AlertEvent | NameEvent | FaultEvent;
/** The kinds of events, as their `kind` fields name them. */
export const EVENT_KINDS = ['call', 'callback', 'destroyed', 'handshake', 'clock', 'message', 'record', 'state', 'alert', 'name', 'fault'] as const satisfies readonly SandboxEvent['kind'][];
// Every kind listed: a new event type that is missing here fails to compile.
true satisfies (Exclude<SandboxEvent['kind'], (typeof EVENT_KINDS)[number]> extends never ? true : never);
/** The callbacks a CallbackEvent reports. */
export const CALLBACKS = ['new_session', 'remove_session', 'get_session', 'client_hello'] as const satisfies readonly CallbackEvent['callback'][];
export type NewEvent = SandboxEvent extends infer E ? (E extends SandboxEvent ? Omit<E, 'seq'> : never) : never;

/**
 * Makes an event of a compact row (see EventLog.addRow): what the row's producer stored, back
 * as the event it stands for. Called each time the event is read, never when it is logged.
 */
export type Expander = (ref: unknown, aux: unknown, a: number, b: number, c: number, d: number) => NewEvent;

/** Rows are kept in columns that grow by doubling from this many up to the log's limit. */
const INITIAL_ROWS = 1024;

/**
 * The ordered log of everything a sandbox did. Events that happen inside a call (OpenSSL
 * calling back, objects being destroyed) are logged right after the call that caused them.
 *
 * Stored as columns, not as objects: a traced handshake logs dozens of messages, records, states
 * and alerts, and 100,000 retained event objects (each with its C text, a message's decoded
 * fields) cost the garbage collector more than OpenSSL's own work on a resumption. Those events
 * are rows of numbers and shared references (the SSL's name, a message's bytes) that an
 * Expander turns into the event whenever it is read; other events are kept as the objects
 * they were logged as.
 */
export class EventLog {
  /** Per row: the event object (no expander), or the compact row's reference. */
  #ref: unknown[] = [];
  #aux: unknown[] = [];
  #expand: (Expander | undefined)[] = [];
  #a = new Int32Array(INITIAL_ROWS);
  #b = new Int32Array(INITIAL_ROWS);
  #c = new Int32Array(INITIAL_ROWS);
  #d = new Int32Array(INITIAL_ROWS);
  /** The seq of the call an event happened in, 0 for none. */
  #during = new Int32Array(INITIAL_ROWS);
  /** Rows the columns hold; once it reaches the limit (plus one), row seq lives at (seq - 1) % rows. */
  #rows = INITIAL_ROWS;
  /** Events logged in all (the seq of the last one). */
  #count = 0;
  /** Events dropped from the front to stay within `limit`; seq numbers keep counting. */
  #dropped = 0;
  readonly #listeners = new Map<number, (event: SandboxEvent) => unknown>();
  #nextListener = 1;
  /** Deliveries to listeners still answering (across a worker a listener answers asynchronously). */
  readonly #deliveries = new Set<Promise<unknown>>();
  /** The first listener failure since the last settle(): the running call fails with it. */
  #listenerFault: SandboxError | undefined;
  /** While a call runs, the rows it caused, seven values each (ref, aux, expander, a, b, c, d), waiting for the call's own event. */
  #inCall: unknown[] | undefined;

  /** Keeps at most `limit` events, so that a long run (a classroom tab, a soak test) stays bounded. */
  constructor(private readonly limit = 100_000) {}

  /** Logs `event`, a new object made for the log: it is numbered in place. */
  add(event: NewEvent): void {
    this.addRow(event, undefined, undefined, 0, 0, 0, 0);
  }

  /**
   * Logs an event as a compact row: `expand(ref, aux, a, b, c, d)` makes the event when it is read.
   * `ref` and `aux` must not change afterwards (they are shared, not copied).
   */
  addRow(ref: unknown, aux: unknown, expand: Expander | undefined, a: number, b: number, c: number, d: number): void {
    if (this.#inCall) this.#inCall.push(ref, aux, expand, a, b, c, d);
    else this.#push(ref, aux, expand, a, b, c, d, 0);
  }

  #push(ref: unknown, aux: unknown, expand: Expander | undefined, a: number, b: number, c: number, d: number, during: number): number {
    const seq = ++this.#count;
    if (seq > this.#rows && this.#rows <= this.limit) this.#grow();
    const row = (seq - 1) % this.#rows;
    this.#ref[row] = ref;
    this.#aux[row] = aux;
    this.#expand[row] = expand;
    this.#a[row] = a;
    this.#b[row] = b;
    this.#c[row] = c;
    this.#d[row] = d;
    this.#during[row] = during;
    if (!expand) {
      // Numbered in place: the event was made for the log, and a copy of each costs time and garbage.
      const full = ref as SandboxEvent;
      if (during) full.during = during;
      full.seq = seq;
    }
    if (this.#count - this.#dropped > this.limit) this.#dropTo(Math.floor(this.limit * 0.9));
    if (this.#listeners.size) {
      const event = this.#event(seq);
      for (const listener of this.#listeners.values()) this.#deliver(listener, event);
    }
    return seq;
  }

  /** Doubles the columns (up to the limit plus one row, after which they are a ring). */
  #grow() {
    const rows = Math.min(this.#rows * 2, this.limit + 1);
    const wider = (column: Int32Array) => {
      const grown = new Int32Array(rows);
      grown.set(column);
      return grown;
    };
    [this.#a, this.#b, this.#c, this.#d, this.#during] = [wider(this.#a), wider(this.#b), wider(this.#c), wider(this.#d), wider(this.#during)];
    this.#rows = rows;
  }

  /** Forgets the oldest events but the last `keep`, letting go of what their rows referenced. */
  #dropTo(keep: number) {
    for (let seq = this.#dropped + 1; seq <= this.#count - keep; seq++) {
      const row = (seq - 1) % this.#rows;
      this.#ref[row] = this.#aux[row] = this.#expand[row] = undefined;
    }
    this.#dropped = this.#count - keep;
  }

  /** The event numbered `seq` (kept): the logged object, or a compact row made into its event. */
  #event(seq: number): SandboxEvent {
    const row = (seq - 1) % this.#rows;
    const expand = this.#expand[row];
    if (!expand) return this.#ref[row] as SandboxEvent;
    const event = expand(this.#ref[row], this.#aux[row], this.#a[row], this.#b[row], this.#c[row], this.#d[row]) as SandboxEvent;
    if (this.#during[row]) event.during = this.#during[row];
    event.seq = seq;
    return event;
  }

  /** Gives `event` to a listener; whatever it throws (now, or later across a worker) stops here, short of OpenSSL's frames. */
  #deliver(listener: (event: SandboxEvent) => unknown, event: SandboxEvent) {
    try {
      const answer = listener(event);
      if (typeof (answer as Promise<unknown>)?.then === 'function') {
        const delivery = Promise.resolve(answer).then(undefined, (error) => this.#listenerFailed(error, event))
          .finally(() => this.#deliveries.delete(delivery));
        this.#deliveries.add(delivery);
      }
    } catch (error) {
      this.#listenerFailed(error, event);
    }
  }

  #listenerFailed(error: unknown, event: SandboxEvent) {
    if (event.kind === 'fault') return; // failing again on the report of a failure adds nothing
    const fault = new SandboxError('LISTENER', `an onEvent listener threw at event ${event.seq} (${event.c}): ${messageOf(error)}`, { cause: error });
    this.#listenerFault ??= fault;
    this.fault('onEvent listener', fault);
  }

  /** Logs code of the caller's that failed (a fault event). */
  fault(source: FaultEvent['source'], error: SandboxError): void {
    this.add({ kind: 'fault', source, code: error.code, message: error.message, c: `/* ${source} failed: ${error.message.replace(/\*\//g, '* /')} */` });
  }

  /**
   * Waits for the deliveries to listeners still under way, then returns (and forgets) the first
   * listener failure since the previous settle(): the call that caused it fails with it.
   */
  async settle(): Promise<SandboxError | undefined> {
    while (this.#deliveries.size) await Promise.all(this.#deliveries);
    const fault = this.#listenerFault;
    this.#listenerFault = undefined;
    return fault;
  }

  /** Runs `work` and logs the call event `describe` makes of its result, followed by the events `work` caused. */
  around<R>(work: () => R, describe: (result: R) => NewEvent): R {
    if (this.#inCall) return work(); // nested: the outer call collects everything
    const caused: unknown[] = (this.#inCall = []);
    let result: R;
    try {
      result = work();
    } finally {
      this.#inCall = undefined;
    }
    const call = this.#push(describe(result), undefined, undefined, 0, 0, 0, 0, 0);
    for (let i = 0; i < caused.length; i += 7) {
      const n = caused as number[];
      this.#push(caused[i], caused[i + 1], caused[i + 2] as Expander | undefined, n[i + 3], n[i + 4], n[i + 5], n[i + 6], call);
    }
    return result;
  }

  /**
   * Makes OpenSSL call `call` through `work` and logs it in C: `call(args) = result`. `errors`,
   * run right after the call, reports what OpenSSL's error queue then held.
   */
  call<R extends number | string | void>(call: string, args: string[], work: () => R, errors?: () => string[]): R {
    return this.around(work, (result) => {
      const shown = typeof result === 'string' ? JSON.stringify(result) : result;
      const queued = errors?.();
      // Built field by field, in the order the event shows them: spreading optional fields costs a copy each.
      const event: Omit<CallEvent, 'seq'> = { kind: 'call', call, args } as Omit<CallEvent, 'seq'>;
      if (result !== undefined) event.result = result as number | string;
      if (queued?.length) event.errors = queued;
      event.c = `${call}(${args.join(', ')})${shown === undefined ? '' : ` = ${shown}`}`;
      return event;
    });
  }

  /** Logs a call that creates an object, in C: `SSL_SESSION *sess_2 = SSL_get1_session(conn_1_client)`. */
  created<R>(call: string, args: string[], type: string, work: () => R, name: (result: R) => string): R {
    return this.around(work, (result) => ({
      kind: 'call', call, args, result: name(result), c: `${type} *${name(result)} = ${call}(${args.join(', ')})`,
    }));
  }

  /** Events after position `since` (0: all that are still kept). */
  since(since = 0): SandboxEvent[] {
    const events: SandboxEvent[] = [];
    for (let seq = Math.max(Math.trunc(since) || 0, this.#dropped) + 1; seq <= this.#count; seq++) events.push(this.#event(seq));
    return events;
  }

  /** How many events were logged in all (the seq of the last one). */
  get count(): number {
    return this.#count;
  }

  subscribe(listener: (event: SandboxEvent) => unknown): number {
    const id = this.#nextListener++;
    this.#listeners.set(id, listener);
    return id;
  }

  unsubscribe(id: number): void {
    this.#listeners.delete(id);
  }
}
