/* SSL_CTX: creation and the settings OpenSSL offers only as macros (SSL_CTX_ctrl). */
#include "glue.h"

/** SSL_CTX_new(TLS_client_method() or TLS_server_method()); a server gets the sandbox certificate of `key_type`. NULL on failure. */
OSB_EXPORT SSL_CTX *osb_ctx_new(int role, int key_type) {
  SSL_CTX *ctx = SSL_CTX_new(role == OSB_SERVER ? TLS_server_method() : TLS_client_method());
  if (!ctx) return NULL;
  if (role == OSB_SERVER && !osb_keys_install(ctx, key_type)) {
    SSL_CTX_free(ctx);
    return NULL;
  }
  /* The sandbox certificate is self-signed: the client does not verify it. */
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
  /* Secrets go to the trace's key log, so that captures can be decrypted. */
  osb_keylog_ctx(ctx);
  return ctx;
}

/** SSL_CTX_free */
OSB_EXPORT void osb_ctx_free(SSL_CTX *ctx) {
  SSL_CTX_free(ctx);
}

/** SSL_CTX_set_min_proto_version (0: lowest supported). Returns 1 or 0. */
OSB_EXPORT int osb_ctx_set_min_proto_version(SSL_CTX *ctx, int version) {
  return SSL_CTX_set_min_proto_version(ctx, version);
}

/** SSL_CTX_set_max_proto_version (0: highest supported). Returns 1 or 0. */
OSB_EXPORT int osb_ctx_set_max_proto_version(SSL_CTX *ctx, int version) {
  return SSL_CTX_set_max_proto_version(ctx, version);
}

/** SSL_CTX_get_min_proto_version */
OSB_EXPORT int osb_ctx_get_min_proto_version(SSL_CTX *ctx) {
  return SSL_CTX_get_min_proto_version(ctx);
}

/** SSL_CTX_get_max_proto_version */
OSB_EXPORT int osb_ctx_get_max_proto_version(SSL_CTX *ctx) {
  return SSL_CTX_get_max_proto_version(ctx);
}

/** SSL_CTX_set_options; options travel as a double, exact for every flag below 2^53. Returns the new options. */
OSB_EXPORT double osb_ctx_set_options(SSL_CTX *ctx, double options) {
  return (double)SSL_CTX_set_options(ctx, (uint64_t)options);
}

/** SSL_CTX_clear_options. Returns the new options. */
OSB_EXPORT double osb_ctx_clear_options(SSL_CTX *ctx, double options) {
  return (double)SSL_CTX_clear_options(ctx, (uint64_t)options);
}

/** SSL_CTX_get_options */
OSB_EXPORT double osb_ctx_get_options(SSL_CTX *ctx) {
  return (double)SSL_CTX_get_options(ctx);
}

/** SSL_CTX_set_session_cache_mode. Returns the previous mode. */
OSB_EXPORT int osb_ctx_set_session_cache_mode(SSL_CTX *ctx, int mode) {
  return (int)SSL_CTX_set_session_cache_mode(ctx, mode);
}

/** SSL_CTX_get_session_cache_mode */
OSB_EXPORT int osb_ctx_get_session_cache_mode(SSL_CTX *ctx) {
  return (int)SSL_CTX_get_session_cache_mode(ctx);
}

/** SSL_CTX_sess_set_cache_size. Returns the previous size. */
OSB_EXPORT int osb_ctx_sess_set_cache_size(SSL_CTX *ctx, int size) {
  return (int)SSL_CTX_sess_set_cache_size(ctx, size);
}

/** SSL_CTX_sess_get_cache_size */
OSB_EXPORT int osb_ctx_sess_get_cache_size(SSL_CTX *ctx) {
  return (int)SSL_CTX_sess_get_cache_size(ctx);
}

/** SSL_CTX_set_timeout (seconds). Returns the previous timeout. */
OSB_EXPORT int osb_ctx_set_timeout(SSL_CTX *ctx, int seconds) {
  return (int)SSL_CTX_set_timeout(ctx, seconds);
}

/** SSL_CTX_get_timeout (seconds) */
OSB_EXPORT int osb_ctx_get_timeout(SSL_CTX *ctx) {
  return (int)SSL_CTX_get_timeout(ctx);
}

/** SSL_CTX_set_session_id_context. Returns 1 or 0 (longer than 32 bytes). */
OSB_EXPORT int osb_ctx_set_session_id_context(SSL_CTX *ctx, const unsigned char *sid_ctx, int length) {
  return SSL_CTX_set_session_id_context(ctx, sid_ctx, (unsigned int)length);
}

/** SSL_CTX_set_num_tickets (TLS 1.3 tickets sent after a full handshake). Returns 1 or 0. */
OSB_EXPORT int osb_ctx_set_num_tickets(SSL_CTX *ctx, int count) {
  return SSL_CTX_set_num_tickets(ctx, (size_t)count);
}

/** SSL_CTX_get_num_tickets */
OSB_EXPORT int osb_ctx_get_num_tickets(SSL_CTX *ctx) {
  return (int)SSL_CTX_get_num_tickets(ctx);
}

/** SSL_CTX_set_ciphersuites (TLS 1.3). Returns 1 or 0. */
OSB_EXPORT int osb_ctx_set_ciphersuites(SSL_CTX *ctx, const char *list) {
  return SSL_CTX_set_ciphersuites(ctx, list);
}

/** SSL_CTX_set_cipher_list (TLS 1.2 and below). Returns 1 or 0. */
OSB_EXPORT int osb_ctx_set_cipher_list(SSL_CTX *ctx, const char *list) {
  return SSL_CTX_set_cipher_list(ctx, list);
}

/** SSL_CTX_set1_groups_list. Returns 1 or 0. */
OSB_EXPORT int osb_ctx_set1_groups_list(SSL_CTX *ctx, const char *list) {
  return (int)SSL_CTX_set1_groups_list(ctx, list);
}

/** SSL_CTX_sess_number: sessions in the internal cache. */
OSB_EXPORT int osb_ctx_sess_number(SSL_CTX *ctx) {
  return (int)SSL_CTX_sess_number(ctx);
}

/** One SSL_CTX_sess_* counter, by its position in COUNTERS (src/core/constants.ts). -1 for an unknown position. */
OSB_EXPORT int osb_ctx_sess_counter(SSL_CTX *ctx, int which) {
  switch (which) {
    case 0: return (int)SSL_CTX_sess_connect(ctx);
    case 1: return (int)SSL_CTX_sess_connect_good(ctx);
    case 2: return (int)SSL_CTX_sess_connect_renegotiate(ctx);
    case 3: return (int)SSL_CTX_sess_accept(ctx);
    case 4: return (int)SSL_CTX_sess_accept_good(ctx);
    case 5: return (int)SSL_CTX_sess_accept_renegotiate(ctx);
    case 6: return (int)SSL_CTX_sess_hits(ctx);
    case 7: return (int)SSL_CTX_sess_cb_hits(ctx);
    case 8: return (int)SSL_CTX_sess_misses(ctx);
    case 9: return (int)SSL_CTX_sess_timeouts(ctx);
    case 10: return (int)SSL_CTX_sess_cache_full(ctx);
    default: return -1;
  }
}

/** SSL_CTX_flush_sessions: removes the sessions that have expired at `now` (seconds since the epoch). */
OSB_EXPORT void osb_ctx_flush_sessions(SSL_CTX *ctx, double now) {
  SSL_CTX_flush_sessions_ex(ctx, (time_t)now);
}

struct listing { SSL_SESSION **out; int capacity; int count; };

static void list_one(void *session, void *arg) {
  struct listing *l = arg;
  if (l->count < l->capacity) l->out[l->count] = session;
  l->count++;
}

/** The internal cache's sessions (SSL_CTX_sessions): writes up to `capacity` pointers to `out`, returns how many there are. */
OSB_EXPORT int osb_ctx_list_sessions(SSL_CTX *ctx, SSL_SESSION **out, int capacity) {
  struct listing l = { out, capacity, 0 };
  OPENSSL_LH_doall_arg((OPENSSL_LHASH *)SSL_CTX_sessions(ctx), list_one, &l);
  return l.count;
}

/** Whether this very SSL_SESSION object is in the context's internal cache: one lookup by its id in SSL_CTX_sessions. */
OSB_EXPORT int osb_ctx_holds_session(SSL_CTX *ctx, SSL_SESSION *session) {
  return OPENSSL_LH_retrieve((OPENSSL_LHASH *)SSL_CTX_sessions(ctx), session) == session;
}
