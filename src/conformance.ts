/**
 * Conformance scenarios: validate a scenario and run it against a sandbox, in browsers and in
 * Node; in Node, also read scenario files and folders.
 * @module openssl-wasm-sandbox/conformance
 */
export { runScenario, Interpreter, type RunOptions, type StepOutcome } from './scenario/run.js';
export { loadScenario, scenarioFiles } from './scenario/files.js';
export { toC, NotExportable, type CProgram } from './scenario/to-c.js';
export { compareReports, formatComparisons, type Comparison, type StepComparison, type Difference } from './scenario/compare.js';
export { validateScenario, refuseOversized, ScenarioError, MAX_SCENARIO_SIZE } from './scenario/validate.js';
export { scenarioSchema } from './scenario/schema.js';
export {
  runSslTests, readSslTests, parseConf, checkSslTest, TEST_CERTS_DIR,
  type SslTestCase, type SslTestExpectations, type SslTestRunOptions, type ConfSections,
} from './scenario/ssl-tests.js';
export { format, summary, REPORTERS, type ReporterName } from './scenario/report.js';
export type {
  Scenario, Step, CallStep, HandshakeStep, ClockStep, ExpectStep, StateExpectation, Expected, Failure, ScenarioReport,
} from './scenario/types.js';
