// What one step of a scenario did, whatever the scenario expects: the basis of a comparison
// between OpenSSL variants (compare.ts). Everything comes from the sandbox's own event log and
// reads that log nothing, so a recorded run makes the same OpenSSL calls as a plain one.
import { COUNTERS } from '../core/constants.js';
import { Context, type Sandbox } from '../sandbox/sandbox.js';
import type { SandboxEvent } from '../sandbox/events.js';
import type { Step } from './types.js';

export interface StepRecord {
  step: number;
  /** The step in a few words: `SSL_CTX_add_session(server, s)`, `handshake c → s`, `clock +301`. */
  what: string;
  /** The step's own call: what it returned, as C, and the reasons OpenSSL's error queue held. */
  result?: string;
  /** Handshake outcomes, callbacks, destructions, alerts and calls the step caused, as C (ids left out). */
  events: string[];
  /** Each context's SSL_CTX_sess_* counters after the step (only those not 0). */
  counters: Record<string, Partial<Record<string, number>>>;
  /** Each context's internal cache after the step: its sessions, oldest first, by object (`#3`) and the names they have. */
  cache: Record<string, string[]>;
}

const KINDS = new Set<SandboxEvent['kind']>(['call', 'callback', 'destroyed', 'handshake', 'alert']);
/** Session ids are random (and differ between variants even with a seed): their text is left out. */
const withoutIds = (c: string) => c.replace(/"[0-9a-f]{8,}…?"/g, '"…"');

export function describeStep(step: Step): string {
  if ('call' in step) return `${step.call}(${(step.args ?? []).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(', ')})`;
  if ('handshake' in step) {
    const { client, server, session } = step.handshake;
    return `handshake ${client} → ${server}${session ? ` offering ${session}` : ''}`;
  }
  if ('clock' in step) return `clock ${step.clock}`;
  return 'expect';
}

/**
 * Records step `index`, given the event log's length when it began (`mark`), the scenario's named
 * values and the error the step raised, if any (a refused call runs no C: its refusal is its result).
 */
export async function recordStep(sb: Sandbox, index: number, step: Step, mark: number, names: Map<string, unknown>, error?: string): Promise<StepRecord> {
  const caused = (await sb.events(mark)).filter((e) => KINDS.has(e.kind));
  const own = 'call' in step ? caused.filter((e) => e.kind === 'call' && e.call === step.call).pop() : undefined;
  const record: StepRecord = {
    step: index, what: describeStep(step), events: caused.filter((e) => e !== own).map((e) => withoutIds(e.c)), counters: {}, cache: {},
  };
  if (own?.kind === 'call') record.result = withoutIds(own.c) + (own.errors?.length ? ` (error queue: ${own.errors.join('; ')})` : '');
  else if (error !== undefined) record.result = `refused: ${withoutIds(error)}`;
  for (const [name, value] of names) {
    if (!(value instanceof Context)) continue;
    // A context the scenario freed (SSL_CTX_free) has nothing more to show.
    const counters = await value.counters().catch(() => undefined);
    if (!counters) continue;
    record.counters[name] = Object.fromEntries(COUNTERS.filter((c) => counters[c] !== 0).map((c) => [c, counters[c]]));
    record.cache[name] = (await value.cachedSessions()).map((s) => [s.object, ...s.handles].join(' '));
  }
  return record;
}
