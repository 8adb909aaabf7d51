// openssl-wasm-sandbox: real OpenSSL in WebAssembly, to watch how TLS session caching behaves.
export { createSandbox, Sandbox, Context, Session, Connection, Clock } from './sandbox/sandbox.js';
export type { SandboxOptions, HandshakeOptions } from './sandbox/sandbox.js';
export type { EngineApi } from './sandbox/transport.js';
export type { ContextConfig, HandshakeResult, SessionInfo } from './sandbox/engine.js';
export type { SandboxEvent, CallEvent, HandshakeEvent, ClockEvent } from './sandbox/events.js';
export { SandboxError, OpenSSLError, HandleError, ArgumentError } from './core/errors.js';
export type { OpenSSLErrorEntry, HandleProblem } from './core/errors.js';
export { VARIANTS, type Variant } from './core/module.js';
export {
  PROTOCOL_VERSIONS, SESSION_CACHE_MODES, OPTIONS, COUNTERS,
  type ProtocolVersion, type SessionCacheMode, type SslOption, type Counter, type Side, type KeyType,
} from './core/constants.js';
