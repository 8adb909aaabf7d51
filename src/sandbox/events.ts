/** One OpenSSL call the sandbox made, as a student would write it in C. */
export interface CallEvent {
  kind: 'call';
  /** Position in the sandbox's event log, from 1. */
  seq: number;
  /** The OpenSSL function name, for example `SSL_CTX_add_session`. */
  call: string;
  /** The arguments as C expressions (handle names, constants, literals). */
  args: string[];
  /** The return value, when the function returns one. */
  result?: number | string;
  /** The equivalent C line, for example `SSL_CTX_add_session(server_ctx, sess_1) = 1`. */
  c: string;
}

/** A handshake the sandbox drove, with its outcome. */
export interface HandshakeEvent {
  kind: 'handshake';
  seq: number;
  connection: string;
  version: string;
  reused: boolean;
  c: string;
}

/** The virtual clock moved. */
export interface ClockEvent {
  kind: 'clock';
  seq: number;
  /** Seconds since the epoch, as OpenSSL now sees it. */
  now: number;
  c: string;
}

export type SandboxEvent = CallEvent | HandshakeEvent | ClockEvent;

type Unsequenced<E> = E extends SandboxEvent ? Omit<E, 'seq'> : never;

/** The ordered log of everything a sandbox did. */
export class EventLog {
  readonly #events: SandboxEvent[] = [];
  readonly #listeners = new Map<number, (event: SandboxEvent) => void>();
  #nextListener = 1;

  add(event: Unsequenced<SandboxEvent>): SandboxEvent {
    const full = { ...event, seq: this.#events.length + 1 } as SandboxEvent;
    this.#events.push(full);
    for (const listener of this.#listeners.values()) listener(full);
    return full;
  }

  subscribe(listener: (event: SandboxEvent) => void): number {
    const id = this.#nextListener++;
    this.#listeners.set(id, listener);
    return id;
  }

  unsubscribe(id: number): void {
    this.#listeners.delete(id);
  }

  /** Records a call and returns its result, so call sites stay one expression. */
  call<R extends number | string | undefined>(call: string, args: string[], result: R): R {
    const shown = typeof result === 'string' ? JSON.stringify(result) : result;
    this.add({ kind: 'call', call, args, ...(result === undefined ? {} : { result }),
      c: `${call}(${args.join(', ')})${shown === undefined ? '' : ` = ${shown}`}` });
    return result;
  }

  /** Records a call that creates an object, in C: `SSL_SESSION *sess_2 = SSL_get1_session(conn_1.client)`. */
  created(call: string, args: string[], type: string, name: string): void {
    this.add({ kind: 'call', call, args, result: name, c: `${type} *${name} = ${call}(${args.join(', ')})` });
  }

  /** Events after position `since` (0: all). */
  since(since = 0): SandboxEvent[] {
    return this.#events.slice(since);
  }
}
