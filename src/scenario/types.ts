// The conformance scenario format: a JSON file that states what OpenSSL does, as data.
// src/scenario/schema.ts makes its JSON Schema (`openssl-sandbox schema` prints it); these are its TypeScript types.
import type { Variant } from '../core/module.js';
import type { ContextConfig } from '../sandbox/config.js';
import type { CallbackEvent, SandboxEvent } from '../sandbox/events.js';
import type { StepRecord } from './record.js';

export interface Scenario {
  /** What the scenario shows, in a sentence. */
  title: string;
  /** Why, and where OpenSSL's manual and code disagree. */
  description?: string;
  /** What it checks: manual pages (`SSL_CTX_add_session(3)`) or functions of ssl/ssl_sess.c. */
  cites?: string[];
  /** The OpenSSL variants it applies to; default: all. */
  openssl?: Variant[];
  /** Deterministic randomness and a frozen clock (see SandboxOptions.seed). */
  seed?: number;
  /** Start with the clock frozen at this time (seconds since the epoch). */
  clock?: number;
  /** Named SSL_CTX configurations. */
  contexts: Record<string, ContextConfig>;
  /**
   * Contexts whose get-session lookups are answered asynchronously on the caller's side (an
   * external cache, across the worker): from the sessions their new-session callback kept,
   * after `delayMs`. The handshake waits through SSL_CTX_set_client_hello_cb.
   */
  asyncGetSession?: Record<string, { delayMs?: number }>;
  steps: Step[];
}

/** An expected value; `byVariant` states what differs between OpenSSL versions. */
export type Expected<T = unknown> = T | { byVariant: Partial<Record<Variant, T>> };

/**
 * An OpenSSL call by its name: any function of the C API table (src/sandbox/c-api.ts). `args`
 * are C's arguments: names of contexts, sessions (`first.session`) and values named earlier with
 * `as`, null for NULL, integers as C passes them, masks as numbers or flag names, bytes as hex.
 * `as` names the result; `expect` is what C returns (masks and versions may be written as names),
 * or `{ "error": "text" }`: a refusal, or a reason OpenSSL's error queue holds after the call.
 */
export interface CallStep {
  call: string;
  args?: unknown[];
  as?: string;
  expect?: Expected;
}

/** A whole connection: SSL_new on both sides, SSL_set_session, the handshake, shutdown. */
export interface HandshakeStep {
  handshake: {
    client: string;
    server: string;
    /** A session named earlier, offered for resumption. */
    session?: string;
    /** How the connection ends; default clean. */
    shutdown?: 'clean' | 'unclean';
    /** Also name the server's own SSL_SESSION (SSL_get1_session on the server side) `<as>.serverSession`. */
    serverSession?: boolean;
  };
  /**
   * Names the result: `<as>.session` is the client's new session, `<as>.id` the server's session
   * id, `<as>.serverSession` the server's session (with `serverSession: true`).
   */
  as?: string;
  /** Fields of the result; `reused: true` is shorthand for both sides reused. A failure is `{ "error": "reason text" }`. */
  expect?: Expected<Record<string, unknown>>;
}

/** Moves the virtual clock: "+301" advances by 301 seconds, "1800000000" sets it. */
export interface ClockStep {
  clock: string;
}

/** Checks state now. Every field is optional; objects match on the fields given. */
export interface ExpectStep {
  expect: Expected<StateExpectation>;
}

export interface StateExpectation {
  /** SSL_CTX_sess_* counters of named contexts. */
  counters?: Record<string, Record<string, number>>;
  /**
   * Constants as this variant's headers define them (`{ "SSL_MAX_SSL_SESSION_ID_LENGTH": 32 }`);
   * null: the variant does not define that name.
   */
  constants?: Record<string, number | null>;
  /** The internal cache of named contexts: how many sessions, and which (by session name, compared by id). */
  cache?: Record<string, { count?: number; contains?: string[]; lacks?: string[] }>;
  /** Properties of named sessions (SessionInfo fields: resumable, protocol, timeout, alive, idLength, …). */
  sessions?: Record<string, Record<string, unknown>>;
  /**
   * Pairs of named sessions: `same` / `different` SSL_SESSION objects (identity, not contents),
   * `sameId` / `differentId` session ids.
   */
  identity?: Partial<Record<'same' | 'different' | 'sameId' | 'differentId', [string, string][]>>;
  /**
   * The events the last call, handshake or clock step caused (and reads since), matching on the
   * fields given: an array lists events in order with others allowed between; the object form
   * states exact sequences and absences.
   */
  events?: Record<string, unknown>[] | EventsExpectation;
  /**
   * How many times each session callback ran in the same window, per named context
   * (`{ "server": { "remove_session": 2, "new_session": 0 } }`); callbacks not named are not checked.
   */
  callbacks?: Record<string, Partial<Record<CallbackEvent['callback'], number>>>;
}

/**
 * Exact event expectations over the window an `events` expectation sees. In any event pattern,
 * `"as": "name"` names the SSL_SESSION object the matched event carried (`session`), without a
 * reference: later steps may use it while OpenSSL keeps the object alive.
 */
export interface EventsExpectation {
  /** These events, in this order, and no others: of the kinds `of` names, or of every kind. */
  exactly?: Record<string, unknown>[];
  /** The event kinds `exactly` covers (`["callback", "destroyed"]`); other kinds are left out of the comparison. */
  of?: SandboxEvent['kind'][];
  /** These events in this order, others allowed between (as the array form). */
  inOrder?: Record<string, unknown>[];
  /** No event of the window matches any of these. */
  none?: Record<string, unknown>[];
}

export type Step = CallStep | HandshakeStep | ClockStep | ExpectStep;

/** One expectation that did not hold. */
export interface Failure {
  step: number;
  /** Where in the expectation: `counters.server.hits`, `result`, … */
  path: string;
  expected: unknown;
  observed: unknown;
  message?: string;
}

export interface ScenarioReport {
  file?: string;
  title: string;
  variant: Variant;
  ok: boolean;
  /** Skipped: the scenario does not apply to this variant (or, natively, cannot be replayed: see `note`). */
  skipped?: boolean;
  note?: string;
  failures: Failure[];
  /** Everything observed at each step that expects something: identical across Node, browsers and native runs. */
  observations: { step: number; observed: unknown }[];
  /** With RunOptions.record: what every step did (src/scenario/record.ts). */
  record?: StepRecord[];
  durationMs: number;
}
