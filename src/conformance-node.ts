// The Node build of `openssl-wasm-sandbox/conformance`: adds reading scenario files and folders.
export * from './conformance.js';
export { loadScenario, scenarioFiles } from './scenario/files.js';
