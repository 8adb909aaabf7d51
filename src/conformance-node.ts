/**
 * Conformance scenarios: validate a scenario and run it against a sandbox. The Node build
 * (this one) also reads scenario files and folders; browsers get the rest.
 * @module openssl-wasm-sandbox/conformance
 */
export * from './conformance.js';
export { loadScenario, scenarioFiles } from './scenario/files.js';
