// Runs a scenario against a sandbox and reports every expectation that did not hold.
import { protocolName } from '../core/constants.js';
import { CallError, HandleError, OpenSSLError, SandboxError } from '../core/errors.js';
import { cFunction, flagNames, type ReturnKind } from '../sandbox/c-api.js';
import type { LocateFile, Variant } from '../core/module.js';
import { ConfContext, Context, Session, Ssl, type HandshakeResult, type Sandbox } from '../sandbox/sandbox.js';
import { createSandboxIn } from '../worker/create-sandbox.js';
import type { WorkerPool } from '../worker/host.js';
import type { CallEvent, SandboxEvent, SessionObject } from '../sandbox/events.js';
import { CALLS } from './calls.js';
import { recordStep, type StepRecord } from './record.js';
import type { EventsExpectation, Expected, Failure, Scenario, ScenarioReport, StateExpectation, Step } from './types.js';

export interface RunOptions {
  openssl: Variant;
  /** Run OpenSSL in a worker (default false: in this thread); given a WorkerPool, in one of its threads. */
  worker?: boolean | WorkerPool;
  file?: string;
  /** Receives the whole event log, the final frees included (for a C export of the run). */
  events?: (events: SandboxEvent[]) => void;
  /** The scenario's time budget, in ms (default DEFAULT_TIMEOUT_MS): past it, it stops and fails. */
  timeoutMs?: number;
  /** Records what every step did, expected or not (report.record): what compare.ts compares between variants. */
  record?: boolean;
  /** Where the sandbox loads the `.wasm` and the worker script from (SandboxOptions.locateFile). */
  locateFile?: LocateFile;
}

/** A scenario's time budget unless told otherwise: a minute, far beyond what any catalog scenario takes (a second or two). */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** Picks this variant's expectation out of `{ byVariant }`; undefined when it states none. */
function forVariant<T>(expected: Expected<T> | undefined, variant: Variant): T | undefined {
  if (expected && typeof expected === 'object' && 'byVariant' in (expected as object)) {
    return (expected as { byVariant: Partial<Record<Variant, T>> }).byVariant[variant];
  }
  return expected as T | undefined;
}

/**
 * Compares `observed` with `expected` on the fields `expected` names, recording failures;
 * returns the observed value cut to those fields (what must be identical across runs).
 */
function match(expected: unknown, observed: unknown, path: string, fail: (f: Omit<Failure, 'step'>) => void): unknown {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (observed === null || typeof observed !== 'object') {
      fail({ path, expected, observed });
      return observed;
    }
    return Object.fromEntries(Object.entries(expected).map(([k, v]) =>
      [k, match(v, (observed as Record<string, unknown>)[k], `${path}.${k}`, fail)]));
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(observed) || observed.length !== expected.length) {
      fail({ path, expected, observed });
      return observed;
    }
    return expected.map((v, i) => match(v, observed[i], `${path}[${i}]`, fail));
  }
  if (!Object.is(expected, observed)) fail({ path, expected, observed });
  return observed;
}

/** An event pattern without its `as` (which names the session of the event it matches). */
function pattern(want: Record<string, unknown>): Record<string, unknown> {
  const { as: _, ...fields } = want;
  return fields;
}

/** Whether an event has the fields `want` gives. */
function matches(want: Record<string, unknown>, event: SandboxEvent): boolean {
  let ok = true;
  match(pattern(want), event, '', () => { ok = false; });
  return ok;
}

/** Called for each pattern with `as` that matched an event. */
type Bind = (name: string, event: SandboxEvent) => void;

/** An `events` expectation: a list in order (others between), or exact sequences and absences. */
function matchEventExpectation(expected: Record<string, unknown>[] | EventsExpectation, observed: SandboxEvent[], fail: (f: Omit<Failure, 'step'>) => void, bind: Bind): unknown {
  if (Array.isArray(expected)) return matchEvents(expected, observed, fail, 'events', bind);
  const seen: Record<string, unknown> = {};
  if (expected.exactly) {
    const covered = expected.of ? observed.filter((e) => expected.of!.includes(e.kind)) : observed;
    const at = covered.findIndex((e, i) => i >= expected.exactly!.length || !matches(expected.exactly![i], e));
    if (at >= 0 || covered.length !== expected.exactly.length) {
      const i = at >= 0 ? at : covered.length;
      fail({
        path: `events.exactly[${i}]`, expected: expected.exactly[i] ?? 'no more events', observed: covered.slice(i).map((e) => e.c),
        message: `exactly ${expected.exactly.length} event${expected.exactly.length === 1 ? '' : 's'}${expected.of ? ` of kinds ${expected.of.join(', ')}` : ''} since the previous step, in order`,
      });
    }
    else expected.exactly.forEach((want, i) => typeof want.as === 'string' && bind(want.as, covered[i]));
    seen.exactly = expected.exactly.map((want, i) => (covered[i] ? match(pattern(want), covered[i], '', () => {}) : undefined));
  }
  if (expected.of) seen.of = expected.of;
  if (expected.inOrder) seen.inOrder = matchEvents(expected.inOrder, observed, fail, 'events.inOrder', bind);
  if (expected.none) {
    expected.none.forEach((want, i) => {
      const found = observed.find((e) => matches(want, e));
      if (found) fail({ path: `events.none[${i}]`, expected: 'no such event', observed: found.c, message: 'an event the step must not cause' });
    });
    seen.none = expected.none;
  }
  return seen;
}

/** Callback invocations in the window, per named context and kind (only the kinds `expected` names). */
function callbackCounts(names: Map<string, unknown>, expected: NonNullable<StateExpectation['callbacks']>, observed: SandboxEvent[],
  fail: (f: Omit<Failure, 'step'>) => void): unknown {
  return Object.fromEntries(Object.entries(expected).map(([name, want]) => {
    const context = names.get(name);
    if (!(context instanceof Context)) {
      fail({ path: `callbacks.${name}`, expected: 'a context', observed: typeof context });
      return [name, undefined];
    }
    const counts = Object.fromEntries(Object.keys(want).map((kind) =>
      [kind, observed.filter((e) => e.kind === 'callback' && e.callback === kind && e.context === context.name).length]));
    return [name, match(want, counts, `callbacks.${name}`, fail)];
  }));
}

/** Events must appear in the given order among those observed (others may come between). */
function matchEvents(expected: Record<string, unknown>[], observed: SandboxEvent[], fail: (f: Omit<Failure, 'step'>) => void, path: string, bind: Bind): unknown {
  const picked: unknown[] = [];
  let at = 0;
  for (const [i, want] of expected.entries()) {
    let found = -1;
    for (let j = at; j < observed.length && found < 0; j++) if (matches(want, observed[j])) found = j;
    if (found < 0) {
      fail({
        path: `${path}[${i}]`, expected: want,
        observed: observed.slice(at).map((e) => e.c),
        message: 'no such event, in order, since the previous step',
      });
      return picked;
    }
    picked.push(match(pattern(want), observed[found], `${path}[${i}]`, () => {}));
    if (typeof want.as === 'string') bind(want.as, observed[found]);
    at = found + 1;
  }
  return picked;
}

/** Runs one scenario on one variant in a fresh sandbox, which is disposed afterwards. */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<ScenarioReport> {
  const started = Date.now();
  const base = { file: options.file, title: scenario.title, variant: options.openssl };
  if (scenario.openssl && !scenario.openssl.includes(options.openssl)) {
    return { ...base, ok: true, skipped: true, failures: [], observations: [], durationMs: 0 };
  }
  const failures: Failure[] = [];
  const observations: ScenarioReport['observations'] = [];
  const record: StepRecord[] = [];
  let sb: Sandbox;
  try {
    sb = await createSandboxIn(options.worker ?? false, { openssl: options.openssl, seed: scenario.seed, clock: scenario.clock, locateFile: options.locateFile });
  } catch (error) {
    failures.push({ step: -1, path: 'sandbox', expected: 'to start', observed: describe(error) });
    return { ...base, ok: false, failures, observations, durationMs: Date.now() - started };
  }
  const steps = async () => {
    const interpreter = new Interpreter(sb, options.openssl);
    await interpreter.start(scenario);
    for (const [index, step] of scenario.steps.entries()) {
      const { observed, error } = await interpreter.step(step, (f) => failures.push({ step: index, ...f }));
      if (observed !== undefined) observations.push({ step: index, observed });
      if (options.record && !isExpectStep(step)) record.push(await recordStep(sb, index, step, interpreter.mark, interpreter.names, error));
    }
  };
  const budget = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([steps(), new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        sb.terminate(); // its pending call rejects: nothing of this scenario runs on
        reject(new SandboxError('SCENARIO_TIMEOUT', `did not finish within its time budget of ${budget} ms`));
      }, budget);
    })]);
  } catch (error) {
    failures.push({ step: -1, path: 'scenario', expected: 'to run', observed: describe(error) });
  } finally {
    clearTimeout(timer);
    if (options.events) {
      await sb.reset().catch(() => {});
      options.events(await sb.events().catch(() => []));
    }
    const leak = await sb.dispose().catch(() => null);
    if (leak?.allocations) {
      failures.push({ step: -1, path: 'dispose', expected: 'no OpenSSL allocation left', observed: `${leak.allocations} allocations (${leak.bytes} bytes) leaked` });
    }
  }
  return { ...base, ok: failures.length === 0, failures, observations, ...(options.record ? { record } : {}), durationMs: Date.now() - started };
}

/** What a step did besides what it observed: the error it raised (a refused or failed call, a failed handshake). */
export interface StepOutcome {
  /** What the step observed, cut to what its expectation names (undefined without one). */
  observed: unknown;
  error?: string;
}

/**
 * The scenario interpreter: a scenario's names over a sandbox, and its steps run one at a
 * time. runScenario runs whole scenarios with it; the playground and the lessons run their
 * steps through it too.
 */
export class Interpreter {
  /** Scenario names: contexts, handshake results (`hs1`), what `as` named. */
  readonly names = new Map<string, unknown>();
  /** The log's length when the last action step began: an expect step sees what that step caused. */
  #mark = 0;
  /** Where the events of the last action step begin in the log. */
  get mark(): number {
    return this.#mark;
  }

  constructor(readonly sb: Sandbox, readonly variant: Variant) {}

  /** Creates the scenario's contexts (SSL_CTX_new and their settings) and its asynchronous external caches. */
  async start(scenario: Pick<Scenario, 'contexts' | 'asyncGetSession'>): Promise<void> {
    for (const [name, config] of Object.entries(scenario.contexts)) this.names.set(name, await this.sb.context(config));
    for (const [name, { delayMs = 10 }] of Object.entries(scenario.asyncGetSession ?? {})) {
      await answerAsynchronously(this.names.get(name) as Context, delayMs);
    }
    this.#mark = await this.sb.eventCount();
  }

  /** Runs one step; `fail` receives each expectation that did not hold. */
  async step(step: Step, fail: (f: Omit<Failure, 'step'>) => void = () => {}): Promise<StepOutcome> {
    if (!isExpectStep(step)) this.#mark = await this.sb.eventCount();
    const outcome: StepOutcome = { observed: undefined };
    outcome.observed = await perform(this.sb, step, this.names, this.#mark, this.variant, fail, outcome);
    return outcome;
  }

  /** A name in a step's arguments: a named object, a field of one (`hs1.session`), or else the literal itself. */
  resolve(value: unknown): unknown {
    return resolveName(this.names, value);
  }

  /** The session a handshake step offers (`session`), or a SCENARIO error when the name is no session. */
  offered(session: string | undefined): Session | undefined {
    return offeredSession(this.names, session);
  }

  /** Names a handshake's result (`as`, default `_`) the way a handshake step does. */
  nameHandshake(as: string | undefined, hs: HandshakeResult): void {
    nameHandshake(this.names, as, hs);
  }
}

function nameHandshake(names: Map<string, unknown>, as: string | undefined, hs: HandshakeResult): void {
  names.set(as ?? '_', { ...hs, id: hs.sessionId.server });
}

function resolveName(names: Map<string, unknown>, value: unknown): unknown {
  // Names inside an argument object ({ "answer": "made", "copy": 0 }) are resolved too.
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveName(names, v)]));
  }
  if (typeof value !== 'string') return value;
  if (names.has(value)) return names.get(value);
  const [head, field] = value.split('.');
  const holder = names.get(head);
  return field !== undefined && holder && typeof holder === 'object' && field in holder ? (holder as Record<string, unknown>)[field] : value;
}

function offeredSession(names: Map<string, unknown>, session: string | undefined): Session | undefined {
  const offered = session === undefined ? undefined : resolveName(names, session);
  if (session !== undefined && !(offered instanceof Session)) throw new SandboxError('SCENARIO', `no session named '${session}'`);
  return offered as Session | undefined;
}

async function perform(
  sb: Sandbox, step: Step, names: Map<string, unknown>, mark: number, variant: Variant, fail: (f: Omit<Failure, 'step'>) => void,
  outcome: StepOutcome,
): Promise<unknown> {
  const resolve = (value: unknown): unknown => resolveName(names, value);

  if ('clock' in step) {
    if (step.clock.startsWith('+')) await sb.clock.advance(Number(step.clock.slice(1)));
    else await sb.clock.set(Number(step.clock));
    return undefined;
  }

  if ('call' in step) {
    let result: unknown;
    let thrown: unknown;
    try {
      // An own property only: 'constructor' or '__proto__' is no call, whatever the object inherits.
      if (!Object.hasOwn(CALLS, step.call)) throw new SandboxError('SCENARIO', `'${step.call}' is not a call scenarios can make`);
      result = await CALLS[step.call](sb, (step.args ?? []).map(resolve));
    } catch (error) {
      thrown = error;
      result = { error: describe(error) };
      outcome.error = describe(error);
    }
    if (step.as) names.set(step.as, result);
    const expected = forVariant(step.expect, variant);
    const path = `${step.call}()`;
    if (isErrorExpectation(expected)) {
      // An error is what the call threw (a refusal), or what OpenSSL's error queue held after it.
      const observed = thrown !== undefined ? describe(thrown)
        : (await sb.events(mark)).find((e): e is CallEvent => e.kind === 'call' && e.call === step.call)?.errors?.join('; ');
      if (observed === undefined || !observed.includes(expected.error)) fail({ path, expected, observed: observed === undefined ? plain(result) : { error: observed } });
      return { error: expected.error };
    }
    if (thrown !== undefined) {
      fail({ path: thrown instanceof CallError && thrown.argument ? `${path} argument ${thrown.argument}` : path,
        expected: thrown instanceof CallError ? thrown.expected : thrown instanceof HandleError ? 'a live object of this sandbox' : 'the call to run',
        observed: describe(thrown), message: thrown instanceof CallError || thrown instanceof HandleError ? 'refused before any C ran' : 'the call failed' });
      return undefined;
    }
    if (expected === undefined) return undefined;
    return match(expected, await asExpected(sb, cFunction(step.call)!.returns, expected, result), path, fail);
  }

  if ('handshake' in step) {
    const { client, server, session, shutdown } = step.handshake;
    let observed: Record<string, unknown>;
    try {
      const hs = await sb.handshake({
        client: names.get(client) as Context, server: names.get(server) as Context, session: offeredSession(names, session), shutdown,
        serverSession: step.handshake.serverSession,
      });
      nameHandshake(names, step.as, hs);
      observed = { ...hs, reused: hs.reused.client && hs.reused.server, reusedBy: hs.reused };
      delete observed.session;
      delete observed.serverSession;
    } catch (error) {
      observed = { error: describe(error) };
      outcome.error = describe(error);
    }
    const expected = forVariant(step.expect, variant);
    if (expected === undefined) return undefined;
    if (typeof expected.error === 'string' && typeof observed.error === 'string' && observed.error.includes(expected.error)) {
      return { error: expected.error };
    }
    return match(expected, observed, 'handshake', fail);
  }

  const expected = forVariant<StateExpectation>(step.expect, variant);
  if (!expected) return undefined;
  // Taken first: the reads this step makes (counters, the cache) are not in its own window.
  const caused = expected.events || expected.callbacks ? await sb.events(mark) : [];
  const observed: Record<string, Record<string, unknown>> = {};
  if (expected.constants) {
    const defined = await sb.constants();
    observed.constants = match(expected.constants, Object.fromEntries(Object.keys(expected.constants).map((name) => [name, defined[name] ?? null])),
      'constants', fail) as Record<string, unknown>;
  }
  for (const [name, want] of Object.entries(expected.counters ?? {})) {
    const c = names.get(name);
    if (!(c instanceof Context)) fail({ path: `counters.${name}`, expected: 'a context', observed: typeof c });
    else (observed.counters ??= {})[name] = match(want, await c.counters({ log: true }), `counters.${name}`, fail);
  }
  for (const [name, want] of Object.entries(expected.cache ?? {})) {
    const c = names.get(name);
    if (!(c instanceof Context)) {
      fail({ path: `cache.${name}`, expected: 'a context', observed: typeof c });
      continue;
    }
    const ids = (await c.cachedSessions()).map((s) => s.id);
    const idOf = async (n: string) => { const s = resolve(n); return s instanceof Session ? (await s.info()).id : typeof s === 'string' ? s : ''; };
    const seen: Record<string, unknown> = {};
    if (want.count !== undefined) seen.count = match(want.count, await c.sessionCount(), `cache.${name}.count`, fail);
    for (const key of ['contains', 'lacks'] as const) {
      for (const n of want[key] ?? []) {
        const present = ids.includes(await idOf(n));
        if (present !== (key === 'contains')) fail({ path: `cache.${name}.${key}`, expected: n, observed: present ? 'present' : 'absent' });
      }
      if (want[key]) seen[key] = want[key];
    }
    (observed.cache ??= {})[name] = seen;
  }
  for (const [name, want] of Object.entries(expected.sessions ?? {})) {
    const s = resolve(name);
    if (!(s instanceof Session)) fail({ path: `sessions.${name}`, expected: 'a session', observed: typeof s });
    else (observed.sessions ??= {})[name] = match(want, await s.info(), `sessions.${name}`, fail);
  }
  const bound: [string, SandboxEvent][] = [];
  const events = expected.events ? { events: matchEventExpectation(expected.events, caused, fail, (n, e) => bound.push([n, e])) } : {};
  for (const [as, event] of bound) {
    const object = (event as { session?: SessionObject }).session?.object;
    if (object) names.set(as, await sb.sessionObject(object));
    else fail({ path: `events: ${as}`, expected: 'an event that carries a session', observed: event.c });
  }
  if (expected.identity) (observed as Record<string, unknown>).identity = await compareIdentity(expected.identity, resolve, fail);
  const callbacks = expected.callbacks ? { callbacks: callbackCounts(names, expected.callbacks, caused, fail) } : {};
  return { ...observed, ...events, ...callbacks };
}

/** Pairs of named sessions compared by object (identity) or by session id. */
async function compareIdentity(expected: NonNullable<StateExpectation['identity']>, resolve: (name: string) => unknown,
  fail: (f: Omit<Failure, 'step'>) => void): Promise<unknown> {
  const info = async (name: string) => {
    const s = resolve(name);
    return s instanceof Session ? s.info() : undefined;
  };
  for (const [check, pairs] of Object.entries(expected)) {
    const field = check.endsWith('Id') ? 'id' : 'object';
    const same = check.startsWith('same');
    for (const [a, b] of pairs ?? []) {
      const [x, y] = [await info(a), await info(b)];
      if (!x || !y) {
        fail({ path: `identity.${check}`, expected: 'two session names', observed: [a, b].filter((_, i) => ![x, y][i]) });
        continue;
      }
      // A session whose object is gone has neither object nor id to compare.
      const equal = x[field] !== '' && x[field] === y[field];
      if (equal !== same) fail({ path: `identity.${check}`, expected: [a, b], observed: { [a]: x[field], [b]: y[field] } });
    }
  }
  return expected;
}

/** An external cache on the caller's side: answers from the sessions the context's new-session callback kept, after a delay. */
async function answerAsynchronously(context: Context, delayMs: number): Promise<void> {
  await context.setGetSessionHandler(async (id) => {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    for (const session of await context.keptSessions()) if ((await session.info()).id === id) return session;
    return null;
  });
}

const isExpectStep = (step: Step) => !('call' in step) && !('handshake' in step) && !('clock' in step);

const isErrorExpectation = (expected: unknown): expected is { error: string } =>
  expected !== null && typeof expected === 'object' && typeof (expected as { error?: unknown }).error === 'string';

/** A result as the expectation writes it: masks as the variant's flag names, versions as names, where it uses names. */
async function asExpected(sb: Sandbox, returns: ReturnKind, expected: unknown, result: unknown): Promise<unknown> {
  if ((returns === 'cache_mode' || returns === 'options' || returns === 'verify_mode' || returns === 'conf_flags') && Array.isArray(expected) && typeof result === 'number') {
    return flagNames(returns, result, await sb.constants());
  }
  if (returns === 'version' && typeof expected === 'string' && typeof result === 'number') return protocolName(result);
  return plain(result);
}

/** Results as data: handles become their names, bytes their length. */
function plain(value: unknown): unknown {
  if (value instanceof Context || value instanceof Session || value instanceof Ssl || value instanceof ConfContext) return value.name;
  if (value instanceof Uint8Array) return { bytes: value.length };
  return value;
}

function describe(error: unknown): string {
  if (error instanceof OpenSSLError) return error.queue.map((e) => e.reason).join('; ') || error.message;
  return error instanceof Error ? error.message : String(error);
}
