import { SandboxError } from '../core/errors.js';
import { VARIANTS } from '../core/module.js';
import { CALL_NAMES, arity, cFunction, parameters } from '../sandbox/c-api.js';
// Compiled ahead of time (scripts/scenario-validator.ts): compiling at run time needs eval,
// which the playground's Content-Security-Policy refuses.
import { validate as check } from './schema-check.generated.js';
import type { Scenario } from './types.js';

/** What the generated (Ajv standalone) validator reports of each problem: Ajv, a build-time tool, is not a run-time dependency. */
interface ErrorObject {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** A scenario file that does not fit the format; `problems` name each place and what is wrong. */
export class ScenarioError extends SandboxError {
  constructor(readonly file: string, readonly problems: string[]) {
    super('SCENARIO', `${file}: not a valid scenario:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** The biggest scenario accepted, in characters of JSON: larger ones are refused before parsing. */
export const MAX_SCENARIO_SIZE = 1_000_000;

/**
 * Refuses a scenario file of `bytes` before it is read: a file over MAX_SCENARIO_SIZE bytes
 * (each character takes at least one) would only be read to be refused.
 */
export function refuseOversized(bytes: number, file: string): void {
  if (bytes > MAX_SCENARIO_SIZE) throw new ScenarioError(file, [`larger than ${MAX_SCENARIO_SIZE} bytes (${bytes}): not read`]);
}

/** How deep a scenario's JSON may nest: far beyond any real one (8 or so), short of any stack's limit. */
export const MAX_NESTING = 64;

/** How deep `value` nests, counted without recursion (a hostile file may nest 100,000 deep); stops counting past 10 * MAX_NESTING. */
function nesting(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    deepest = Math.max(deepest, depth);
    if (depth > 10 * MAX_NESTING) break;
    if (v !== null && typeof v === 'object') for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Parses and checks a scenario (JSON text or a value); throws a ScenarioError naming every problem. */
export function validateScenario(input: unknown, file = 'scenario'): Scenario {
  let data = input;
  if (typeof input === 'string') {
    if (input.length > MAX_SCENARIO_SIZE) throw new ScenarioError(file, [`larger than ${MAX_SCENARIO_SIZE} characters`]);
    try {
      data = JSON.parse(input);
    } catch (error) {
      throw new ScenarioError(file, [`not JSON: ${(error as Error).message}`]);
    }
  }
  const depth = nesting(data);
  if (depth > MAX_NESTING) throw new ScenarioError(file, [`nested ${depth > 10 * MAX_NESTING ? 'far ' : ''}deeper than ${MAX_NESTING} levels`]);
  if (!check(data)) throw new ScenarioError(file, explain((check as { errors?: ErrorObject[] }).errors ?? [], data));
  const scenario = data as unknown as Scenario;
  const problems: string[] = [];
  const known = new Set(Object.keys(scenario.contexts));
  for (const name of Object.keys(scenario.asyncGetSession ?? {})) {
    if (!known.has(name)) problems.push(`/asyncGetSession/${name}: no context named '${name}'`);
  }
  // A byVariant that skipped a variant would leave that step unchecked there: it names every variant the scenario runs on.
  const runsOn = scenario.openssl ?? VARIANTS;
  scenario.steps.forEach((step, i) => {
    const byVariant = ('expect' in step ? step.expect as { byVariant?: object } | undefined : undefined)?.byVariant;
    const unstated = byVariant ? runsOn.filter((v) => !Object.hasOwn(byVariant, v)) : [];
    if (unstated.length) problems.push(`/steps/${i}/expect/byVariant: states nothing for OpenSSL ${unstated.join(', ')} (name every variant the scenario runs on)`);
    if ('handshake' in step) {
      for (const role of ['client', 'server'] as const) {
        if (!known.has(step.handshake[role])) problems.push(`/steps/${i}/handshake/${role}: no context named '${step.handshake[role]}'`);
      }
    }
  });
  if (problems.length) throw new ScenarioError(file, problems);
  return scenario;
}

/** A call step's problem in the table's words: an unknown function, or the wrong number of arguments. */
function callProblem(e: ErrorObject, data: unknown): string | undefined {
  const at = e.instancePath.match(/^\/steps\/(\d+)(\/call|\/args)?$/);
  if (at && !at[2] && !(e.keyword === 'required' && (e.params as { missingProperty?: string }).missingProperty === 'args')) return undefined;
  const step = at && (data as { steps: { call?: unknown; args?: unknown[] }[] }).steps[Number(at[1])];
  if (!step || typeof step.call !== 'string') return undefined;
  const fn = cFunction(step.call);
  if (!fn) return `/steps/${at[1]}/call: '${step.call}' is not a call scenarios can make (known: ${CALL_NAMES.join(', ')})`;
  const { min, max } = arity(fn);
  if (e.keyword === 'minItems' || e.keyword === 'maxItems' || e.keyword === 'required') {
    return `/steps/${at[1]}/args: ${step.call} takes ${min === max ? max : `${min} to ${max}`} arguments `
      + `(${parameters(fn).join(', ') || 'void'}), got ${Array.isArray(step.args) ? step.args.length : 0}`;
  }
  return undefined;
}

function explain(errors: ErrorObject[], data: unknown): string[] {
  // oneOf over step kinds reports every branch; keep the most specific messages.
  const specific = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if');
  const list = (specific.length ? specific : errors).map((e) => {
    const problem = callProblem(e, data);
    if (problem) return problem;
    const detail = e.keyword === 'additionalProperties' ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'`
      : e.keyword === 'enum' ? ` (one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
    return `${e.instancePath || '/'}: ${e.message}${detail}`;
  });
  return [...new Set(list)].slice(0, 20);
}
