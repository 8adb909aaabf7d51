// The session family of OpenSSL's C API, one row per function: its prototype as ssl.h declares
// it, what each argument and the result are, and how the glue makes the call. Everything else
// derives from this table: the engine's call() dispatch, the typed Sandbox.call(), the scenario
// format's call names and arity, the C export (src/scenario/to-c.ts). Adding a function is one row.
// Rows come in blocks by area, each block its own constant, so that areas grow without touching each other.
import { fromHex, hex } from '../core/bytes.js';
import { COUNTERS, PROTOCOL_VERSIONS, flagTable, protocolName, type Counter, type FlagKind } from '../core/constants.js';
import { CallError, HandleError } from '../core/errors.js';
import type { OpenSSL } from '../core/openssl.js';
import type { Ptr } from '../core/pointers.js';
import type { Engine } from './engine.js';
import { isStoreChoice } from './external-stores.js';

/**
 * What an argument is, as Sandbox.call() and scenarios pass it. A trailing `?` makes it optional
 * (the sandbox fills in what its row says).
 * - `SSL_CTX`, `SSL_SESSION`, `SSL`, `SSL_CONF_CTX`: an object (a handle; a name in scenarios); `SSL_SESSION|NULL` also takes null.
 * - `int`, `long`, `size_t`: a whole number, passed on as C converts it, negative or out of range
 *   included. WebAssembly's long and size_t are 32 bits (64 natively): numbers beyond 32 bits are refused.
 * - `uint32_t`: a whole number from 0 to 2^32 - 1.
 * - `time_t`: seconds since the epoch (or a duration), a whole number.
 * - `cache_mode`, `options`, `verify_mode`, `conf_flags`: a flag mask, as a number (bits without a name included) or an array of flag names.
 * - `verify_cb`: a verification callback; only null (NULL: OpenSSL's own verification).
 * - `version`: a protocol version, as a number (0x0303) or a name ('TLSv1.2').
 * - `hex`, `text`: bytes and their length (two C arguments), as hex digits or as a string's UTF-8.
 * - `der`: DER bytes (a Uint8Array) and their length.
 * - `string`: a C string (const char *), as a string.
 * - `new_cb`, `remove_cb`, `get_cb`: a session callback, as what it does (the behaviours real
 *   applications use), or null to remove it. new: `keep` (return 1, an external store keeps the
 *   reference), `decline` (return 0), `free` (return 1 and SSL_SESSION_free at once); remove:
 *   `forget` (the store forgets the session); get: `store`, `null` or a session, or
 *   `{ answer, copy }` with *copy 0 (the reference passes to OpenSSL) or 1 (the default). Any of the
 *   three may be `{ store: name }`: the shared callbacks, which put the session's DER into, forget
 *   it from, or decode it (*copy 0) out of the named external store that several contexts share.
 */
export type ArgKind =
  | 'SSL_CTX' | 'SSL_SESSION' | 'SSL_SESSION|NULL' | 'SSL' | 'SSL_CONF_CTX' | 'int' | 'long' | 'size_t' | 'time_t' | 'time_t?'
  | 'cache_mode' | 'options' | 'verify_mode' | 'conf_flags' | 'version' | 'hex' | 'text' | 'der' | 'string'
  | 'uint32_t' | 'new_cb' | 'remove_cb' | 'get_cb' | 'verify_cb';

/**
 * What a call returns: a number of that C type; `cache_mode`, `options`, `verify_mode`,
 * `conf_flags` and `version` are numbers too (scenarios may compare them with names);
 * `SSL_SESSION`, `SSL_CONF_CTX`, `SSL` a new object (a handle), `SSL_SESSION|NULL` a new reference
 * or null; `get0 SSL_SESSION|NULL` a name for a session without a reference of its own (usable
 * while its owner keeps it, not to be freed), or null; `hex` bytes an out-parameter gave, as hex;
 * `der` the encoding; `callback` the C name of the installed callback, or null; `void` nothing.
 */
export type ReturnKind =
  | 'int' | 'long' | 'unsigned long' | 'size_t' | 'time_t' | 'uint32_t' | 'uint64_t' | 'cache_mode' | 'options' | 'verify_mode' | 'conf_flags' | 'version'
  | 'void' | 'SSL_SESSION' | 'SSL_SESSION|NULL' | 'get0 SSL_SESSION|NULL' | 'SSL' | 'SSL_CONF_CTX' | 'hex' | 'der' | 'callback';

/** An argument as the glue takes it: a pointer or number, bytes, or a C string. */
export type CValue = number | Uint8Array | string;

export interface CFunction {
  /** The prototype, as OpenSSL's headers declare it (macros as the function they stand for). */
  readonly c: string;
  readonly args: readonly ArgKind[];
  readonly returns: ReturnKind;
  /** The first OpenSSL release that has it ('3.3'), where not every supported one does. */
  readonly since?: string;
  /** Makes the call through the glue: the engine checked the arguments and logs the call. */
  readonly glue?: (openssl: OpenSSL, args: CValue[]) => number | string | void;
  /** Or: an engine method makes (and logs) the call, given the checked arguments as they came. */
  readonly engine?: (engine: Engine, args: never[]) => unknown;
  /** The call may write to the wire (its first argument an SSL): the wire then moves what the joined pair wrote. */
  readonly wire?: true;
  /** Not OpenSSL's: the sandbox's own function, which its native runtime (wasm/native/sandbox.h) has too. */
  readonly sandbox?: true;
  /** It frees its first argument: a second call on that object is refused as a double free. */
  readonly frees?: true;
}

const p = <T extends string>(v: CValue) => v as Ptr<T>;
const n = (v: CValue) => v as number;
const bytes = (v: CValue) => v as Uint8Array;
/** An id-like field an out-parameter fills (at most 32 bytes), as hex. */
const readHex = (o: OpenSSL, fill: (out: Ptr<'u8'>) => number) => hex(o.readBytes(32, fill));
/** Bytes of a length only C knows, as hex: the glue gives the length for size 0, then copies `size` bytes. */
const readSized = (o: OpenSSL, fill: (out: Ptr<'u8'>, size: number) => number) => {
  const size = fill(0 as Ptr<'u8'>, 0);
  return hex(o.readBytes(Math.max(1, size), (out) => Math.min(size, fill(out, size))));
};

const counter = (name: Counter, i: number) => [`SSL_CTX_sess_${name}`, {
  c: `long SSL_CTX_sess_${name}(SSL_CTX *ctx)`, args: ['SSL_CTX'], returns: 'long',
  glue: (o, [ctx]) => o.glue.osb_ctx_sess_counter(p(ctx), i),
} satisfies CFunction] as const;

type CounterRows = { readonly [K in Counter as `SSL_CTX_sess_${K}`]: CFunction & { readonly args: readonly ['SSL_CTX']; readonly returns: 'long' } };

const SESSION_CALLS = {
  // ---- the internal cache (SSL_CTX_add_session(3), SSL_CTX_flush_sessions(3), SSL_CTX_sess_number(3))
  SSL_CTX_add_session: {
    c: 'int SSL_CTX_add_session(SSL_CTX *ctx, SSL_SESSION *session)', args: ['SSL_CTX', 'SSL_SESSION'], returns: 'int',
    engine: (e, [ctx, session]) => e.addSession(ctx, session, true),
  },
  SSL_CTX_remove_session: {
    c: 'int SSL_CTX_remove_session(SSL_CTX *ctx, SSL_SESSION *session)', args: ['SSL_CTX', 'SSL_SESSION'], returns: 'int',
    engine: (e, [ctx, session]) => e.removeSession(ctx, session, true),
  },
  SSL_CTX_flush_sessions: {
    c: 'void SSL_CTX_flush_sessions(SSL_CTX *ctx, long tm)', args: ['SSL_CTX', 'time_t?'], returns: 'void',
    engine: (e, [ctx, tm]) => e.flushSessions(ctx, tm),
  },
  SSL_CTX_flush_sessions_ex: {
    c: 'void SSL_CTX_flush_sessions_ex(SSL_CTX *ctx, time_t tm)', args: ['SSL_CTX', 'time_t?'], returns: 'void', since: '3.4',
    engine: (e, [ctx, tm]) => e.flushSessions(ctx, tm, 'SSL_CTX_flush_sessions_ex'),
  },
  SSL_CTX_sess_number: {
    c: 'long SSL_CTX_sess_number(SSL_CTX *ctx)', args: ['SSL_CTX'], returns: 'long',
    glue: (o, [ctx]) => o.glue.osb_ctx_sess_number(p(ctx)),
  },
  ...Object.fromEntries(COUNTERS.map(counter)) as unknown as CounterRows,

  // ---- settings (SSL_CTX_set_session_cache_mode(3), SSL_CTX_sess_set_cache_size(3), SSL_CTX_set_timeout(3), …)
  SSL_CTX_set_session_cache_mode: {
    c: 'long SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode)', args: ['SSL_CTX', 'cache_mode'], returns: 'cache_mode',
    glue: (o, [ctx, mode]) => o.glue.osb_ctx_set_session_cache_mode(p(ctx), n(mode)),
  },
  SSL_CTX_get_session_cache_mode: {
    c: 'long SSL_CTX_get_session_cache_mode(SSL_CTX *ctx)', args: ['SSL_CTX'], returns: 'cache_mode',
    glue: (o, [ctx]) => o.glue.osb_ctx_get_session_cache_mode(p(ctx)),
  },
  SSL_CTX_sess_set_cache_size: {
    c: 'long SSL_CTX_sess_set_cache_size(SSL_CTX *ctx, long t)', args: ['SSL_CTX', 'long'], returns: 'long',
    glue: (o, [ctx, size]) => o.glue.osb_ctx_sess_set_cache_size(p(ctx), n(size)),
  },
  SSL_CTX_sess_get_cache_size: {
    c: 'long SSL_CTX_sess_get_cache_size(SSL_CTX *ctx)', args: ['SSL_CTX'], returns: 'long',
    glue: (o, [ctx]) => o.glue.osb_ctx_sess_get_cache_size(p(ctx)),
  },
  SSL_CTX_set_timeout: {
    c: 'long SSL_CTX_set_timeout(SSL_CTX *ctx, long t)', args: ['SSL_CTX', 'long'], returns: 'long',
    glue: (o, [ctx, t]) => o.glue.osb_ctx_set_timeout(p(ctx), n(t)),
  },
  SSL_CTX_get_timeout: {
    c: 'long SSL_CTX_get_timeout(const SSL_CTX *ctx)', args: ['SSL_CTX'], returns: 'long',
    glue: (o, [ctx]) => o.glue.osb_ctx_get_timeout(p(ctx)),
  },
  SSL_CTX_set_session_id_context: {
    c: 'int SSL_CTX_set_session_id_context(SSL_CTX *ctx, const unsigned char *sid_ctx, unsigned int sid_ctx_len)',
    args: ['SSL_CTX', 'text'], returns: 'int',
    glue: (o, [ctx, id]) => o.withBytes(bytes(id), (ptr, length) => o.glue.osb_ctx_set_session_id_context(p(ctx), ptr, length)),
  },
  SSL_CTX_set_num_tickets: {
    c: 'int SSL_CTX_set_num_tickets(SSL_CTX *ctx, size_t num_tickets)', args: ['SSL_CTX', 'size_t'], returns: 'int',
    glue: (o, [ctx, count]) => o.glue.osb_ctx_set_num_tickets(p(ctx), n(count)),
  },
  SSL_CTX_get_num_tickets: {
    c: 'size_t SSL_CTX_get_num_tickets(const SSL_CTX *ctx)', args: ['SSL_CTX'], returns: 'size_t',
    glue: (o, [ctx]) => o.glue.osb_ctx_get_num_tickets(p(ctx)),
  },
  SSL_CTX_set_options: {
    c: 'uint64_t SSL_CTX_set_options(SSL_CTX *ctx, uint64_t options)', args: ['SSL_CTX', 'options'], returns: 'options',
    glue: (o, [ctx, options]) => o.glue.osb_ctx_set_options(p(ctx), n(options)),
  },
  SSL_CTX_clear_options: {
    c: 'uint64_t SSL_CTX_clear_options(SSL_CTX *ctx, uint64_t options)', args: ['SSL_CTX', 'options'], returns: 'options',
    glue: (o, [ctx, options]) => o.glue.osb_ctx_clear_options(p(ctx), n(options)),
  },
  SSL_CTX_get_options: {
    c: 'uint64_t SSL_CTX_get_options(const SSL_CTX *ctx)', args: ['SSL_CTX'], returns: 'options',
    glue: (o, [ctx]) => o.glue.osb_ctx_get_options(p(ctx)),
  },
  SSL_CTX_set_min_proto_version: {
    c: 'int SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version)', args: ['SSL_CTX', 'version'], returns: 'int',
    glue: (o, [ctx, v]) => o.glue.osb_ctx_set_min_proto_version(p(ctx), n(v)),
  },
  SSL_CTX_set_max_proto_version: {
    c: 'int SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version)', args: ['SSL_CTX', 'version'], returns: 'int',
    glue: (o, [ctx, v]) => o.glue.osb_ctx_set_max_proto_version(p(ctx), n(v)),
  },
  SSL_CTX_get_min_proto_version: {
    c: 'int SSL_CTX_get_min_proto_version(SSL_CTX *ctx)', args: ['SSL_CTX'], returns: 'version',
    glue: (o, [ctx]) => o.glue.osb_ctx_get_min_proto_version(p(ctx)),
  },
  SSL_CTX_get_max_proto_version: {
    c: 'int SSL_CTX_get_max_proto_version(SSL_CTX *ctx)', args: ['SSL_CTX'], returns: 'version',
    glue: (o, [ctx]) => o.glue.osb_ctx_get_max_proto_version(p(ctx)),
  },
  // What the handshake may negotiate, which decides what a session can resume with (SSL_CTX_set_ciphersuites(3), SSL_CTX_set1_groups_list(3))
  SSL_CTX_set_ciphersuites: {
    c: 'int SSL_CTX_set_ciphersuites(SSL_CTX *ctx, const char *str)', args: ['SSL_CTX', 'string'], returns: 'int',
    glue: (o, [ctx, list]) => o.glue.osb_ctx_set_ciphersuites(p(ctx), list as string),
  },
  SSL_CTX_set_cipher_list: {
    c: 'int SSL_CTX_set_cipher_list(SSL_CTX *ctx, const char *str)', args: ['SSL_CTX', 'string'], returns: 'int',
    glue: (o, [ctx, list]) => o.glue.osb_ctx_set_cipher_list(p(ctx), list as string),
  },
  SSL_CTX_set1_groups_list: {
    c: 'int SSL_CTX_set1_groups_list(SSL_CTX *ctx, char *list)', args: ['SSL_CTX', 'string'], returns: 'int',
    glue: (o, [ctx, list]) => o.glue.osb_ctx_set1_groups_list(p(ctx), list as string),
  },
  // ---- session callbacks at any step (SSL_CTX_sess_set_new_cb(3))
  SSL_CTX_sess_set_new_cb: {
    c: 'void SSL_CTX_sess_set_new_cb(SSL_CTX *ctx, int (*new_session_cb)(SSL *ssl, SSL_SESSION *sess))', args: ['SSL_CTX', 'new_cb'], returns: 'void',
    engine: (e, [ctx, behaviour]) => e.setSessionCallback(ctx, 'new', behaviour),
  },
  SSL_CTX_sess_set_remove_cb: {
    c: 'void SSL_CTX_sess_set_remove_cb(SSL_CTX *ctx, void (*remove_session_cb)(SSL_CTX *ctx, SSL_SESSION *sess))', args: ['SSL_CTX', 'remove_cb'], returns: 'void',
    engine: (e, [ctx, behaviour]) => e.setSessionCallback(ctx, 'remove', behaviour),
  },
  SSL_CTX_sess_set_get_cb: {
    c: 'void SSL_CTX_sess_set_get_cb(SSL_CTX *ctx, SSL_SESSION *(*get_session_cb)(SSL *ssl, const unsigned char *data, int len, int *copy))',
    args: ['SSL_CTX', 'get_cb'], returns: 'void',
    engine: (e, [ctx, behaviour]) => e.setSessionCallback(ctx, 'get', behaviour),
  },
  SSL_CTX_sess_get_new_cb: {
    c: 'int (*SSL_CTX_sess_get_new_cb(SSL_CTX *ctx))(SSL *ssl, SSL_SESSION *sess)', args: ['SSL_CTX'], returns: 'callback',
    engine: (e, [ctx]) => e.sessionCallback(ctx, 'new'),
  },
  SSL_CTX_sess_get_remove_cb: {
    c: 'void (*SSL_CTX_sess_get_remove_cb(SSL_CTX *ctx))(SSL_CTX *ctx, SSL_SESSION *sess)', args: ['SSL_CTX'], returns: 'callback',
    engine: (e, [ctx]) => e.sessionCallback(ctx, 'remove'),
  },
  SSL_CTX_sess_get_get_cb: {
    c: 'SSL_SESSION *(*SSL_CTX_sess_get_get_cb(SSL_CTX *ctx))(SSL *ssl, const unsigned char *data, int len, int *copy)', args: ['SSL_CTX'], returns: 'callback',
    engine: (e, [ctx]) => e.sessionCallback(ctx, 'get'),
  },
  SSL_CTX_free: {
    c: 'void SSL_CTX_free(SSL_CTX *ctx)', args: ['SSL_CTX'], returns: 'void', frees: true,
    engine: (e, [ctx]) => e.freeContext(ctx),
  },

  // ---- SSL_SESSION objects (SSL_SESSION_new(3), SSL_SESSION_get_time(3), SSL_SESSION_set1_id(3), …)
  SSL_SESSION_new: {
    c: 'SSL_SESSION *SSL_SESSION_new(void)', args: [], returns: 'SSL_SESSION',
    engine: (e) => e.createSession(),
  },
  SSL_SESSION_free: {
    c: 'void SSL_SESSION_free(SSL_SESSION *session)', args: ['SSL_SESSION|NULL'], returns: 'void', frees: true,
    engine: (e, [session]) => e.freeSession(session),
  },
  SSL_SESSION_up_ref: {
    // C returns 1 and the same pointer now holds one more reference: the sandbox names that reference.
    c: 'int SSL_SESSION_up_ref(SSL_SESSION *session)', args: ['SSL_SESSION'], returns: 'SSL_SESSION',
    engine: (e, [session]) => e.upRefSession(session, true),
  },
  SSL_SESSION_dup: {
    c: 'SSL_SESSION *SSL_SESSION_dup(const SSL_SESSION *src)', args: ['SSL_SESSION'], returns: 'SSL_SESSION',
    engine: (e, [session]) => e.dupSession(session, true),
  },
  SSL_SESSION_get_id: {
    c: 'const unsigned char *SSL_SESSION_get_id(const SSL_SESSION *s, unsigned int *len)', args: ['SSL_SESSION'], returns: 'hex',
    glue: (o, [s]) => readHex(o, (out) => o.glue.osb_session_get_id(p(s), out)),
  },
  SSL_SESSION_set1_id: {
    c: 'int SSL_SESSION_set1_id(SSL_SESSION *s, const unsigned char *sid, unsigned int sid_len)', args: ['SSL_SESSION', 'hex'], returns: 'int',
    glue: (o, [s, id]) => o.withBytes(bytes(id), (ptr, length) => o.glue.osb_session_set1_id(p(s), ptr, length)),
  },
  SSL_SESSION_get0_id_context: {
    c: 'const unsigned char *SSL_SESSION_get0_id_context(const SSL_SESSION *s, unsigned int *len)', args: ['SSL_SESSION'], returns: 'hex',
    glue: (o, [s]) => readHex(o, (out) => o.glue.osb_session_get_id_context(p(s), out)),
  },
  SSL_SESSION_set1_id_context: {
    c: 'int SSL_SESSION_set1_id_context(SSL_SESSION *s, const unsigned char *sid_ctx, unsigned int sid_ctx_len)',
    args: ['SSL_SESSION', 'hex'], returns: 'int',
    glue: (o, [s, id]) => o.withBytes(bytes(id), (ptr, length) => o.glue.osb_session_set1_id_context(p(s), ptr, length)),
  },
  SSL_SESSION_get_protocol_version: {
    c: 'int SSL_SESSION_get_protocol_version(const SSL_SESSION *s)', args: ['SSL_SESSION'], returns: 'version',
    glue: (o, [s]) => o.glue.osb_session_get_protocol_version(p(s)),
  },
  SSL_SESSION_set_protocol_version: {
    c: 'int SSL_SESSION_set_protocol_version(SSL_SESSION *s, int version)', args: ['SSL_SESSION', 'version'], returns: 'int',
    glue: (o, [s, v]) => o.glue.osb_session_set_protocol_version(p(s), n(v)),
  },
  SSL_SESSION_get_time: {
    c: 'long SSL_SESSION_get_time(const SSL_SESSION *s)', args: ['SSL_SESSION'], returns: 'long',
    glue: (o, [s]) => o.glue.osb_session_get_time(p(s)),
  },
  SSL_SESSION_set_time: {
    // Returns the time it set (0 only for a NULL session), though its manual says 1.
    c: 'long SSL_SESSION_set_time(SSL_SESSION *s, long t)', args: ['SSL_SESSION', 'long'], returns: 'long',
    glue: (o, [s, t]) => o.glue.osb_session_set_time(p(s), n(t)),
  },
  SSL_SESSION_get_time_ex: {
    c: 'time_t SSL_SESSION_get_time_ex(const SSL_SESSION *s)', args: ['SSL_SESSION'], returns: 'time_t', since: '3.3',
    glue: (o, [s]) => o.glue.osb_session_get_time(p(s)),
  },
  SSL_SESSION_set_time_ex: {
    c: 'time_t SSL_SESSION_set_time_ex(SSL_SESSION *s, time_t t)', args: ['SSL_SESSION', 'time_t'], returns: 'time_t', since: '3.3',
    glue: (o, [s, t]) => o.glue.osb_session_set_time(p(s), n(t)),
  },
  SSL_SESSION_get_timeout: {
    c: 'long SSL_SESSION_get_timeout(const SSL_SESSION *s)', args: ['SSL_SESSION'], returns: 'long',
    glue: (o, [s]) => o.glue.osb_session_get_timeout(p(s)),
  },
  SSL_SESSION_set_timeout: {
    c: 'long SSL_SESSION_set_timeout(SSL_SESSION *s, long t)', args: ['SSL_SESSION', 'long'], returns: 'long',
    glue: (o, [s, t]) => o.glue.osb_session_set_timeout(p(s), n(t)),
  },
  SSL_SESSION_is_resumable: {
    c: 'int SSL_SESSION_is_resumable(const SSL_SESSION *s)', args: ['SSL_SESSION'], returns: 'int',
    glue: (o, [s]) => o.glue.osb_session_is_resumable(p(s)),
  },
  SSL_SESSION_has_ticket: {
    c: 'int SSL_SESSION_has_ticket(const SSL_SESSION *s)', args: ['SSL_SESSION'], returns: 'int',
    glue: (o, [s]) => o.glue.osb_session_has_ticket(p(s)),
  },
  SSL_SESSION_get_ticket_lifetime_hint: {
    c: 'unsigned long SSL_SESSION_get_ticket_lifetime_hint(const SSL_SESSION *s)', args: ['SSL_SESSION'], returns: 'unsigned long',
    glue: (o, [s]) => o.glue.osb_session_get_ticket_lifetime_hint(p(s)),
  },
  SSL_SESSION_set1_master_key: {
    c: 'int SSL_SESSION_set1_master_key(SSL_SESSION *sess, const unsigned char *in, size_t len)', args: ['SSL_SESSION', 'hex'], returns: 'int',
    glue: (o, [s, key]) => o.withBytes(bytes(key), (ptr, length) => o.glue.osb_session_set1_master_key(p(s), ptr, length)),
  },
  SSL_SESSION_set1_hostname: {
    c: 'int SSL_SESSION_set1_hostname(SSL_SESSION *s, const char *hostname)', args: ['SSL_SESSION', 'string'], returns: 'int',
    glue: (o, [s, hostname]) => o.glue.osb_session_set1_hostname(p(s), hostname as string),
  },
  SSL_SESSION_set1_alpn_selected: {
    c: 'int SSL_SESSION_set1_alpn_selected(SSL_SESSION *s, const unsigned char *alpn, size_t len)', args: ['SSL_SESSION', 'hex'], returns: 'int',
    glue: (o, [s, alpn]) => o.withBytes(bytes(alpn), (ptr, length) => o.glue.osb_session_set1_alpn_selected(p(s), ptr, length)),
  },
  SSL_SESSION_set1_ticket_appdata: {
    c: 'int SSL_SESSION_set1_ticket_appdata(SSL_SESSION *ss, const void *data, size_t len)', args: ['SSL_SESSION', 'hex'], returns: 'int',
    glue: (o, [s, data]) => o.withBytes(bytes(data), (ptr, length) => o.glue.osb_session_set1_ticket_appdata(p(s), ptr, length)),
  },
  SSL_SESSION_get0_alpn_selected: {
    c: 'void SSL_SESSION_get0_alpn_selected(const SSL_SESSION *s, const unsigned char **alpn, size_t *len)', args: ['SSL_SESSION'], returns: 'hex',
    glue: (o, [s]) => readSized(o, (out, size) => o.glue.osb_session_get0_alpn_selected(p(s), out, size)),
  },
  SSL_SESSION_get0_ticket_appdata: {
    // C returns 1 whatever the session holds, and the bytes through data and len: the sandbox returns the bytes.
    c: 'int SSL_SESSION_get0_ticket_appdata(SSL_SESSION *ss, void **data, size_t *len)', args: ['SSL_SESSION'], returns: 'hex',
    glue: (o, [s]) => readSized(o, (out, size) => o.glue.osb_session_get0_ticket_appdata(p(s), out, size)),
  },
  SSL_SESSION_get0_ticket: {
    c: 'void SSL_SESSION_get0_ticket(const SSL_SESSION *s, const unsigned char **tick, size_t *len)', args: ['SSL_SESSION'], returns: 'hex',
    glue: (o, [s]) => readSized(o, (out, size) => o.glue.osb_session_get0_ticket(p(s), out, size)),
  },
  SSL_SESSION_get_master_key: {
    c: 'size_t SSL_SESSION_get_master_key(const SSL_SESSION *session, unsigned char *out, size_t outlen)', args: ['SSL_SESSION'], returns: 'hex',
    glue: (o, [s]) => readSized(o, (out, size) => o.glue.osb_session_get_master_key(p(s), out, size)),
  },
  SSL_SESSION_get_max_early_data: {
    c: 'uint32_t SSL_SESSION_get_max_early_data(const SSL_SESSION *s)', args: ['SSL_SESSION'], returns: 'uint32_t',
    glue: (o, [s]) => o.glue.osb_session_get_max_early_data(p(s)),
  },
  SSL_SESSION_set_max_early_data: {
    c: 'int SSL_SESSION_set_max_early_data(SSL_SESSION *s, uint32_t max_early_data)', args: ['SSL_SESSION', 'uint32_t'], returns: 'int',
    glue: (o, [s, max]) => o.glue.osb_session_set_max_early_data(p(s), n(max)),
  },
  SSL_SESSION_get_max_fragment_length: {
    c: 'uint8_t SSL_SESSION_get_max_fragment_length(const SSL_SESSION *sess)', args: ['SSL_SESSION'], returns: 'int',
    glue: (o, [s]) => o.glue.osb_session_get_max_fragment_length(p(s)),
  },
  SSL_SESSION_get_compress_id: {
    c: 'unsigned int SSL_SESSION_get_compress_id(const SSL_SESSION *s)', args: ['SSL_SESSION'], returns: 'int',
    glue: (o, [s]) => o.glue.osb_session_get_compress_id(p(s)),
  },
  SSL_CTX_set_tlsext_ticket_keys: {
    c: 'long SSL_CTX_set_tlsext_ticket_keys(SSL_CTX *ctx, void *keys, long keylen)', args: ['SSL_CTX', 'hex'], returns: 'long',
    glue: (o, [ctx, keys]) => o.withBytes(bytes(keys), (ptr, length) => o.glue.osb_ctx_set_tlsext_ticket_keys(p(ctx), ptr, length)),
  },
  i2d_SSL_SESSION: {
    c: 'int i2d_SSL_SESSION(const SSL_SESSION *in, unsigned char **pp)', args: ['SSL_SESSION'], returns: 'der',
    engine: (e, [session]) => e.encodeSession(session, true),
  },
  d2i_SSL_SESSION: {
    c: 'SSL_SESSION *d2i_SSL_SESSION(SSL_SESSION **a, const unsigned char **pp, long length)', args: ['der'], returns: 'SSL_SESSION',
    engine: (e, [der]) => e.decodeSession(der),
  },

  // ---- SSL_CONF: a context configured by command name, as configuration files do (SSL_CONF_cmd(3), SSL_CONF_CTX_new(3))
  SSL_CONF_CTX_new: {
    c: 'SSL_CONF_CTX *SSL_CONF_CTX_new(void)', args: [], returns: 'SSL_CONF_CTX',
    engine: (e) => e.createConfContext(),
  },
  SSL_CONF_CTX_set_flags: {
    c: 'unsigned int SSL_CONF_CTX_set_flags(SSL_CONF_CTX *cctx, unsigned int flags)', args: ['SSL_CONF_CTX', 'conf_flags'], returns: 'conf_flags',
    glue: (o, [cctx, flags]) => o.glue.osb_conf_ctx_set_flags(p(cctx), n(flags)),
  },
  SSL_CONF_CTX_set_ssl_ctx: {
    c: 'void SSL_CONF_CTX_set_ssl_ctx(SSL_CONF_CTX *cctx, SSL_CTX *ctx)', args: ['SSL_CONF_CTX', 'SSL_CTX'], returns: 'void',
    engine: (e, [cctx, ctx]) => e.setConfContextTarget(cctx, ctx),
  },
  SSL_CONF_cmd: {
    c: 'int SSL_CONF_cmd(SSL_CONF_CTX *cctx, const char *option, const char *value)', args: ['SSL_CONF_CTX', 'string', 'string'], returns: 'int',
    engine: (e, [cctx, option, value]) => e.confCommand(cctx, option, value),
  },
  SSL_CONF_CTX_finish: {
    c: 'int SSL_CONF_CTX_finish(SSL_CONF_CTX *cctx)', args: ['SSL_CONF_CTX'], returns: 'int',
    engine: (e, [cctx]) => e.finishConfContext(cctx),
  },
  SSL_CONF_CTX_free: {
    c: 'void SSL_CONF_CTX_free(SSL_CONF_CTX *cctx)', args: ['SSL_CONF_CTX'], returns: 'void',
    engine: (e, [cctx]) => e.freeConfContext(cctx),
  },
} as const satisfies Record<string, CFunction>;

/** A glue row on an SSL: `fn(ssl)` returning an int. */
const onSsl = (c: string, call: (o: OpenSSL, ssl: Ptr<'SSL'>) => number, wire?: true) =>
  ({ c, args: ['SSL'], returns: 'int', glue: (o: OpenSSL, [ssl]: CValue[]) => call(o, p(ssl)), ...(wire ? { wire } : {}) }) as const;

// ---- SSL objects step by step (SSL_new(3), SSL_do_handshake(3), SSL_get_session(3), SSL_set_verify(3), …)
const SSL_CALLS = {
  SSL_new: {
    c: 'SSL *SSL_new(SSL_CTX *ctx)', args: ['SSL_CTX'], returns: 'SSL',
    engine: (e, [ctx]) => e.ssl.create(ctx),
  },
  SSL_free: {
    c: 'void SSL_free(SSL *ssl)', args: ['SSL'], returns: 'void', frees: true,
    engine: (e, [ssl]) => e.ssl.free(ssl),
  },
  sandbox_join: {
    c: 'void sandbox_join(SSL *client, SSL *server)', args: ['SSL', 'SSL'], returns: 'void', sandbox: true,
    engine: (e, [client, server]) => e.ssl.join(client, server),
  },
  sandbox_handshake: {
    c: 'int sandbox_handshake(SSL *client, SSL *server)', args: ['SSL', 'SSL'], returns: 'int', sandbox: true,
    engine: (e, [client, server]) => e.ssl.handshake(client, server),
  },
  SSL_do_handshake: onSsl('int SSL_do_handshake(SSL *ssl)', (o, ssl) => o.glue.osb_ssl_do_handshake(ssl), true),
  // buf and num are the sandbox's (512 bytes): application data read is dropped.
  SSL_read: onSsl('int SSL_read(SSL *ssl, void *buf, int num)', (o, ssl) => o.glue.osb_ssl_read(ssl), true),
  SSL_shutdown: onSsl('int SSL_shutdown(SSL *ssl)', (o, ssl) => o.glue.osb_ssl_shutdown(ssl), true),
  SSL_get_error: {
    c: 'int SSL_get_error(const SSL *ssl, int ret)', args: ['SSL', 'int'], returns: 'int',
    engine: (e, [ssl, ret]) => e.ssl.getError(ssl, ret),
  },
  SSL_renegotiate: onSsl('int SSL_renegotiate(SSL *s)', (o, ssl) => o.glue.osb_ssl_renegotiate(ssl)),
  SSL_set_session: {
    c: 'int SSL_set_session(SSL *ssl, SSL_SESSION *session)', args: ['SSL', 'SSL_SESSION|NULL'], returns: 'int',
    glue: (o, [ssl, session]) => o.glue.osb_ssl_set_session(p(ssl), p(session)),
  },
  SSL_get_session: {
    c: 'SSL_SESSION *SSL_get_session(const SSL *ssl)', args: ['SSL'], returns: 'get0 SSL_SESSION|NULL',
    engine: (e, [ssl]) => e.ssl.session(ssl, false),
  },
  SSL_get1_session: {
    c: 'SSL_SESSION *SSL_get1_session(SSL *ssl)', args: ['SSL'], returns: 'SSL_SESSION|NULL',
    engine: (e, [ssl]) => e.ssl.session(ssl, true),
  },
  SSL_session_reused: onSsl('int SSL_session_reused(const SSL *s)', (o, ssl) => o.glue.osb_ssl_session_reused(ssl)),
  SSL_has_matching_session_id: {
    c: 'int SSL_has_matching_session_id(const SSL *s, const unsigned char *id, unsigned int id_len)', args: ['SSL', 'hex'], returns: 'int',
    glue: (o, [ssl, id]) => o.withBytes(bytes(id), (ptr, length) => o.glue.osb_ssl_has_matching_session_id(p(ssl), ptr, length)),
  },
  SSL_get_default_timeout: {
    c: 'long SSL_get_default_timeout(const SSL *s)', args: ['SSL'], returns: 'long',
    glue: (o, [ssl]) => o.glue.osb_ssl_get_default_timeout(p(ssl)),
  },
  SSL_set_session_id_context: {
    c: 'int SSL_set_session_id_context(SSL *ssl, const unsigned char *sid_ctx, unsigned int sid_ctx_len)', args: ['SSL', 'text'], returns: 'int',
    glue: (o, [ssl, id]) => o.withBytes(bytes(id), (ptr, length) => o.glue.osb_ssl_set_session_id_context(p(ssl), ptr, length)),
  },
  SSL_CTX_set_verify: {
    c: 'void SSL_CTX_set_verify(SSL_CTX *ctx, int mode, SSL_verify_cb verify_callback)', args: ['SSL_CTX', 'verify_mode', 'verify_cb'], returns: 'void',
    glue: (o, [ctx, mode]) => o.glue.osb_ctx_set_verify(p(ctx), n(mode)),
  },
  SSL_set_verify: {
    c: 'void SSL_set_verify(SSL *ssl, int mode, SSL_verify_cb verify_callback)', args: ['SSL', 'verify_mode', 'verify_cb'], returns: 'void',
    glue: (o, [ssl, mode]) => o.glue.osb_ssl_set_verify(p(ssl), n(mode)),
  },
  SSL_get_num_tickets: {
    c: 'size_t SSL_get_num_tickets(const SSL *s)', args: ['SSL'], returns: 'size_t',
    glue: (o, [ssl]) => o.glue.osb_ssl_get_num_tickets(p(ssl)),
  },
  SSL_set_num_tickets: {
    c: 'int SSL_set_num_tickets(SSL *s, size_t num_tickets)', args: ['SSL', 'size_t'], returns: 'int',
    glue: (o, [ssl, count]) => o.glue.osb_ssl_set_num_tickets(p(ssl), n(count)),
  },
  SSL_new_session_ticket: {
    c: 'int SSL_new_session_ticket(SSL *s)', args: ['SSL'], returns: 'int', since: '3.0',
    glue: (o, [ssl]) => o.glue.osb_ssl_new_session_ticket(p(ssl)),
  },
  SSL_set_session_ticket_ext: {
    c: 'int SSL_set_session_ticket_ext(SSL *s, void *ext_data, int ext_len)', args: ['SSL', 'hex'], returns: 'int',
    glue: (o, [ssl, ticket]) => o.withBytes(bytes(ticket), (ptr, length) => o.glue.osb_ssl_set_session_ticket_ext(p(ssl), ptr, length)),
  },
  SSL_CTX_get_verify_mode: {
    c: 'int SSL_CTX_get_verify_mode(const SSL_CTX *ctx)', args: ['SSL_CTX'], returns: 'verify_mode',
    glue: (o, [ctx]) => o.glue.osb_ctx_get_verify_mode(p(ctx)),
  },
  SSL_get_verify_mode: {
    c: 'int SSL_get_verify_mode(const SSL *ssl)', args: ['SSL'], returns: 'verify_mode',
    glue: (o, [ssl]) => o.glue.osb_ssl_get_verify_mode(p(ssl)),
  },
} as const satisfies Record<string, CFunction>;

export const C_API = { ...SESSION_CALLS, ...SSL_CALLS } as const satisfies Record<string, CFunction>;

export type CallName = keyof typeof C_API;
export const CALL_NAMES = Object.keys(C_API) as CallName[];

/** The row of a function, or undefined for one the table does not list. */
export function cFunction(name: string): CFunction | undefined {
  return Object.hasOwn(C_API, name) ? (C_API as Record<string, CFunction>)[name] : undefined;
}

/** How many arguments a function takes: at least `min` (its optional ones trail), at most `max`. */
export function arity(fn: CFunction): { min: number; max: number } {
  return { min: fn.args.filter((k) => !k.endsWith('?')).length, max: fn.args.length };
}

/** The C parameter each argument stands for (`long t`), for messages; bytes and their length are one argument. */
export function parameters(fn: CFunction): string[] {
  // The list after the function's name, split at its own commas (a callback parameter has a list of its own).
  const open = fn.c.search(/\w\(/) + 1;
  const params: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < fn.c.length; i++) {
    const ch = fn.c[i];
    if (ch === '(') depth++;
    if (ch === ')' && --depth === 0) {
      params.push(fn.c.slice(start, i).trim());
      break;
    }
    if (ch === ',' && depth === 1) {
      params.push(fn.c.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (params.length === 1 && (params[0] === 'void' || params[0] === '')) params.pop();
  const out: string[] = [];
  let at = 0;
  for (const kind of fn.args) {
    out.push(params[at] ?? kind);
    at += kind === 'hex' || kind === 'text' || kind === 'der' ? 2 : 1;
  }
  return out;
}

/**
 * A mask as C code writes it: the named flags it holds (composite ones as their parts), then any
 * bits no name covers, in hex. 0 is the family's zero flag where it has one (else 0). `constants` are the
 * variant's (OpenSSL.constants()).
 */
export function flagExpression(kind: FlagKind, bits: number, constants: Readonly<Record<string, number>>): string {
  const names = flagNames(kind, bits, constants);
  return names.length ? names.join(' | ') : '0';
}

/**
 * The names of the flags a mask holds, lowest bit first, composite ones (SSL_SESS_CACHE_BOTH) as their
 * parts; unnamed bits as hex. Where two names share a bit (SSL_OP_NO_TLSv1 and SSL_OP_NO_DTLSv1), the TLS one:
 * the sandbox's connections are TLS.
 */
export function flagNames(kind: FlagKind, bits: number, constants: Readonly<Record<string, number>>): string[] {
  const table = Object.entries(flagTable(constants, kind))
    .sort(([a, x], [b, y]) => x - y || Number(a.includes('DTLS')) - Number(b.includes('DTLS')));
  if (bits === 0) {
    // The family's zero flag (SSL_SESS_CACHE_OFF, SSL_VERIFY_NONE); SSL_OP_* has a dozen retired ones at 0, which name nothing.
    const zero = table.filter(([, bit]) => bit === 0);
    return zero.length === 1 ? [zero[0][0]] : [];
  }
  const single = table.filter(([, bit], i) => bit !== 0 && (bit & (bit - 1)) === 0 && table.findIndex(([, other]) => other === bit) === i);
  const names = single.filter(([, bit]) => bits % (2 * bit) >= bit).map(([name]) => name);
  const rest = single.reduce((left, [, bit]) => (left % (2 * bit) >= bit ? left - bit : left), bits);
  return rest ? [...names, `0x${rest.toString(16)}`] : names;
}

/** A protocol version as C code writes it: TLS1_2_VERSION, or the number. */
export function versionExpression(version: number): string {
  const name = protocolName(version);
  return name in PROTOCOL_VERSIONS ? name.replace('TLSv', 'TLS').replace('.', '_') + '_VERSION' : String(version);
}

/** A call's arguments after checking: as the glue takes them, as C code shows them, and as given (for engine rows). */
export interface CheckedCall {
  values: CValue[];
  shown: string[];
  given: unknown[];
}

const INT32 = [-0x80000000, 0x7fffffff] as const;
const TIME = [-(2 ** 53), 2 ** 53] as const;

/**
 * Checks a call's arguments against its row before any C runs: their number, and each one's
 * kind (a live object of the right type, a whole number C can receive, a mask, bytes).
 * `pointer` resolves a handle to its object (it throws a HandleError for a freed, foreign or
 * wrong-kind handle, which is re-raised naming the argument). `constants` are this OpenSSL's
 * (OpenSSL.constants()): a flag name is any of its constants of that mask's family, at its value.
 */
export function checkArguments(
  name: string, fn: CFunction, args: unknown[], pointer: (ref: unknown, kind: 'SSL_CTX' | 'SSL_SESSION' | 'SSL' | 'SSL_CONF_CTX', freeing: boolean) => number,
  constants: Readonly<Record<string, number>>,
): CheckedCall {
  const params = parameters(fn);
  const { min, max } = arity(fn);
  if (args.length < min || args.length > max) {
    const takes = min === max ? `${max}` : `${min} to ${max}`;
    throw new CallError('ARITY', name, `${takes} argument${max === 1 ? '' : 's'}`,
      `${name} takes ${takes} argument${max === 1 ? '' : 's'} (${params.join(', ') || 'void'}), got ${args.length}`);
  }
  const checked: CheckedCall = { values: [], shown: [], given: [] };
  fn.args.forEach((kind, i) => {
    const value = args[i];
    const wrong = (expected: string): never => {
      throw new CallError('ARGUMENT', name, expected,
        `${name} argument ${i + 1} (${params[i]}): expected ${expected}, got ${describeValue(value)}`, i + 1);
    };
    if (value === undefined && kind.endsWith('?')) return;
    checked.given.push(value);
    switch (kind) {
      case 'SSL_CTX': case 'SSL_SESSION': case 'SSL_SESSION|NULL': case 'SSL': case 'SSL_CONF_CTX': {
        if (value === null && kind === 'SSL_SESSION|NULL') {
          checked.values.push(0);
          checked.shown.push('NULL');
          return;
        }
        const type = kind === 'SSL_SESSION|NULL' ? 'SSL_SESSION' : kind;
        if (value === null || typeof value !== 'object') wrong(`an ${type}${kind.endsWith('NULL') ? ' or NULL' : ''}`);
        try {
          checked.values.push(pointer(value, type, i === 0 && fn.frees === true));
        } catch (error) {
          if (!(error instanceof HandleError)) throw error;
          throw new HandleError(error.problem, `${name} argument ${i + 1} (${params[i]}): ${error.message}`);
        }
        checked.shown.push((value as { name: string }).name);
        return;
      }
      case 'int': case 'long': case 'size_t': case 'time_t': case 'time_t?': {
        const [lo, hi] = kind.startsWith('time_t') ? TIME : INT32;
        if (typeof value !== 'number' || !Number.isInteger(value)) wrong('a whole number');
        if ((value as number) < lo || (value as number) > hi) {
          wrong(`a whole number from ${lo} to ${hi} (${kind.startsWith('time_t') ? 'exact in a double' : `${kind} is 32 bits in WebAssembly`})`);
        }
        checked.values.push(value as number);
        checked.shown.push(String(value));
        return;
      }
      case 'cache_mode': case 'options': case 'verify_mode': case 'conf_flags': {
        // The mask's flags as this OpenSSL's headers define them.
        const table = flagTable(constants, kind);
        let bits = 0;
        if (Array.isArray(value)) {
          for (const flag of value) {
            if (typeof flag !== 'string' || !Object.hasOwn(table, flag)) {
              wrong(`flag names this OpenSSL defines (${Object.keys(table).join(', ')}) or a number`);
            }
            bits = orBits(bits, table[flag as string]);
          }
        } else if (typeof value === 'number' && Number.isInteger(value)
          && (kind === 'options' ? value >= 0 && value < 2 ** 53 : kind === 'conf_flags' ? value >= 0 && value <= 0xffffffff : value >= INT32[0] && value <= INT32[1])) {
          bits = value;
        } else {
          wrong({
            options: 'flag names or a number from 0 to 2^53 (uint64_t, exact in a double)',
            conf_flags: 'flag names or a number from 0 to 2^32 - 1 (unsigned int)',
            cache_mode: 'flag names or a 32-bit whole number (long)',
            verify_mode: 'flag names or a 32-bit whole number (int)',
          }[kind]);
        }
        checked.values.push(bits);
        checked.shown.push(bits < 0 ? String(bits) : flagExpression(kind, bits, constants));
        return;
      }
      case 'version': {
        const version = typeof value === 'string' && Object.hasOwn(PROTOCOL_VERSIONS, value)
          ? PROTOCOL_VERSIONS[value as keyof typeof PROTOCOL_VERSIONS] : value;
        if (typeof version !== 'number' || !Number.isInteger(version) || version < INT32[0] || version > INT32[1]) {
          wrong(`a protocol version (${Object.keys(PROTOCOL_VERSIONS).join(', ')}) or a 32-bit whole number`);
        }
        checked.values.push(version as number);
        checked.shown.push(versionExpression(version as number));
        return;
      }
      case 'hex': case 'text': {
        const data = typeof value !== 'string' ? undefined : kind === 'hex' ? fromHex(value) : new TextEncoder().encode(value);
        if (!data) wrong(kind === 'hex' ? 'bytes as hex digits' : 'a string');
        checked.values.push(data!);
        checked.shown.push(JSON.stringify(value), String(data!.length));
        return;
      }
      case 'uint32_t':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) wrong('a whole number from 0 to 4294967295 (uint32_t)');
        checked.values.push(value as number);
        checked.shown.push(String(value));
        return;
      case 'string':
        if (typeof value !== 'string') wrong('a string');
        if ((value as string).includes('\0')) wrong('a string without NUL characters (C would end it at the first)');
        checked.values.push(value as string);
        checked.shown.push(JSON.stringify(value));
        return;
      case 'der':
        if (!(value instanceof Uint8Array)) wrong('DER bytes (the result of i2d_SSL_SESSION)');
        checked.values.push(value as Uint8Array);
        checked.shown.push('&der', String((value as Uint8Array).length));
        return;
      case 'verify_cb':
        if (value !== null) wrong('null (NULL: OpenSSL\'s own verification; the sandbox has no verification callbacks)');
        checked.values.push(0);
        checked.shown.push('NULL');
        return;
      case 'new_cb':
        if (value !== null && !(['keep', 'decline', 'free'] as unknown[]).includes(value) && !storeChoice(value)) wrong(`'keep', 'decline', 'free', ${STORE_CHOICE} or null`);
        return;
      case 'remove_cb':
        if (value !== null && value !== 'forget' && !storeChoice(value)) wrong(`'forget', ${STORE_CHOICE} or null`);
        checked.given[checked.given.length - 1] = storeChoice(value) ? value : value === 'forget';
        return;
      case 'get_cb': {
        if (value === null || storeChoice(value)) return;
        const spec = (typeof value === 'object' && !('kind' in value) ? value : { answer: value }) as { answer?: unknown; copy?: unknown };
        const { answer, copy = 1 } = spec;
        const expected = `'store', 'null', a session, { answer, copy: 0 or 1 } or ${STORE_CHOICE}`;
        if (copy !== 0 && copy !== 1) wrong(expected);
        if (answer !== 'store' && answer !== 'null') {
          if (answer === null || typeof answer !== 'object') wrong(expected);
          try {
            pointer(answer, 'SSL_SESSION', false);
          } catch (error) {
            if (!(error instanceof HandleError)) throw error;
            throw new HandleError(error.problem, `${name} argument ${i + 1} (${params[i]}): the answer: ${error.message}`);
          }
        }
        checked.given[checked.given.length - 1] = { answer, copy };
      }
    }
  });
  return checked;
}

const STORE_CHOICE = '{ store: name } (a named external store: letters, digits, _ . -, at most 64)';
/** `{ store: name }` with a name that C can carry as a plain string literal. */
const storeChoice = (value: unknown) => isStoreChoice(value) && /^[A-Za-z0-9_.-]{1,64}$/.test(value.store);

/** a | b for masks up to 2^53 (JavaScript's | works on 32 bits). */
function orBits(a: number, b: number): number {
  let out = 0;
  for (let bit = 1; bit <= Math.max(a, b); bit *= 2) if (a % (2 * bit) >= bit || b % (2 * bit) >= bit) out += bit;
  return out;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === 'object' && typeof (value as { kind?: unknown }).kind === 'string' && typeof (value as { name?: unknown }).name === 'string') {
    return `${(value as { name: string }).name} (an ${(value as { kind: string }).kind})`;
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}

/** Whether an OpenSSL version text ('OpenSSL 3.0.20 …') is at least `since` ('3.3'). */
export function hasSince(version: string, since: string): boolean {
  const [major = 0, minor = 0] = (version.match(/(\d+)\.(\d+)/) ?? []).slice(1).map(Number);
  const [wantMajor, wantMinor] = since.split('.').map(Number);
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
}

/** Why a session function of OpenSSL's headers has no row, by what it needs. */
const WHY_NOT: [RegExp, string][] = [
  [/_(ex_data|ex_new_index|app_data)$/, 'an application data slot (ex_data): it holds the application\'s own pointers, which a scenario has none of'],
  [/^SSL_CTX_sessions$/, 'returns OpenSSL\'s hash table of the cache itself: Context.cachedSessions() and cache expectations list it'],
  [/_cb$/, 'takes a C function: only the new, remove and get session callbacks have behaviours a scenario can choose'],
  [/print/, 'writes text to a BIO or a FILE: Session.print() gives SSL_SESSION_print\'s text'],
  [/_get0_peer/, 'returns the peer\'s certificate or raw public key (X509, EVP_PKEY): the sandbox\'s clients present none, and scenarios have no such values'],
  [/_cipher$/, 'an SSL_CIPHER (a pointer into OpenSSL\'s cipher table), which scenarios cannot name: Session.info().cipher gives its name'],
  [/^SSL_SESSION_get0_hostname$/, 'returns a C string or NULL: the table\'s results have no kind for text that may be NULL yet'],
  [/_get_tlsext_ticket_keys$/, 'copies the context\'s ticket keys (name, HMAC and AES keys) into a buffer whose length the caller must pass exactly: secret keys, and no row yet'],
];

/** Whether a session function of a variant's headers can be called (it has a row of the table), or why not. */
export function callability(name: string): { callable: true } | { callable: false; reason: string } {
  if (cFunction(name)) return { callable: true };
  return { callable: false, reason: WHY_NOT.find(([pattern]) => pattern.test(name))?.[1] ?? 'no row in the C API table (src/sandbox/c-api.ts) yet' };
}
