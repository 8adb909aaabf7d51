// Values of OpenSSL's public constants (include/openssl/ssl.h, tls1.h, prot_ver.h), by
// their OpenSSL names, so that callers and traces speak OpenSSL's language.

export const PROTOCOL_VERSIONS = {
  'TLSv1': 0x0301,
  'TLSv1.1': 0x0302,
  'TLSv1.2': 0x0303,
  'TLSv1.3': 0x0304,
} as const;
export type ProtocolVersion = keyof typeof PROTOCOL_VERSIONS;

export const SESSION_CACHE_MODES = {
  SSL_SESS_CACHE_OFF: 0x0000,
  SSL_SESS_CACHE_CLIENT: 0x0001,
  SSL_SESS_CACHE_SERVER: 0x0002,
  SSL_SESS_CACHE_BOTH: 0x0003,
  SSL_SESS_CACHE_NO_AUTO_CLEAR: 0x0080,
  SSL_SESS_CACHE_NO_INTERNAL_LOOKUP: 0x0100,
  SSL_SESS_CACHE_NO_INTERNAL_STORE: 0x0200,
  SSL_SESS_CACHE_NO_INTERNAL: 0x0300,
  SSL_SESS_CACHE_UPDATE_TIME: 0x0400,
} as const;
export type SessionCacheMode = keyof typeof SESSION_CACHE_MODES;

/** The SSL_OP_* options that change what happens to sessions. */
export const OPTIONS = {
  SSL_OP_NO_EXTENDED_MASTER_SECRET: 1 << 0,
  SSL_OP_ALLOW_NO_DHE_KEX: 1 << 10,
  SSL_OP_NO_TICKET: 1 << 14,
  SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION: 1 << 16,
  SSL_OP_NO_COMPRESSION: 1 << 17,
  SSL_OP_ENABLE_MIDDLEBOX_COMPAT: 1 << 20,
  SSL_OP_PRIORITIZE_CHACHA: 1 << 21,
  SSL_OP_CIPHER_SERVER_PREFERENCE: 1 << 22,
  SSL_OP_NO_ANTI_REPLAY: 1 << 24,
  SSL_OP_NO_TLSv1_2: 1 << 27,
  SSL_OP_NO_TLSv1_3: 1 << 29,
} as const;
export type SslOption = keyof typeof OPTIONS;

/** The SSL_VERIFY_* modes of SSL_CTX_set_verify and SSL_set_verify. */
export const VERIFY_MODES = {
  SSL_VERIFY_NONE: 0x00,
  SSL_VERIFY_PEER: 0x01,
  SSL_VERIFY_FAIL_IF_NO_PEER_CERT: 0x02,
  SSL_VERIFY_CLIENT_ONCE: 0x04,
  SSL_VERIFY_POST_HANDSHAKE: 0x08,
} as const;
export type VerifyMode = keyof typeof VERIFY_MODES;

/** SSL_CONF_CTX_set_flags(3): where commands come from (a file or a command line) and what they may configure. */
export const SSL_CONF_FLAGS = {
  SSL_CONF_FLAG_CMDLINE: 0x1,
  SSL_CONF_FLAG_FILE: 0x2,
  SSL_CONF_FLAG_CLIENT: 0x4,
  SSL_CONF_FLAG_SERVER: 0x8,
  SSL_CONF_FLAG_SHOW_ERRORS: 0x10,
  SSL_CONF_FLAG_CERTIFICATE: 0x20,
  SSL_CONF_FLAG_REQUIRE_PRIVATE: 0x40,
} as const;
export type SslConfFlag = keyof typeof SSL_CONF_FLAGS;

/** The SSL_CTX_sess_* statistics counters, in the order osb_ctx_sess_counter numbers them. */
export const COUNTERS = [
  'connect', 'connect_good', 'connect_renegotiate', 'accept', 'accept_good', 'accept_renegotiate',
  'hits', 'cb_hits', 'misses', 'timeouts', 'cache_full',
] as const;
export type Counter = typeof COUNTERS[number];

/** Sides of a connection, as the glue numbers them. */
export const SIDES = { client: 0, server: 1 } as const;
export type Side = keyof typeof SIDES;

/** SSL_get_error values that the glue returns negated. */
export const SSL_ERROR = {
  SSL_ERROR_SSL: 1, SSL_ERROR_WANT_READ: 2, SSL_ERROR_WANT_WRITE: 3, SSL_ERROR_SYSCALL: 5, SSL_ERROR_ZERO_RETURN: 6,
} as const;

export const KEY_TYPES = { 'ec-p256': 0, 'rsa-2048': 1 } as const;
export type KeyType = keyof typeof KEY_TYPES;

const PROTOCOL_NAMES = new Map<number, string>(Object.entries(PROTOCOL_VERSIONS).map(([name, v]) => [v, name]));

export function protocolName(version: number): string {
  return PROTOCOL_NAMES.get(version) ?? `0x${version.toString(16)}`;
}
