// One run of the playground: a seeded sandbox in a Web Worker, the server and client contexts,
// and the steps done so far, each a conformance-scenario step, so that any state can be rebuilt
// by replaying them.
import {
  Context, Session, createSandbox, type CachedSession, type ContextState, type Counter, type Sandbox, type SandboxEvent,
  type SessionInfo, type Variant,
} from '../src/index.js';
import { CALLS } from '../src/scenario/calls.js';
import type { Scenario, Step } from '../src/scenario/types.js';
import { ROLES, type Role } from './context-settings.js';

/** A session the user can act on: a client's session from a handshake, a dup, or one the new-session callback kept. */
export interface LiveSession {
  /** Its name in scenario steps: `hs1.session`, `dup1`, or a kept handle's name (`sess_4`). */
  ref: string;
  session: Session;
  origin: string;
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
  handshake?: HandshakeOutcome;
  error?: string;
}

export interface ContextView {
  name: string;
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
  contexts: Record<Role, ContextView>;
  sessions: (LiveSession & { info: SessionInfo })[];
  events: SandboxEvent[];
  records: StepRecord[];
}

function describeError(error: unknown): string {
  const e = error as { queue?: { reason: string }[]; message?: string };
  const reasons = e.queue?.map((q) => q.reason).filter(Boolean).join('; ');
  return reasons || e.message || String(error);
}

export class Runtime {
  /** Scenario names: contexts, handshake results (`hs1`), dups, kept sessions. */
  readonly names = new Map<string, unknown>();
  readonly sessions = new Map<string, LiveSession>();
  readonly records: StepRecord[] = [];
  #events: SandboxEvent[] = [];
  #version = '';

  private constructor(readonly sb: Sandbox, readonly scenario: Scenario) {}

  /** A fresh seeded sandbox with the scenario's contexts; no steps run yet. */
  static async start(scenario: Scenario): Promise<Runtime> {
    const variant = scenario.openssl?.[0] ?? '3.5';
    const sb = await createSandbox({ openssl: variant, worker: true, seed: scenario.seed, clock: scenario.clock });
    const runtime = new Runtime(sb, scenario);
    try {
      runtime.#version = await sb.opensslVersion();
      for (const [name, config] of Object.entries(scenario.contexts)) runtime.names.set(name, await sb.context(config));
      runtime.#events = await sb.events();
    } catch (error) {
      await sb.dispose().catch(() => {});
      throw error;
    }
    return runtime;
  }

  context(role: Role): Context {
    return this.names.get(role) as Context;
  }

  /** A name in a step's arguments: a context, `hs1.session`, a dup, a kept session; anything else is a literal. */
  #resolve(value: unknown): unknown {
    if (typeof value !== 'string') return value;
    if (this.names.has(value)) return this.names.get(value);
    const [head, field] = value.split('.');
    const holder = this.names.get(head);
    return field !== undefined && holder && typeof holder === 'object' && field in holder ? (holder as Record<string, unknown>)[field] : value;
  }

  /** Runs one step, the way src/scenario/run.ts does, and records what it did. */
  async run(step: Step): Promise<StepRecord> {
    const eventsFrom = await this.sb.eventCount();
    const record: StepRecord = { step, eventsFrom, eventsTo: eventsFrom, text: '' };
    if ('clock' in step) {
      if (step.clock.startsWith('+')) await this.sb.clock.advance(Number(step.clock.slice(1)));
      else await this.sb.clock.set(Number(step.clock));
    } else if ('handshake' in step) {
      await this.#handshake(step, record);
    } else if ('call' in step) {
      await this.#call(step, record);
    }
    // 'expect' steps (from an imported catalog scenario) check nothing here: the panels show the state.
    record.eventsTo = await this.sb.eventCount();
    const own = await this.sb.events(eventsFrom);
    this.#events.push(...own);
    if (!record.text) {
      const call = 'call' in step ? own.filter((e) => e.kind === 'call' && e.call === step.call && e.during === undefined).at(-1) : undefined;
      record.text = record.error ? `${'call' in step ? step.call : 'step'} failed: ${record.error}` : call?.c ?? ('clock' in step ? `clock ${step.clock} s` : 'done');
    }
    this.records.push(record);
    return record;
  }

  async #handshake(step: Extract<Step, { handshake: unknown }>, record: StepRecord): Promise<void> {
    const { client, server, session, shutdown } = step.handshake;
    const name = step.as ?? '_';
    try {
      const offered = session === undefined ? undefined : this.#resolve(session);
      if (session !== undefined && !(offered instanceof Session)) throw new Error(`no session named '${session}'`);
      const hs = await this.sb.handshake({
        client: this.names.get(client) as Context, server: this.names.get(server) as Context, session: offered as Session | undefined, shutdown,
      });
      this.names.set(name, { ...hs, id: hs.sessionId.server });
      this.sessions.set(`${name}.session`, { ref: `${name}.session`, session: hs.session, origin: `client session of handshake ${name}` });
      record.handshake = {
        connection: hs.connection, version: hs.version, cipher: hs.cipher,
        reused: hs.reused.client && hs.reused.server, reusedBy: hs.reused,
      };
      const how = record.handshake.reused ? 'resumed' : 'full handshake';
      record.text = `${name}: ${hs.connection}, ${hs.version}, ${how}${session ? ` (offered ${session})` : ''}`;
    } catch (error) {
      record.error = describeError(error);
      record.text = `${name}: handshake failed: ${record.error}`;
    }
    // Sessions the new-session callback kept belong to the application now: list them too.
    for (const role of ROLES) {
      for (const kept of await this.context(role).keptSessions()) {
        if (this.names.has(kept.name)) continue;
        this.names.set(kept.name, kept);
        this.sessions.set(kept.name, { ref: kept.name, session: kept, origin: `kept by the ${role}'s new-session callback` });
      }
    }
  }

  async #call(step: Extract<Step, { call: string }>, record: StepRecord): Promise<void> {
    const impl = CALLS[step.call];
    try {
      if (!impl) throw new Error(`'${step.call}' is not a call the playground can make`);
      const result = await impl(this.sb, (step.args ?? []).map((a) => this.#resolve(a)));
      if (step.as) {
        this.names.set(step.as, result);
        if (result instanceof Session) this.sessions.set(step.as, { ref: step.as, session: result, origin: `${step.call}(${step.args?.[0]})` });
      }
      if (step.call === 'SSL_SESSION_free') this.sessions.delete(String(step.args?.[0]));
    } catch (error) {
      record.error = describeError(error);
    }
  }

  async snapshot(): Promise<Snapshot> {
    const view = async (role: Role): Promise<ContextView> => {
      const ctx = this.context(role);
      const changes = await ctx.counterChanges();
      const [cache, counters, settings] = await Promise.all([ctx.cachedSessions(), ctx.counters(), ctx.settings()]);
      return { name: ctx.name, cache, counters, changes, settings };
    };
    const live = [...this.sessions.values()];
    const [now, server, client, infos] = await Promise.all([
      this.sb.clock.now(), view('server'), view('client'),
      live.length ? this.sb.batch(live.map((s) => ['sessionInfo', s.session])) : Promise.resolve([]),
    ]);
    return {
      variant: this.sb.variant, opensslVersion: this.#version, now,
      contexts: { server, client },
      sessions: live.map((s, i) => ({ ...s, info: (infos[i] as { ok: true; value: SessionInfo }).value }))
        .filter((s) => s.info?.alive),
      events: this.#events, records: this.records,
    };
  }

  /** Every event so far, the contexts' creation included (for the C export). */
  allEvents(): Promise<SandboxEvent[]> {
    return this.sb.events();
  }

  dispose(): Promise<void> {
    return this.sb.dispose().catch(() => {});
  }
}
