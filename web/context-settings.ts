// What each context is configured with, and how to get from one configuration to another with
// the OpenSSL set calls a scenario can make (so that "Apply" keeps the history replayable).
import type { ContextConfig, ProtocolVersion, SessionCacheMode, SslOption } from 'openssl-wasm-sandbox';
import type { CallStep, Step } from 'openssl-wasm-sandbox/conformance';

export type Role = 'server' | 'client';
export const ROLES: readonly Role[] = ['server', 'client'];

/** OpenSSL's default cache mode for every SSL_CTX (ssl_lib.c, SSL_CTX_new_ex). */
export const DEFAULT_CACHE_MODE: readonly SessionCacheMode[] = ['SSL_SESS_CACHE_SERVER'];

const sameSet = (a: readonly string[] = [], b: readonly string[] = []) => a.length === b.length && a.every((x) => b.includes(x));

/** Scalar settings that each have a set call, by ContextConfig field. */
const SETTERS = {
  minProtocol: 'SSL_CTX_set_min_proto_version',
  maxProtocol: 'SSL_CTX_set_max_proto_version',
  cacheSize: 'SSL_CTX_sess_set_cache_size',
  timeout: 'SSL_CTX_set_timeout',
  sessionIdContext: 'SSL_CTX_set_session_id_context',
  numTickets: 'SSL_CTX_set_num_tickets',
} as const;
type SetterField = keyof typeof SETTERS;

/**
 * The calls that turn `context` configured as `from` into `to`, or null when only a new
 * SSL_CTX can do it: OpenSSL has no call to unset a setting, clear an option (SSL_CTX_clear_options
 * is not among the scenario calls) or change the callbacks in a scenario.
 */
export function reconfigureCalls(context: string, from: ContextConfig, to: ContextConfig): CallStep[] | null {
  const calls: CallStep[] = [];
  for (const [field, call] of Object.entries(SETTERS) as [SetterField, string][]) {
    if (from[field] === to[field]) continue;
    if (to[field] === undefined) return null;
    calls.push({ call, args: [context, to[field]] });
  }
  const mode = (c: ContextConfig) => c.cacheMode ?? DEFAULT_CACHE_MODE;
  if (!sameSet(mode(from), mode(to))) calls.push({ call: 'SSL_CTX_set_session_cache_mode', args: [context, [...mode(to)]] });
  const removed = (from.options ?? []).filter((o) => !(to.options ?? []).includes(o));
  if (removed.length) return null;
  const added = (to.options ?? []).filter((o) => !(from.options ?? []).includes(o));
  if (added.length) calls.push({ call: 'SSL_CTX_set_options', args: [context, added] });
  if (JSON.stringify(from.callbacks ?? {}) !== JSON.stringify(to.callbacks ?? {})) return null;
  for (const field of ['keyType', 'ciphersuites', 'cipherList', 'groups'] as const) if (from[field] !== to[field]) return null;
  return calls;
}

/** The configuration after a step: set calls change it, everything else leaves it. */
export function afterStep(context: string, config: ContextConfig, step: Step): ContextConfig {
  if (!('call' in step) || step.args?.[0] !== context) return config;
  const value = step.args[1];
  const field = (Object.entries(SETTERS) as [SetterField, string][]).find(([, call]) => call === step.call)?.[0];
  if (field) return { ...config, [field]: value };
  if (step.call === 'SSL_CTX_set_session_cache_mode') return { ...config, cacheMode: value as SessionCacheMode[] };
  if (step.call === 'SSL_CTX_set_options') return { ...config, options: [...new Set([...(config.options ?? []), ...(value as SslOption[])])] };
  return config;
}

export const PROTOCOLS: readonly ProtocolVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** The calls that install, change or remove a session callback (SSL_CTX_sess_set_new_cb(3)). */
const CALLBACK_SETTERS = ['SSL_CTX_sess_set_new_cb', 'SSL_CTX_sess_set_remove_cb', 'SSL_CTX_sess_set_get_cb'];

/**
 * The callbacks steps installed on `context` since it was made, the last call of each kind, as
 * their C lines' arguments say them: a context's settings cannot say all of them (a shared store,
 * a lookup answered with a named session), so the settings form lists them beside its own.
 */
export function callbacksSetBySteps(context: string, steps: readonly Step[]): string[] {
  const last = new Map<string, string>();
  for (const step of steps) {
    if ('call' in step && CALLBACK_SETTERS.includes(step.call) && step.args?.[0] === context) {
      last.set(step.call, `${step.call}(${context}, ${step.args[1] === null ? 'NULL' : JSON.stringify(step.args[1])})`);
    }
  }
  return [...last.values()];
}
