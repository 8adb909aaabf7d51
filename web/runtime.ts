// One run of the playground: a seeded sandbox in a Web Worker, the server and client contexts,
// and the steps done so far, each a conformance-scenario step run by the package's scenario
// interpreter, so that any state can be rebuilt by replaying them.
import {
  C_API, ConfContext, Connection, Context, Session, Ssl, createSandbox, type CallName, type CFunction, type CachedSession, type CallEvent, type ContextState, type Counter, type Sandbox, type SandboxEvent,
  type Flight, type HandshakeResult, type SessionInfo, type StoreEntry, type Variant,
} from 'openssl-wasm-sandbox';
import { Interpreter, type HandshakeStep, type Scenario, type Step } from 'openssl-wasm-sandbox/conformance';
import type { Role } from './context-settings.js';

const PLAYGROUND_MEMORY_LIMIT = 256 * 1024 * 1024;

/** A session the user can act on: a client's session from a handshake, a dup, or one the new-session callback kept. */
export interface LiveSession {
  /** Its name in scenario steps: `hs1.session`, `dup1`, or a kept handle's name (`sess_4`). */
  ref: string;
  session: Session;
  origin: string;
}

export type { HandshakeStep };

/** A handshake run flight by flight: the open connection and the step it stands for. */
export interface SteppedHandshake {
  connection: Connection;
  step: HandshakeStep;
  /** The log's length before it connected. */
  eventsFrom: number;
  /** A flight was delivered changed: dropped, modified, duplicated or reordered records. */
  tampered: boolean;
}

export interface HandshakeOutcome {
  connection: string;
  version: string;
  cipher: string;
  /** SSL_session_reused on both sides. */
  reused: boolean;
  reusedBy: { client: boolean; server: boolean };
}

/** What one step did: the events it caused, its result as C, or the error it raised. */
export interface StepRecord {
  step: Step;
  /** The events of this step have seq in (eventsFrom, eventsTo]. */
  eventsFrom: number;
  eventsTo: number;
  /** The C line of the step's own call (`SSL_CTX_add_session(server_ctx_1, sess_2) = 1`), or a summary. */
  text: string;
  /** What the step's own call returned, as C did. */
  result?: number | string;
  handshake?: HandshakeOutcome;
  error?: string;
  /** The step's expectation (a lesson's or a catalog scenario's check), when it has one: what did not hold; empty when all held. */
  check?: string[];
}

export interface ContextView {
  /** Its C name (`server_ctx_1`); the snapshot holds it under its scenario name (`server`). */
  name: string;
  role: Role;
  cache: CachedSession[];
  counters: Record<Counter, number>;
  changes: Partial<Record<Counter, number>>;
  settings: ContextState;
}

/** Everything the panels show after a step. */
export interface Snapshot {
  variant: Variant;
  opensslVersion: string;
  now: number;
  /** By scenario name: `server`, `client`, and any added (`server2`…), in the order they were made. */
  contexts: Record<string, ContextView>;
  sessions: (LiveSession & { info: SessionInfo })[];
  events: SandboxEvent[];
  records: StepRecord[];
  /** The named external stores the contexts' shared callbacks use, with their entries (Sandbox.externalStores()). */
  stores: Record<string, StoreEntry[]>;
  /** The names steps gave SSL objects, SSL_CONF_CTXs and DER encodings, while not freed. */
  named: Record<'SSL' | 'SSL_CONF_CTX' | 'der', string[]>;
}

function describeError(error: unknown): string {
  const e = error as { queue?: { reason: string }[]; message?: string };
  const reasons = e.queue?.map((q) => q.reason).filter(Boolean).join('; ');
  return reasons || e.message || String(error);
}

export class Runtime {
  readonly sessions = new Map<string, LiveSession>();
  readonly records: StepRecord[] = [];
  /** Runs the steps and holds their names: contexts, handshake results (`hs1`), dups, kept sessions. */
  readonly #interpreter: Interpreter;
  #events: SandboxEvent[] = [];
  /** Names of objects a step freed (SSL_free, SSL_CONF_CTX_free…): the interpreter still knows them, to refuse their use. */
  readonly #freed = new Set<string>();
  #version = '';

  private constructor(readonly sb: Sandbox, readonly scenario: Scenario) {
    this.#interpreter = new Interpreter(sb, sb.variant);
  }

  /** A fresh seeded sandbox with the scenario's contexts; no steps run yet. */
  static async start(scenario: Scenario): Promise<Runtime> {
    const variant = scenario.openssl?.[0] ?? '3.5';
    // A tab may stay open all day: past 256 MiB held by OpenSSL, calls fail with MemoryLimitError instead of the tab growing.
    const sb = await createSandbox({ openssl: variant, worker: true, seed: scenario.seed, clock: scenario.clock, memoryLimit: PLAYGROUND_MEMORY_LIMIT });
    const runtime = new Runtime(sb, scenario);
    try {
      runtime.#version = await sb.opensslVersion();
      await runtime.#interpreter.start(scenario);
      runtime.#events = await sb.events();
    } catch (error) {
      await sb.dispose().catch(() => {});
      throw error;
    }
    return runtime;
  }

  context(name: string): Context {
    return this.#interpreter.names.get(name) as Context;
  }

  /** Runs one step through the scenario interpreter and records what it did. */
  async run(step: Step): Promise<StepRecord> {
    const eventsFrom = await this.sb.eventCount();
    const record: StepRecord = { step, eventsFrom, eventsTo: eventsFrom, text: '' };
    // A step's expectation (a lesson opened here, an imported catalog scenario) is checked as the scenario runner checks it.
    const failed: string[] = [];
    const { error } = await this.#interpreter.step(step, (f) => failed.push(`${f.path}: expected ${JSON.stringify(f.expected)}, observed ${JSON.stringify(f.observed)}`));
    if ('expect' in step && step.expect !== undefined) record.check = failed;
    if (error !== undefined) record.error = error;
    if ('handshake' in step) {
      if (error === undefined) this.#handshakeDone(step, record, this.#interpreter.names.get(step.as ?? '_') as HandshakeResult & { session: Session });
      else record.text = `${step.as ?? '_'}: handshake failed: ${error}`;
      await this.#keptSessions();
    } else if ('call' in step) {
      this.#called(step);
    }
    record.eventsTo = await this.sb.eventCount();
    const own = await this.sb.events(eventsFrom);
    this.#events.push(...own);
    if (!record.text) {
      const call = 'call' in step ? own.filter((e): e is CallEvent => e.kind === 'call' && e.call === step.call && e.during === undefined).at(-1) : undefined;
      record.text = record.error ? `${'call' in step ? step.call : 'step'} failed: ${record.error}` : call?.c ?? ('clock' in step ? `clock ${step.clock} s` : record.check ? 'the state checked' : 'done');
      if (call?.result !== undefined) record.result = call.result;
    }
    this.records.push(record);
    return record;
  }

  /** What a handshake step leaves behind besides its name: its client session, the record's outcome. */
  #handshakeDone(step: HandshakeStep, record: StepRecord, hs: HandshakeResult & { session: Session }): void {
    const { session } = step.handshake;
    const name = step.as ?? '_';
    this.sessions.set(`${name}.session`, { ref: `${name}.session`, session: hs.session, origin: `client session of handshake ${name}` });
    record.handshake = {
      connection: hs.connection, version: hs.version, cipher: hs.cipher,
      reused: hs.reused.client && hs.reused.server, reusedBy: hs.reused,
    };
    const how = record.handshake.reused ? 'resumed' : 'full handshake';
    record.text = `${name}: ${hs.connection}, ${hs.version}, ${how}${session ? ` (offered ${session})` : ''}`;
  }

  /** Sessions the new-session callback kept belong to the application now: list them too. */
  async #keptSessions(): Promise<void> {
    for (const name of Object.keys(this.scenario.contexts)) {
      for (const kept of await this.context(name).keptSessions()) {
        if (this.#interpreter.names.has(kept.name)) continue;
        this.#interpreter.names.set(kept.name, kept);
        this.sessions.set(kept.name, { ref: kept.name, session: kept, origin: `kept by ${name}'s new-session callback` });
      }
    }
  }

  /** Opens a connection to run flight by flight; its events join the log as they happen (pullEvents). */
  async openStepped(step: HandshakeStep): Promise<SteppedHandshake> {
    const eventsFrom = await this.sb.eventCount();
    const { client, server, session } = step.handshake;
    const connection = await this.sb.connect(this.context(client), this.context(server), this.#interpreter.offered(session));
    await this.pullEvents();
    return { connection, step, eventsFrom, tampered: false };
  }

  /** The events since the last look, appended to the log (the stepped connection's, while it runs); returns them. */
  async pullEvents(): Promise<SandboxEvent[]> {
    const more = await this.sb.events(this.#events.at(-1)?.seq ?? 0);
    this.#events.push(...more);
    return more;
  }

  /**
   * Ends a stepped handshake. Untampered, it is what the handshake step would have done, in the
   * same order (result, SSL_get1_session, shutdown): recorded as that step, its session listed.
   * Tampered, the connection closes uncleanly (or cleanly once done) and nothing is recorded:
   * no scenario step can say what was changed.
   */
  async closeStepped(stepped: SteppedHandshake, flight: Flight): Promise<StepRecord | undefined> {
    const { connection, step, tampered } = stepped;
    if (tampered) {
      try {
        await connection.close(flight.outcome === 'done' ? 'clean' : 'unclean');
      } finally {
        await this.pullEvents();
      }
      return undefined;
    }
    const record: StepRecord = { step, eventsFrom: stepped.eventsFrom, eventsTo: stepped.eventsFrom, text: '' };
    try {
      if (flight.outcome === 'done') {
        const hs = { ...await connection.result(), session: await connection.session('client') };
        this.#interpreter.nameHandshake(step.as, hs);
        this.#handshakeDone(step, record, hs);
      } else {
        record.error = flight.error ? describeError(flight.error) : `the handshake of ${flight.connection} stopped making progress`;
        record.text = `${step.as ?? '_'}: handshake failed: ${record.error}`;
      }
    } finally {
      await connection.close(step.handshake.shutdown ?? 'clean');
    }
    await this.#keptSessions();
    record.eventsTo = await this.sb.eventCount();
    await this.pullEvents();
    this.records.push(record);
    return record;
  }

  /** The sessions list after a call: a session it named joins, a freed one leaves. */
  #called(step: Extract<Step, { call: string }>): void {
    const result = step.as === undefined ? undefined : this.#interpreter.names.get(step.as);
    if (step.as && result instanceof Session) this.sessions.set(step.as, { ref: step.as, session: result, origin: `${step.call}(${step.args?.[0]})` });
    if (step.call === 'SSL_SESSION_free') this.sessions.delete(String(step.args?.[0]));
    if (Object.hasOwn(C_API, step.call) && (C_API[step.call as CallName] as CFunction).frees) this.#freed.add(String(step.args?.[0]));
  }

  #named(): Snapshot['named'] {
    const named: Snapshot['named'] = { SSL: [], SSL_CONF_CTX: [], der: [] };
    for (const [name, value] of this.#interpreter.names) {
      if (this.#freed.has(name)) continue;
      if (value instanceof Uint8Array) named.der.push(name);
      else if (value instanceof Ssl) named.SSL.push(name);
      else if (value instanceof ConfContext) named.SSL_CONF_CTX.push(name);
    }
    return named;
  }

  async snapshot(): Promise<Snapshot> {
    const view = async (name: string): Promise<ContextView> => {
      const ctx = this.context(name);
      const changes = await ctx.counterChanges();
      const [cache, counters, settings] = await Promise.all([ctx.cachedSessions(), ctx.counters(), ctx.settings()]);
      return { name: ctx.name, role: this.scenario.contexts[name].role as Role, cache, counters, changes, settings };
    };
    const live = [...this.sessions.values()];
    const names = Object.keys(this.scenario.contexts);
    const [now, views, infos, stores] = await Promise.all([
      this.sb.clock.now(), Promise.all(names.map(view)),
      live.length ? this.sb.batch(live.map((s) => ['sessionInfo', s.session])) : Promise.resolve([]),
      this.sb.externalStores(),
    ]);
    return {
      variant: this.sb.variant, opensslVersion: this.#version, now,
      contexts: Object.fromEntries(names.map((name, i) => [name, views[i]])),
      sessions: live.map((s, i) => ({ ...s, info: (infos[i] as { ok: true; value: SessionInfo }).value }))
        .filter((s) => s.info?.alive),
      events: this.#events, records: this.records, named: this.#named(), stores,
    };
  }

  /** Every event so far, the contexts' creation included (for the C export). */
  allEvents(): Promise<SandboxEvent[]> {
    return this.sb.events();
  }

  dispose(): Promise<void> {
    return this.sb.dispose().then(() => {}, () => {});
  }
}
