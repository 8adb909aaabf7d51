// OpenSSL's public constants (include/openssl/ssl.h, tls1.h, prov_ssl.h) by their OpenSSL names,
// so that callers and traces speak OpenSSL's language.

export const PROTOCOL_VERSIONS = {
  'TLSv1': 0x0301,
  'TLSv1.1': 0x0302,
  'TLSv1.2': 0x0303,
  'TLSv1.3': 0x0304,
} as const;
export type ProtocolVersion = keyof typeof PROTOCOL_VERSIONS;

// The flags below are named, not valued: a variant's values are its own headers' (OpenSSL.constants(),
// compiled from them by scripts/lib/constants.mjs), and a name it lacks is refused there.

/** The SSL_SESS_CACHE_* flags of SSL_CTX_set_session_cache_mode(3) (UPDATE_TIME from 3.0). */
export const SESSION_CACHE_MODES = [
  'SSL_SESS_CACHE_OFF', 'SSL_SESS_CACHE_CLIENT', 'SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_BOTH', 'SSL_SESS_CACHE_NO_AUTO_CLEAR',
  'SSL_SESS_CACHE_NO_INTERNAL_LOOKUP', 'SSL_SESS_CACHE_NO_INTERNAL_STORE', 'SSL_SESS_CACHE_NO_INTERNAL', 'SSL_SESS_CACHE_UPDATE_TIME',
] as const;
export type SessionCacheMode = typeof SESSION_CACHE_MODES[number];

/** The SSL_OP_* options that change what happens to sessions (SSL_OP_NO_EXTENDED_MASTER_SECRET from 3.0). */
export const OPTIONS = [
  'SSL_OP_NO_EXTENDED_MASTER_SECRET', 'SSL_OP_ALLOW_NO_DHE_KEX', 'SSL_OP_NO_TICKET', 'SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION',
  'SSL_OP_NO_COMPRESSION', 'SSL_OP_ENABLE_MIDDLEBOX_COMPAT', 'SSL_OP_PRIORITIZE_CHACHA', 'SSL_OP_CIPHER_SERVER_PREFERENCE',
  'SSL_OP_NO_ANTI_REPLAY', 'SSL_OP_NO_TLSv1_2', 'SSL_OP_NO_TLSv1_3',
] as const;
export type SslOption = typeof OPTIONS[number];

/** The SSL_VERIFY_* modes of SSL_CTX_set_verify and SSL_set_verify. */
export const VERIFY_MODES = [
  'SSL_VERIFY_NONE', 'SSL_VERIFY_PEER', 'SSL_VERIFY_FAIL_IF_NO_PEER_CERT', 'SSL_VERIFY_CLIENT_ONCE', 'SSL_VERIFY_POST_HANDSHAKE',
] as const;
export type VerifyMode = typeof VERIFY_MODES[number];

/** SSL_CONF_CTX_set_flags(3): where commands come from (a file or a command line) and what they may configure. */
export const SSL_CONF_FLAGS = [
  'SSL_CONF_FLAG_CMDLINE', 'SSL_CONF_FLAG_FILE', 'SSL_CONF_FLAG_CLIENT', 'SSL_CONF_FLAG_SERVER', 'SSL_CONF_FLAG_SHOW_ERRORS',
  'SSL_CONF_FLAG_CERTIFICATE', 'SSL_CONF_FLAG_REQUIRE_PRIVATE',
] as const;
export type SslConfFlag = typeof SSL_CONF_FLAGS[number];

/** The prefix that names each flag mask's family among a variant's constants: every constant of it may be named in a C call. */
export const FLAG_FAMILIES = { cache_mode: 'SSL_SESS_CACHE_', options: 'SSL_OP_', verify_mode: 'SSL_VERIFY_', conf_flags: 'SSL_CONF_FLAG_' } as const;
export type FlagKind = keyof typeof FLAG_FAMILIES;

/** A mask kind's flags among a variant's constants (OpenSSL.constants()), by name. */
export function flagTable(constants: Readonly<Record<string, number>>, kind: FlagKind): Record<string, number> {
  return Object.fromEntries(Object.entries(constants).filter(([name]) => name.startsWith(FLAG_FAMILIES[kind])));
}

/** The SSL_CTX_sess_* statistics counters, in the order osb_ctx_sess_counter numbers them. */
export const COUNTERS = [
  'connect', 'connect_good', 'connect_renegotiate', 'accept', 'accept_good', 'accept_renegotiate',
  'hits', 'cb_hits', 'misses', 'timeouts', 'cache_full',
] as const;
export type Counter = typeof COUNTERS[number];

/** Sides of a connection, as the glue numbers them. */
export const SIDES = { client: 0, server: 1 } as const;
export type Side = keyof typeof SIDES;

export const KEY_TYPES = { 'ec-p256': 0, 'rsa-2048': 1 } as const;
export type KeyType = keyof typeof KEY_TYPES;

const PROTOCOL_NAMES = new Map<number, string>(Object.entries(PROTOCOL_VERSIONS).map(([name, v]) => [v, name]));

export function protocolName(version: number): string {
  return PROTOCOL_NAMES.get(version) ?? `0x${version.toString(16)}`;
}
