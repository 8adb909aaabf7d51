// The scenario validator is compiled ahead of time (the playground's Content-Security-Policy
// refuses the eval Ajv compiles with): it must be the one the schema makes today.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { generatedFile, validatorSource } from '../scripts/scenario-validator.js';

it('src/scenario/schema-check.generated.ts is compiled from the current schema (regenerate: npx tsx scripts/scenario-validator.ts)', () => {
  assert.equal(readFileSync(generatedFile, 'utf8'), validatorSource());
});
