// Sessions as links and files: the scenario (contexts and steps) in the URL's hash, or as a
// scenario JSON file. Everything is validated before anything runs. The validator (about 300 kB of
// generated code) loads when a link or file is opened: a page opened without one never parses it.
import type { Scenario } from 'openssl-wasm-sandbox/conformance';
import { VARIANTS } from 'openssl-wasm-sandbox';

/** Links longer than this are refused: browsers, chat tools and servers cut long URLs. */
export const MAX_LINK = 100_000;
const PREFIX = '#scenario=';

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** The hash that reopens this scenario; throws when it would be too long to share. */
export function scenarioHash(scenario: Scenario): string {
  const hash = PREFIX + toBase64Url(JSON.stringify(scenario));
  if (hash.length > MAX_LINK) {
    throw new Error(`This session is too long to share as a link (${Math.round(hash.length / 1000)} kB, the limit is ${MAX_LINK / 1000} kB): export it as a scenario file instead.`);
  }
  return hash;
}

/** Whether the page was opened with a shared scenario. */
export function hasScenarioHash(hash: string): boolean {
  return hash.startsWith(PREFIX);
}

/** The scenario in a shared link, checked; throws with a message for people when it is not one. */
export async function scenarioFromHash(hash: string): Promise<Scenario> {
  if (hash.length > MAX_LINK) throw new Error(`The link is too long (${Math.round(hash.length / 1000)} kB, the limit is ${MAX_LINK / 1000} kB): nothing was run.`);
  let text: string;
  try {
    text = fromBase64Url(hash.slice(PREFIX.length));
  } catch {
    throw new Error('The link is damaged (its scenario is not valid base64url text): nothing was run.');
  }
  return checkScenario(text, 'the link');
}

/** The scenario in an imported file, checked; an oversized file is refused before it is read. */
export async function scenarioFromFile(file: File): Promise<Scenario> {
  const { refuseOversized } = await import('openssl-wasm-sandbox/conformance');
  refused(() => refuseOversized(file.size, file.name));
  return checkScenario(await file.text(), file.name);
}

/** Runs a check of the scenario format; what it refuses is reported as such: nothing ran. */
function refused<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new Error(`${(error as Error).message}\nNothing was run.`);
  }
}

/**
 * Parses and checks a scenario (the conformance format) and that the playground can show it:
 * a server context named `server`, a client named `client` (and any others), one OpenSSL variant.
 */
export async function checkScenario(text: string, source: string): Promise<Scenario> {
  const { validateScenario } = await import('openssl-wasm-sandbox/conformance');
  const scenario = refused(() => validateScenario(text, source));
  const problems: string[] = [];
  for (const role of ['server', 'client'] as const) {
    if (scenario.contexts[role]?.role !== role) problems.push(`it needs a ${role} context named '${role}'`);
  }
  const variant = scenario.openssl?.[0] ?? '3.5';
  if (!VARIANTS.includes(variant)) problems.push(`unknown OpenSSL variant ${variant}`);
  if (problems.length) throw new Error(`${source} is a valid scenario, but not one the playground can open: ${problems.join('; ')}. Nothing was run.`);
  return { ...scenario, openssl: [variant] };
}
