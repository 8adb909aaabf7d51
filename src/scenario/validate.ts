import type { ErrorObject } from 'ajv';
import { SandboxError } from '../core/errors.js';
import { CALLS } from './calls.js';
// Compiled ahead of time (scripts/scenario-validator.ts): compiling at run time needs eval,
// which the playground's Content-Security-Policy refuses.
import { validate as check } from './schema-check.generated.js';
import type { Scenario } from './types.js';

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
  if (!check(data)) throw new ScenarioError(file, explain((check as { errors?: ErrorObject[] }).errors ?? []));
  const scenario = data as unknown as Scenario;
  const problems: string[] = [];
  const known = new Set(Object.keys(scenario.contexts));
  for (const name of Object.keys(scenario.asyncGetSession ?? {})) {
    if (!known.has(name)) problems.push(`/asyncGetSession/${name}: no context named '${name}'`);
  }
  scenario.steps.forEach((step, i) => {
    if ('call' in step && !(step.call in CALLS)) {
      problems.push(`/steps/${i}/call: '${step.call}' is not a call scenarios can make (known: ${Object.keys(CALLS).join(', ')})`);
    }
    if ('handshake' in step) {
      for (const role of ['client', 'server'] as const) {
        if (!known.has(step.handshake[role])) problems.push(`/steps/${i}/handshake/${role}: no context named '${step.handshake[role]}'`);
      }
    }
  });
  if (problems.length) throw new ScenarioError(file, problems);
  return scenario;
}

function explain(errors: ErrorObject[]): string[] {
  // oneOf over step kinds reports every branch; keep the most specific messages.
  const specific = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf');
  const list = (specific.length ? specific : errors).map((e) => {
    const detail = e.keyword === 'additionalProperties' ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'`
      : e.keyword === 'enum' ? ` (one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
    return `${e.instancePath || '/'}: ${e.message}${detail}`;
  });
  return [...new Set(list)].slice(0, 20);
}
