// A bounded fuzz test: bad input (mutated session DER, mutated flights on the wire, mutated
// scenarios) never crashes the sandbox. Every case ends in a typed error (a SandboxError) or an
// OpenSSL failure outcome; afterwards a normal handshake still succeeds, and dispose() finds
// every OpenSSL allocation given back (counted by wasm/glue/memory.c).
//
// The cases come from a seeded PRNG: FUZZ_SEED picks the seed (default fixed), FUZZ_CASES the
// number of cases per target and variant (default small, for CI). A failure names the seed, the
// target and the case number; replay with FUZZ_SEED=<seed>. Inputs that once crashed or hung are
// kept in test/fuzz/ and replayed first. Hostile scenario folders go through the CLI: every file is
// still reported, whatever the others do.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { OpenSSLError, SandboxError, VARIANTS, createSandbox, type Context, type Sandbox, type Session, type Variant } from '../src/index.js';
import { hex } from '../src/core/bytes.js';
import { format } from '../src/scenario/report.js';
import { runScenario } from '../src/scenario/run.js';
import type { Scenario, ScenarioReport } from '../src/scenario/types.js';
import { ScenarioError, validateScenario } from '../src/scenario/validate.js';
import { hostileFolder } from './fuzz/hostile-folder.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed1234) >>> 0;
const CASES = Math.max(1, Number(process.env.FUZZ_CASES ?? 0) || 0);
const casesFor = (fallback: number) => (process.env.FUZZ_CASES ? CASES : fallback);
const MAX_WIRE_STEPS = 40;
const SCENARIO_MAX_STEPS = 12;
const SCENARIO_TIMEOUT_MS = 15_000;

// ---------------------------------------------------------------------------------------------
// A small seeded PRNG (mulberry32): the same seed gives the same cases.

export class Rng {
  #s: number;
  constructor(seed: number) { this.#s = seed >>> 0; }
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  range(lo: number, hi: number): number { return lo + this.int(hi - lo + 1); }
  pick<T>(items: readonly T[]): T { return items[this.int(items.length)]; }
  chance(p: number): boolean { return this.next() < p; }
  bytes(n: number): Uint8Array { return Uint8Array.from({ length: n }, () => this.int(256)); }
}

/** A per-target, per-variant generator, so that each target replays alone. */
const rngFor = (target: string, variant: Variant | 'all') => {
  let h = SEED;
  for (const c of `${target}/${variant}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return new Rng(h);
};

const fromHex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const where = (target: string, variant: Variant | 'all', n: number | string) => `[fuzz seed=${SEED} target=${target} variant=${variant} case=${n}]`;
const describeError = (e: unknown) => (e instanceof Error ? `${e.constructor.name}: ${e.message}\n${e.stack ?? ''}` : String(e));

function assertTyped(error: unknown, at: string, what: string): asserts error is SandboxError {
  assert.ok(error instanceof SandboxError, `${at} ${what} threw a non-typed error: ${describeError(error)}`);
}

// ---------------------------------------------------------------------------------------------
// Byte mutations.

export function mutateBytes(rng: Rng, input: Uint8Array): { bytes: Uint8Array; how: string } {
  let b: Uint8Array = Uint8Array.from(input);
  const hows: string[] = [];
  const rounds = rng.range(1, 3);
  for (let r = 0; r < rounds; r++) {
    const op = rng.int(9);
    const at = b.length ? rng.int(b.length) : 0;
    switch (op) {
      case 0: { // flip random bytes
        const n = rng.range(1, 4);
        for (let i = 0; i < n && b.length; i++) b[rng.int(b.length)] ^= 1 << rng.int(8) | (rng.chance(0.3) ? 0xff : 0);
        hows.push(`flip${n}`);
        break;
      }
      case 1: // truncate
        b = b.slice(0, at);
        hows.push(`truncate@${at}`);
        break;
      case 2: { // extend
        const extra = rng.bytes(rng.range(1, 64));
        b = concat([b, extra]);
        hows.push(`extend+${extra.length}`);
        break;
      }
      case 3: { // splice a random run
        const run = rng.bytes(rng.range(1, 16));
        b = concat([b.slice(0, at), run, b.slice(Math.min(b.length, at + rng.int(run.length + 1)))]);
        hows.push(`splice@${at}`);
        break;
      }
      case 4: { // a DER length byte (or a record length) to an extreme
        if (b.length) b[at] = rng.pick([0x00, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x88, 0xff]);
        if (b.length > at + 1 && rng.chance(0.5)) b[at + 1] = rng.pick([0x00, 0xff]);
        hows.push(`length@${at}`);
        break;
      }
      case 5: { // duplicate a slice
        const end = Math.min(b.length, at + rng.range(1, 32));
        b = concat([b.slice(0, end), b.slice(at, end), b.slice(end)]);
        hows.push(`dup@${at}`);
        break;
      }
      case 6: { // delete a slice
        b = concat([b.slice(0, at), b.slice(Math.min(b.length, at + rng.range(1, 16)))]);
        hows.push(`delete@${at}`);
        break;
      }
      case 7: // a random tag byte
        if (b.length) b[at] = rng.pick([0x02, 0x04, 0x05, 0x06, 0x30, 0x31, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xaa, 0xbf]);
        hows.push(`tag@${at}`);
        break;
      default: // overwrite with a constant run
        for (let i = at, end = Math.min(b.length, at + rng.range(1, 8)); i < end; i++) b[i] = rng.pick([0, 0xff, 0x7f, 0x80]);
        hows.push(`fill@${at}`);
    }
  }
  return { bytes: b, how: hows.join(',') };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Mutates a flight (its records). */
export function mutateFlight(rng: Rng, records: Uint8Array[]): { records: Uint8Array[]; how: string } {
  const r: Uint8Array[] = records.map((x) => Uint8Array.from(x));
  const i = rng.int(r.length);
  switch (rng.int(8)) {
    case 0: return { records: r.map((x, j) => (j === i ? mutateBytes(rng, x).bytes : x)), how: `mutate record ${i}` };
    case 1: { const cut = rng.int(r[i].length); r[i] = r[i].slice(0, cut); return { records: r, how: `truncate record ${i} at ${cut}` }; }
    case 2: r.splice(i, 0, r[i]); return { records: r, how: `duplicate record ${i}` };
    case 3: { // reorder
      for (let k = r.length - 1; k > 0; k--) { const j = rng.int(k + 1); [r[k], r[j]] = [r[j], r[k]]; }
      if (r.length > 1 && r.every((x, k) => x === records[k])) r.reverse();
      return { records: r, how: 'reorder' };
    }
    case 4: r.splice(i, 1); return { records: r, how: `drop record ${i}` };
    case 5: return { records: [], how: 'drop the flight' };
    case 6: { // insert random bytes, as a random record or raw
      const junk = rng.chance(0.5)
        ? concat([Uint8Array.of(rng.pick([20, 21, 22, 23, 24, 0, 255]), 3, rng.pick([0, 1, 3, 4]), 0, 0), rng.bytes(rng.range(0, 40))])
        : rng.bytes(rng.range(1, 40));
      if (junk.length >= 5 && junk[1] === 3) { const n = junk.length - 5; junk[3] = n >> 8; junk[4] = n & 0xff; }
      r.splice(rng.int(r.length + 1), 0, junk);
      return { records: r, how: `insert ${junk.length} bytes` };
    }
    default: { // the record header's length to an extreme
      if (r[i].length >= 5) { r[i][3] = rng.pick([0, 0xff, 0x40, 0x48]); r[i][4] = rng.pick([0, 0xff, 1]); }
      return { records: r, how: `length of record ${i}` };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Regression inputs kept in test/fuzz/. Each file: { target, variant?, note, todo?, ... }.

interface Regression {
  file: string;
  target: 'session' | 'wire' | 'scenario';
  variant?: Variant;
  note?: string;
  /** Replay in a child process (the input hangs or exhausts memory). */
  isolate?: boolean;
  /** Set while the crash it shows is not fixed: the case is then reported, not failed. */
  todo?: string;
  /** session: the DER (hex); scenario: the JSON text or value. */
  der?: string;
  scenario?: unknown;
  /** wire: which handshake, which flight (0-based), and the records delivered instead (hex). */
  kind?: WireKind;
  flight?: number;
  records?: string[];
}

const regressionDir = new URL('./fuzz/', import.meta.url);
const regressions: Regression[] = (() => {
  try {
    return readdirSync(regressionDir).filter((f) => f.endsWith('.json')).sort()
      .map((f) => ({ file: f, ...JSON.parse(readFileSync(new URL(f, regressionDir), 'utf8')) }));
  } catch {
    return [];
  }
})();

// ---------------------------------------------------------------------------------------------
// Shared pieces.

type WireKind = 'tls12-full' | 'tls12-id-resumed' | 'tls12-ticket-resumed' | 'tls13-full' | 'tls13-resumed' | 'tls13-hrr';
const WIRE_KINDS: WireKind[] = ['tls12-full', 'tls12-id-resumed', 'tls12-ticket-resumed', 'tls13-full', 'tls13-resumed', 'tls13-hrr'];

interface Peers { client: Context; tls12: Context; tls12ids: Context; tls13: Context; hrrClient: Context; hrrServer: Context }

async function peers(sb: Sandbox): Promise<Peers> {
  return {
    client: await sb.context({ role: 'client' }),
    tls12: await sb.context({ role: 'server', maxProtocol: 'TLSv1.2' }),
    tls12ids: await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'] }),
    tls13: await sb.context({ role: 'server' }),
    hrrClient: await sb.context({ role: 'client', groups: 'X25519:P-256' }),
    hrrServer: await sb.context({ role: 'server', groups: 'P-256' }),
  };
}

/** A normal handshake and a resumption: the sandbox still works. */
async function assertUsable(sb: Sandbox, at: string) {
  const p = await peers(sb);
  for (const server of [p.tls12ids, p.tls13]) {
    const first = await sb.handshake({ client: p.client, server });
    const again = await sb.handshake({ client: p.client, server, session: first.session });
    assert.equal(again.reused.server, true, `${at} a resumption after the fuzz cases`);
  }
}

/** Disposes the sandbox of a target: every OpenSSL allocation its cases made must have been given back. */
async function assertNoLeak(sb: Sandbox, target: string, variant: Variant) {
  const left = await sb.dispose();
  console.log(`# fuzz ${target} [${variant}] OpenSSL allocations left after dispose(): ${JSON.stringify(left)}`);
  assert.deepEqual(left, { allocations: 0, bytes: 0 }, `${where(target, variant, 'end')} OpenSSL allocations leaked`);
}

/**
 * Runs a target's cases in a sandbox of its own (`cases` returns what they counted): afterwards the
 * sandbox must still make handshakes and give back every allocation. A failure disposes it.
 */
async function fuzzTarget(target: string, variant: Variant, count: number, cases: (sb: Sandbox) => Promise<object>) {
  const sb = await createSandbox({ openssl: variant, worker: false });
  try {
    const counted = await cases(sb);
    await assertUsable(sb, where(target, variant, 'end'));
    console.log(`# fuzz ${target} [${variant}] ${count} cases: ${JSON.stringify(counted)}`);
  } catch (error) {
    await sb.dispose().catch(() => {});
    throw error;
  }
  await assertNoLeak(sb, target, variant);
}

/** A scenario ran to its report, and its sandbox gave every OpenSSL allocation back (the runner reports a leak at `dispose`). */
function assertReport(report: { ok: boolean; failures: { path: string; observed: unknown }[] }, at: string) {
  assert.equal(typeof report.ok, 'boolean', `${at} runScenario returned no report`);
  const leak = report.failures.find((f) => f.path === 'dispose');
  assert.equal(leak, undefined, `${at} the scenario leaked: ${String(leak?.observed)}`);
}

async function offer(sb: Sandbox, client: Context, server: Context, session: Session, at: string) {
  try {
    const hs = await sb.handshake({ client, server, session });
    await hs.session.dispose();
  } catch (error) {
    assertTyped(error, at, 'a handshake offering the decoded session');
  }
}

/** Runs one wire case: steps and delivers, replacing flight `target` by `mutate(records)`. */
async function wireCase(
  sb: Sandbox, p: Peers, kind: WireKind, target: number, mutate: (records: Uint8Array[]) => Uint8Array[], at: string,
): Promise<string> {
  const [client, server] = kind.startsWith('tls12-id') ? [p.client, p.tls12ids]
    : kind.startsWith('tls12') ? [p.client, p.tls12]
      : kind === 'tls13-hrr' ? [p.hrrClient, p.hrrServer] : [p.client, p.tls13];
  let session: Session | undefined;
  if (kind.endsWith('resumed')) session = (await sb.handshake({ client, server })).session;
  const conn = await sb.connect(client, server, session);
  let outcome = 'step limit';
  try {
    for (let n = 0; n < MAX_WIRE_STEPS; n++) {
      let flight;
      try {
        flight = await conn.step();
      } catch (error) {
        assertTyped(error, at, `step ${n}`);
        outcome = `step threw ${error.code}`;
        break;
      }
      if (flight.outcome !== 'continue') { outcome = flight.outcome; break; }
      if (!flight.records.length) continue;
      try {
        if (n === target) await conn.deliver(mutate(flight.records.map((r) => r.bytes)));
        else await conn.deliver();
      } catch (error) {
        assertTyped(error, at, `deliver ${n}`);
        outcome = `deliver threw ${error.code}`;
        break;
      }
    }
  } finally {
    try {
      await conn.close('unclean');
    } catch (error) {
      assertTyped(error, at, 'close');
    }
    if (session) await session.dispose().catch((e) => assertTyped(e, at, 'dispose'));
  }
  return outcome;
}

async function checkedScenario(text: string | unknown, variant: Variant, at: string): Promise<string> {
  let scenario: Scenario;
  try {
    scenario = validateScenario(text, 'fuzz');
  } catch (error) {
    assert.ok(error instanceof ScenarioError, `${at} validateScenario threw a ${describeError(error)}`);
    return 'invalid';
  }
  if (scenario.steps.length > SCENARIO_MAX_STEPS || Object.keys(scenario.contexts).length > 8) return 'valid, too big to run';
  // An asynchronous handler that answers after `delayMs` holds the handshake that long: bounded by the schema (10 s), but too slow for CI.
  if (Object.values(scenario.asyncGetSession ?? {}).some((a) => (a.delayMs ?? 10) > 100)) return 'valid, too slow to run';
  let timer: NodeJS.Timeout | undefined;
  try {
    const report = await Promise.race([
      runScenario(scenario, { openssl: variant, file: 'fuzz' }),
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('HANG: runScenario did not return')), SCENARIO_TIMEOUT_MS); }),
    ]);
    assertReport(report, at);
    return report.ok ? 'ran, ok' : 'ran, failures';
  } catch (error) {
    assert.fail(`${at} runScenario threw: ${describeError(error)}\nscenario: ${JSON.stringify(scenario)}`);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Scenario mutations.

const SCENARIO_SEEDS = [
  'add-identical-twice.json',
  'tls12/session-id-resumption-reuses-the-cached-entry.json',
  'tls13/stateful-one-ticket-one-cached-session.json',
  'hand-made/set1-id-longer-than-32-bytes-fails.json',
  'callbacks/internal-hit-does-not-consult-the-get-callback.json',
  'counters/failed-handshake-counts-the-attempt-not-the-success.json',
].map((f) => JSON.parse(readFileSync(new URL(`./conformance/${f}`, import.meta.url), 'utf8')) as Record<string, unknown>);

const CALL_NAMES = ['SSL_CTX_add_session', 'SSL_CTX_remove_session', 'SSL_SESSION_free', 'SSL_SESSION_dup', 'SSL_SESSION_set1_id', 'SSL_SESSION_set_time',
  'SSL_SESSION_set_timeout', 'SSL_CTX_set_timeout', 'SSL_CTX_sess_set_cache_size', 'SSL_CTX_set_session_cache_mode', 'SSL_CTX_free', 'i2d_SSL_SESSION',
  'd2i_SSL_SESSION', 'SSL_SESSION_new', 'SSL_CTX_set_options', 'SSL_CTX_set_num_tickets', 'SSL_SESSION_set_protocol_version', 'SSL_CTX_flush_sessions',
  'SSL_CTX_set_min_proto_version', 'SSL_SESSION_set1_id_context', 'SSL_connect', 'system', '__proto__', 'constructor', 'toString', 'hasOwnProperty'];

function randomValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 8 : 11)) {
    case 0: return null;
    case 1: return rng.chance(0.5);
    case 2: return rng.pick([0, -1, 1, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, 2 ** 53, -(2 ** 53), 1e308, -1e308, 0.5, -0.0, 4294967296, 1e-300]);
    case 3: return rng.range(-1000, 100000);
    case 4: return rng.pick(['', 'server', 'client', 'first.session', 'a.b.c', '+301', '-5', 'TLSv1.3', 'SSL3', 'TLSv1.2', 'SSL_OP_NO_TICKET',
      'SSL_SESS_CACHE_OFF', '__proto__', 'constructor', 'x'.repeat(rng.pick([33, 300, 5000])), '\u0000', '\ud800', '00'.repeat(rng.range(0, 80))]);
    case 5: return rng.pick(CALL_NAMES);
    case 6: return 'abcdef0123456789'.slice(0, rng.range(0, 16)).repeat(rng.range(1, 8));
    case 7: return rng.pick([[], {}, [null], { byVariant: {} }]);
    case 8: return Array.from({ length: rng.range(0, 4) }, () => randomValue(rng, depth + 1));
    case 9: return Object.fromEntries(Array.from({ length: rng.range(0, 3) }, () => [rng.pick(['role', 'call', 'args', 'as', 'expect', 'handshake', 'clock', 'x', '__proto__', 'byVariant']), randomValue(rng, depth + 1)]));
    default: { // deep nesting
      let v: unknown = 1;
      for (let i = rng.range(10, 3000); i > 0; i--) v = rng.chance(0.5) ? [v] : { a: v };
      return v;
    }
  }
}

/** Every container (object or array) in a value, with the key of each child. */
function containers(value: unknown, out: (Record<string, unknown> | unknown[])[] = [], depth = 0): (Record<string, unknown> | unknown[])[] {
  if (value && typeof value === 'object' && depth < 50) {
    out.push(value as Record<string, unknown>);
    for (const v of Object.values(value)) containers(v, out, depth + 1);
  }
  return out;
}

function mutateScenario(rng: Rng, seed: Record<string, unknown>): { input: string | unknown; how: string } {
  if (rng.chance(0.1)) { // the JSON text itself
    const { bytes, how } = mutateBytes(rng, new TextEncoder().encode(JSON.stringify(seed)));
    return { input: new TextDecoder().decode(bytes), how: `text ${how}` };
  }
  if (rng.chance(0.04)) return { input: randomValue(rng), how: 'random value' };
  const value = structuredClone(seed);
  const hows: string[] = [];
  for (let r = rng.range(1, 3); r > 0; r--) {
    const all = containers(value);
    const node = rng.pick(all);
    const keys = Object.keys(node);
    const key = keys.length ? rng.pick(keys) : '0';
    const set = (k: string, v: unknown) => { (node as Record<string, unknown>)[k] = v; };
    switch (rng.int(9)) {
      case 0:
        if (Array.isArray(node)) node.splice(Number(key), 1); else delete node[key];
        hows.push(`delete ${key}`);
        break;
      case 1:
        if (!Array.isArray(node)) { const v = node[key]; delete node[key]; set(rng.pick([`${key}x`, key.toUpperCase(), 'call', 'handshake', 'expect', 'unknown']), v); }
        hows.push(`rename ${key}`);
        break;
      case 2: case 3:
        set(key, randomValue(rng));
        hows.push(`replace ${key}`);
        break;
      case 4: { // a step calling something (known or not) with random arguments
        const steps = (value as { steps?: unknown }).steps;
        if (Array.isArray(steps)) {
          steps.splice(rng.int(steps.length + 1), 0, { call: rng.pick(CALL_NAMES), args: Array.from({ length: rng.range(0, 3) }, () => rng.chance(0.5) ? randomValue(rng) : rng.pick(Object.keys((value as unknown as Scenario).contexts ?? {}).concat(['first.session', '_.session']))), as: rng.pick(['first', 'x', 'y']) });
        }
        hows.push('insert call');
        break;
      }
      case 5: { // numbers to extremes where a number was
        const numbers = all.flatMap((c) => Object.keys(c).filter((k) => typeof (c as Record<string, unknown>)[k] === 'number').map((k) => [c, k] as const));
        if (numbers.length) { const [c, k] = rng.pick(numbers); (c as Record<string, unknown>)[k] = rng.pick([-1, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 31), 1e308, 0.5, 0, 4294967295]); }
        hows.push('extreme number');
        break;
      }
      case 6: // a clock step
        (value as { steps: unknown[] }).steps?.splice?.(0, 0, { clock: rng.pick(['+0', '+1', '+4294967296', '99999999999999999999', '0', '+2147483648', '1800000000', '18446744073709551616']) });
        hows.push('clock');
        break;
      case 7: { // duplicate an element
        // A JSON copy: structuredClone overflows the stack on the deeply nested values randomValue makes.
        if (Array.isArray(node) && node.length) node.splice(rng.int(node.length), 0, JSON.parse(JSON.stringify(node[rng.int(node.length)]) ?? 'null'));
        hows.push('duplicate');
        break;
      }
      default: // swap types
        set(key, Array.isArray(node[key as never]) ? {} : typeof node[key as never] === 'string' ? rng.range(-5, 5) : typeof node[key as never] === 'number' ? String(node[key as never]) : [node[key as never]]);
        hows.push(`swap type of ${key}`);
    }
  }
  return { input: rng.chance(0.5) ? JSON.stringify(value) : value, how: hows.join(', ') };
}

// ---------------------------------------------------------------------------------------------

for (const variant of VARIANTS) {
  describe(`fuzz [OpenSSL ${variant}]`, () => {
    it(`d2i_SSL_SESSION with mutated session DER resolves to a session or rejects with an OpenSSLError (seed ${SEED})`, async () => {
      const rng = rngFor('session', variant);
      const cases = casesFor(400);
      await fuzzTarget('session', variant, cases, async (sb) => {
        // Real DER of a TLS 1.2 (ticket and id) and a TLS 1.3 session, and a warm-up of everything the loop does.
        const p = await peers(sb);
        const seeds: { der: Uint8Array; server: 'tls12' | 'tls12ids' | 'tls13' }[] = [];
        for (const server of ['tls12', 'tls12ids', 'tls13'] as const) {
          const hs = await sb.handshake({ client: p.client, server: p[server] });
          seeds.push({ der: await hs.session.encode(), server });
          const back = await sb.decodeSession(seeds.at(-1)!.der.slice());
          await back.info();
          await offer(sb, p.client, p[server], back, 'warm-up');
        }
        await sb.decodeSession(new Uint8Array([0x30, 0x00])).catch(() => {});
        const inputs = Array.from({ length: cases }, () => {
          const seed = rng.pick(seeds);
          return { ...mutateBytes(rng, seed.der), server: seed.server };
        });
        const stats = { decoded: 0, rejected: 0 };
        const pass = async () => {
          const q = await peers(sb);
          for (const [n, { bytes, how, server }] of inputs.entries()) {
            const at = `${where('session', variant, n)} (${how}) der=${hex(bytes)}`;
            let session: Session;
            try {
              session = await sb.decodeSession(bytes.slice());
            } catch (error) {
              assert.ok(error instanceof OpenSSLError, `${at} decodeSession rejected with ${describeError(error)}`);
              stats.rejected++;
              continue;
            }
            stats.decoded++;
            try {
              await session.info();
              await session.encode();
            } catch (error) {
              assertTyped(error, at, 'info()/encode() of a decoded session');
            }
            await offer(sb, q.client, q[server], session, at);
            await session.dispose();
          }
        };
        await pass();
        return stats;
      });
    });

    it(`mutated flights on the wire end in a typed error or a failed/stalled outcome (seed ${SEED})`, async () => {
      const cases = casesFor(300);
      await fuzzTarget('wire', variant, cases, async (sb) => {
        const w = await peers(sb);
        for (const kind of WIRE_KINDS) await wireCase(sb, w, kind, 0, (r) => r.slice(1), 'warm-up');
        for (const kind of WIRE_KINDS) await wireCase(sb, w, kind, 99, (r) => r, 'warm-up');
        const outcomes: Record<string, number> = {};
        const pass = async () => {
          const rng = rngFor('wire', variant);
          const p = await peers(sb);
          for (let n = 0; n < cases; n++) {
            const kind = rng.pick(WIRE_KINDS);
            const target = rng.int(7);
            let how = '';
            let delivered: Uint8Array[] = [];
            const at = `${where('wire', variant, n)} ${kind}, flight ${target}`;
            const outcome = await wireCase(sb, p, kind, target, (records) => {
              const m = mutateFlight(rng, records);
              how = m.how;
              delivered = m.records;
              return m.records;
            }, at).catch((error) => assert.fail(`${at}: ${how} records=${JSON.stringify(delivered.map(hex))}\n${describeError(error)}`));
            outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          }
        };
        await pass();
        return outcomes;
      });
    });

    it(`mutated scenarios validate or throw a ScenarioError, and valid ones run to a report (seed ${SEED})`, async () => {
      const rng = rngFor('scenario', variant);
      const cases = casesFor(400);
      const outcomes: Record<string, number> = {};
      let ran = 0;
      for (let n = 0; n < cases; n++) {
        const { input, how } = mutateScenario(rng, rng.pick(SCENARIO_SEEDS));
        const shown = typeof input === 'string' ? input : JSON.stringify(input);
        const at = `${where('scenario', variant, n)} (${how}) input=${shown && shown.length > 2000 ? `${shown.slice(0, 2000)}…` : shown}`;
        // Running is the slow part (a fresh sandbox each time): at most a third of the cases run.
        let outcome: string;
        if (ran * 3 > n + 3) {
          try {
            validateScenario(input, 'fuzz');
            outcome = 'valid, not run';
          } catch (error) {
            assert.ok(error instanceof ScenarioError, `${at} validateScenario threw a ${describeError(error)}`);
            outcome = 'invalid';
          }
        } else {
          outcome = await checkedScenario(input, variant, at);
          if (outcome.startsWith('ran')) ran++;
        }
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
      console.log(`# fuzz scenario [${variant}] ${cases} cases: ${JSON.stringify(outcomes)}`);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Hostile scenario folders through the CLI: test/fuzz/hostile-folder.ts's files and links, plus
// mutated scenarios and more links (loops, twins, dangling) at random places. The rule: whatever
// one file does, every other file is still reported, once per variant.

const CLI = fileURLToPath(new URL('../src/cli/openssl-sandbox.ts', import.meta.url));

/** Adds mutated scenarios and links to `dir`; returns the paths that must be reported besides hostileFolder's. */
async function addMutants(rng: Rng, dir: string): Promise<string[]> {
  const reported: string[] = [];
  const folders = ['', 'm', join('m', 'n'), 'o'];
  for (const folder of folders) await mkdir(join(dir, folder), { recursive: true });
  for (let i = rng.range(4, 8); i > 0; i--) {
    const { input } = mutateScenario(rng, rng.pick(SCENARIO_SEEDS));
    let text: string;
    try {
      text = typeof input === 'string' ? input : JSON.stringify(input) ?? 'null';
    } catch {
      text = '[';
    }
    const file = join(dir, rng.pick(folders), `mutant-${i}.json`);
    await writeFile(file, text);
    reported.push(file);
  }
  const mutants = [...reported];
  for (let i = rng.range(2, 5); i > 0; i--) {
    const at = join(dir, rng.pick(folders.slice(1)));
    switch (rng.int(3)) {
      case 0: await symlink(rng.pick(['..', '.', dir]), join(at, `loop-${i}`)); break; // a folder loop
      case 1: await symlink(rng.pick(mutants), join(at, `twin-${i}.json`)); break; // a second way to a file
      default: // a link to nothing: reported as unreadable
        await symlink(`gone-${i}.json`, join(at, `dangling-${i}.json`));
        reported.push(join(at, `dangling-${i}.json`));
    }
  }
  return reported;
}

describe('fuzz: hostile scenario folders through the CLI', () => {
  const cases = casesFor(2);
  for (let n = 0; n < cases; n++) {
    it(`every file is reported once per variant, whatever the others do (seed ${SEED}, case ${n})`, async () => {
      const rng = rngFor(`folder-${n}`, 'all');
      const dir = await mkdtemp(join(tmpdir(), 'osb-fuzz-folder-'));
      try {
        const hostile = await hostileFolder(dir);
        const expected = [...hostile.files.map((f) => join(dir, f)), ...await addMutants(rng, dir)];
        const at = where(`folder-${n}`, 'all', n);
        const run = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'run', dir, '--openssl', 'all', '--reporter', 'json', '--timeout', '3000', '--jobs', '2'],
          { encoding: 'utf8', timeout: 300_000, maxBuffer: 256 * 1024 * 1024 });
        assert.equal(run.signal, null, `${at} the CLI did not end by itself`);
        assert.equal(run.status, 1, `${at} the CLI exits 1 (failures), not 2 or a crash: ${run.stderr.slice(-2000)}`);
        const { reports } = JSON.parse(run.stdout) as { reports: ScenarioReport[] };
        // Reported by whichever way the walk met a file first: compared as real paths.
        const real = async (file: string) => realpath(file).catch(() => file);
        const seen = await Promise.all(reports.map(async (r) => `${await real(r.file!)} ${r.variant}`));
        const wanted = (await Promise.all(expected.map(real))).flatMap((f) => VARIANTS.map((v) => `${f} ${v}`));
        assert.deepEqual(seen.sort(), wanted.sort(), `${at} each file once per variant`);
        for (const r of reports.filter((r) => r.title === hostile.good)) assert.equal(r.ok, true, `${at} the good scenario passes among the others [${r.variant}]`);
        for (const reporter of ['tap', 'pretty', 'junit'] as const) {
          assert.doesNotMatch(format(reports, reporter), /[\u0000-\u0008\u000b-\u001f\u007f]/, `${at} ${reporter}: no control character but newlines`);
        }
        console.log(`# fuzz folder case ${n}: ${reports.length} results, ${reports.filter((r) => r.ok).length} passed`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('fuzz regressions (test/fuzz/)', () => {
  for (const r of regressions) {
    const variants = r.variant ? [r.variant] : VARIANTS;
    for (const variant of variants) {
      it(`${r.file} [OpenSSL ${variant}]${r.note ? `: ${r.note}` : ''}`, r.todo ? { todo: r.todo } : {}, async () => {
        const at = `[fuzz regression ${r.file} variant=${variant}]`;
        if (r.target === 'scenario' && r.isolate) {
          // It hangs or exhausts memory: replay it in a child process with a small heap and a deadline.
          const child = spawnSync(process.execPath, ['--max-old-space-size=96', '--import', 'tsx', fileURLToPath(new URL('replay-scenario.ts', regressionDir)),
            fileURLToPath(new URL(r.file, regressionDir)), variant], { encoding: 'utf8', timeout: 15_000, killSignal: 'SIGKILL' });
          const ended = child.error ? `did not end: ${child.error.message}` : child.signal ? `killed by ${child.signal}` : `exit code ${child.status}`;
          assert.equal(child.status, 0, `${at} the replay ${ended}\n${child.stderr.split('\n').filter((l) => !/^\s*\d+: 0x/.test(l)).slice(-8).join('\n')}`);
          return;
        }
        if (r.target === 'scenario') {
          // Run it even where the loop would skip it as a known crash; let an unhandled rejection surface inside this test.
          const scenario = validateScenario(r.scenario, r.file);
          const report = await runScenario(scenario, { openssl: variant, file: r.file });
          await new Promise((resolve) => setTimeout(resolve, 20));
          assertReport(report, at);
          return;
        }
        const sb = await createSandbox({ openssl: variant, worker: false });
        try {
          const p = await peers(sb);
          if (r.target === 'session') {
            try {
              const session = await sb.decodeSession(fromHex(r.der ?? ''));
              await session.info();
              await offer(sb, p.client, p.tls13, session, at);
            } catch (error) {
              assertTyped(error, at, 'decodeSession');
            }
          } else {
            await wireCase(sb, p, r.kind ?? 'tls13-full', r.flight ?? 0, () => (r.records ?? []).map(fromHex), at);
          }
          await assertUsable(sb, at);
        } finally {
          await sb.dispose();
        }
      });
    }
  }
});
