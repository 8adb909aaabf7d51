/**
 * Real OpenSSL in WebAssembly, to watch how TLS session caching behaves: `createSandbox()`,
 * then contexts, sessions and connections whose methods each name the OpenSSL call they make.
 * @module openssl-wasm-sandbox
 */
export { createSandbox } from './worker/create-sandbox.js';
export { Sandbox, Context, Session, Ssl, ConfContext, Connection, Clock } from './sandbox/sandbox.js';
export type { SandboxOptions, HandshakeOptions, PublicBatchCall, BatchResults, MemoryUse, LeakReport, CallArgs, CallResult } from './sandbox/sandbox.js';
export type { BatchMethod, BatchResult, CachedSession, ConnectOptions, Flight, HandshakeResult, SessionFields, SessionInfo } from './sandbox/engine.js';
export type { StoreChoice, StoreEntry } from './sandbox/external-stores.js';
export {
  SSL_TEST_ROLES, type SslTestSpec, type SslTestRun, type SslTestOutcome, type SslTestResult, type SslTestExtra, type SslTestRole,
  type SslTestContextConf,
} from './sandbox/ssl-test.js';
export type { CallbackConfig, ContextConfig, ContextSettings, ContextState } from './sandbox/config.js';
export type {
  SandboxEvent, CallEvent, CallbackEvent, DestroyedEvent, HandshakeEvent, ClockEvent, SessionObject,
  MessageEvent, RecordEvent, StateEvent, AlertEvent, NameEvent, FaultEvent,
} from './sandbox/events.js';
export { EVENT_KINDS } from './sandbox/events.js';
export { parseRecords, decodeHandshake, isCompatibilitySessionId, COMPATIBILITY_SESSION_ID, type TlsRecord, type HandshakeMessage } from './trace/decode.js';
export { toPcapng, type PcapngOptions, type WireChunk } from './trace/pcapng.js';
export { dissect, type DissectedRecord, type Field } from './trace/dissect.js';
export { SandboxError, OpenSSLError, MemoryLimitError, HandleError, ArgumentError, CallError, ConstantError, SslTestError } from './core/errors.js';
export type { SandboxErrorCode, OpenSSLErrorEntry, HandleProblem, CallProblem } from './core/errors.js';
export { C_API, CALL_NAMES, hasSince, type CallName, type CFunction, type ArgKind, type ReturnKind } from './sandbox/c-api.js';
export { C_RESULTS, explainResult, type ResultMeaning } from './sandbox/c-results.js';
export { VARIANTS, DEFAULT_VARIANT, type Variant, type LocateFile, type SandboxFile } from './core/module.js';
export {
  PROTOCOL_VERSIONS, SESSION_CACHE_MODES, OPTIONS, VERIFY_MODES, COUNTERS,
  type ProtocolVersion, type SessionCacheMode, type SslOption, type VerifyMode, type Counter, type Side, type KeyType,
} from './core/constants.js';
export type { HandleRef, HandleKind } from './core/handles.js';
