// Assertions that run the same in Node and in a browser (node:assert does not exist there).

export class CheckError extends Error {
  override name = 'CheckError';
}

const show = (v: unknown) => {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
};

export function ok(value: unknown, message = 'expected a truthy value'): asserts value {
  if (!value) throw new CheckError(message);
}

export function equal<T>(actual: T, expected: T, message?: string): void {
  if (!Object.is(actual, expected)) throw new CheckError(`${message ? `${message}: ` : ''}expected ${show(expected)}, got ${show(actual)}`);
}

export function deepEqual(actual: unknown, expected: unknown, message?: string): void {
  if (!same(actual, expected)) throw new CheckError(`${message ? `${message}: ` : ''}expected ${show(expected)}, got ${show(actual)}`);
}

function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function match(text: string, pattern: RegExp, message?: string): void {
  if (!pattern.test(text)) throw new CheckError(`${message ? `${message}: ` : ''}${show(text)} does not match ${pattern}`);
}

/** Awaits `promise`, expects it to reject, and returns the error for further checks. */
export async function rejects(promise: Promise<unknown>, message = 'expected the call to fail'): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new CheckError(message);
}
