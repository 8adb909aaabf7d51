// The playground's state: a scenario (contexts plus the steps done so far) and the runtime that
// ran it. Every action appends a step; reset, replay and shared links rebuild a fresh runtime from
// the steps, seeded, so the same steps always give the same bytes, ids and counters.
import type { ContextConfig, Flight, Variant } from 'openssl-wasm-sandbox';
import type { Scenario, Step } from 'openssl-wasm-sandbox/conformance';
import { afterStep, reconfigureCalls, type Role } from './context-settings.js';
import { Runtime, type HandshakeStep, type SteppedHandshake, type Snapshot } from './runtime.js';

/** The seed of every playground run: fixed, so replays and shared links agree byte for byte. */
export const SEED = 1;

export function newScenario(variant: Variant, contexts: Record<string, ContextConfig>): Scenario {
  return { title: 'playground', openssl: [variant], seed: SEED, contexts: { ...contexts }, steps: [] };
}

/** The contexts a scenario has, by name, with their role. */
export function contextRoles(scenario: Scenario): [string, Role][] {
  return Object.entries(scenario.contexts).map(([name, config]) => [name, config.role as Role]);
}

/** A context more (a new SSL_CTX: the steps are replayed with it), named after its role: server2, client2… */
export function withContext(scenario: Scenario, role: Role): { scenario: Scenario; name: string } {
  let n = 2;
  while (`${role}${n}` in scenario.contexts) n++;
  const name = `${role}${n}`;
  return { scenario: { ...scenario, contexts: { ...scenario.contexts, [name]: { role } } }, name };
}

/** The scenario without context `name`; refused while a step names it (its steps would have nothing to run on). */
export function withoutContext(scenario: Scenario, name: string): Scenario {
  const pattern = new RegExp(`"${name}(\\.[A-Za-z0-9_]+)?"`);
  const used = scenario.steps.findIndex((step) => pattern.test(JSON.stringify(step)));
  if (used >= 0) throw new Error(`${name} is used by step ${used + 1}: undo or replay to before it first.`);
  const { [name]: _, ...contexts } = scenario.contexts;
  return { ...scenario, contexts };
}

/**
 * The set calls that make every server context's new, get and remove callbacks the shared ones,
 * naming `store`: each then puts its sessions into, looks them up in and forgets them from the same
 * external store, as servers behind one name share a session cache.
 */
export function shareStoreSteps(scenario: Scenario, store: string): Step[] {
  return contextRoles(scenario).filter(([, role]) => role === 'server').flatMap(([name]) =>
    (['SSL_CTX_sess_set_new_cb', 'SSL_CTX_sess_set_get_cb', 'SSL_CTX_sess_set_remove_cb'] as const).map((call) => ({ call, args: [name, { store }] })));
}

export class Playground {
  #runtime: Runtime | undefined;
  #scenario: Scenario;

  constructor(scenario: Scenario) {
    this.#scenario = scenario;
  }

  get scenario(): Scenario {
    return this.#scenario;
  }

  get runtime(): Runtime {
    if (!this.#runtime) throw new Error('the playground has not started');
    return this.#runtime;
  }

  get variant(): Variant {
    return this.#scenario.openssl?.[0] ?? '3.5';
  }

  /** Each context's configuration now: as created, then changed by the set calls among the steps. */
  config(context: string): ContextConfig {
    return this.#scenario.steps.reduce((config, step) => afterStep(context, config, step), this.#scenario.contexts[context]);
  }

  /** How many handshakes (dups, SSL objects…) the steps named: the next one's name follows (hs2, dup1, ssl3). */
  nextName(prefix: string): string {
    const taken = new Set(this.#scenario.steps.map((s) => ('as' in s ? s.as : undefined)));
    let n = 1;
    while (taken.has(`${prefix}${n}`)) n++;
    return `${prefix}${n}`;
  }

  /** Rebuilds from `scenario` (all its steps, or the first `upTo`): a fresh seeded sandbox. */
  async load(scenario: Scenario, upTo = scenario.steps.length): Promise<Snapshot> {
    const steps = scenario.steps.slice(0, upTo);
    // Started before the old one goes: if this variant cannot start, the page keeps its state.
    const next = { ...scenario, steps: [] as Step[] };
    const runtime = await Runtime.start(next);
    await this.#runtime?.dispose();
    this.#runtime = runtime;
    this.#scenario = next;
    // Observed after each step as a live run is: reading the caches names objects (#1, #2…) in
    // the order they are first seen, and counter changes are per step, so a replay matches exactly.
    let snapshot = await runtime.snapshot();
    for (const step of steps) {
      await runtime.run(step);
      this.#scenario.steps.push(step);
      snapshot = await runtime.snapshot();
    }
    return snapshot;
  }

  /** Runs one more step. */
  async act(step: Step): Promise<Snapshot> {
    await this.runtime.run(step);
    this.#scenario.steps.push(step);
    return this.runtime.snapshot();
  }

  /** Runs several more steps, in order, as one change. */
  async actAll(steps: Step[]): Promise<Snapshot> {
    let snapshot: Snapshot | undefined;
    for (const step of steps) snapshot = await this.act(step);
    return snapshot ?? this.runtime.snapshot();
  }

  /** Starts a handshake to run flight by flight; it becomes a step only if it ends untampered (endStepped). */
  startStepped(step: HandshakeStep): Promise<SteppedHandshake> {
    return this.runtime.openStepped(step);
  }

  /** Closes a stepped handshake: untampered, it joins the steps as the handshake step it was; tampered, it stays out of them. */
  async endStepped(stepped: SteppedHandshake, last: Flight): Promise<Snapshot> {
    const record = await this.runtime.closeStepped(stepped, last);
    if (record) this.#scenario.steps.push(stepped.step);
    return this.runtime.snapshot();
  }

  /**
   * Applies new context configurations: with set calls (Context.configure) where OpenSSL has
   * them, recorded as steps; otherwise (a setting cleared, callbacks changed) with new contexts,
   * which starts the history over (undoable, like every change). Says which it did.
   */
  async apply(configs: Record<string, ContextConfig>): Promise<{ snapshot: Snapshot; how: string }> {
    const calls = Object.keys(configs).map((name) => reconfigureCalls(name, this.config(name), configs[name]));
    if (calls.some((c) => c === null)) {
      const snapshot = await this.load(newScenario(this.variant, configs));
      return { snapshot, how: 'New SSL_CTXs created: the history starts over (Undo brings it back).' };
    }
    const steps = calls.flat() as Step[];
    if (!steps.length) return { snapshot: await this.runtime.snapshot(), how: 'Nothing changed.' };
    const snapshot = await this.actAll(steps);
    return { snapshot, how: `Reconfigured with ${steps.length} call${steps.length > 1 ? 's' : ''} (Context.configure).` };
  }
}
