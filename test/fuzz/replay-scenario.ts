// Replays one regression scenario in a child process (test/fuzz.test.ts starts it with a small
// heap and a timeout), for inputs that hang or exhaust memory: the test process survives them.
// Usage: node --import tsx test/fuzz/replay-scenario.ts <regression.json> <variant>
import { readFileSync } from 'node:fs';
import type { Variant } from '../../src/index.js';
import { runScenario } from '../../src/scenario/run.js';
import { validateScenario } from '../../src/scenario/validate.js';

const [file, variant] = process.argv.slice(2);
const regression = JSON.parse(readFileSync(file, 'utf8')) as { scenario: unknown };
const report = await runScenario(validateScenario(regression.scenario, file), { openssl: variant as Variant, file });
console.log(JSON.stringify({ ok: report.ok, failures: report.failures.length }));
