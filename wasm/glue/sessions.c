/* SSL_SESSION objects and the session cache calls of the manual page SSL_CTX_add_session(3). */
#include <string.h>
#include "glue.h"

/** SSL_CTX_add_session. Returns 1, or 0 when the identical object is already cached. */
OSB_EXPORT int osb_ctx_add_session(SSL_CTX *ctx, SSL_SESSION *session) {
  return SSL_CTX_add_session(ctx, session);
}

/** SSL_CTX_remove_session. Returns 1, or 0 when the session was not in the cache. */
OSB_EXPORT int osb_ctx_remove_session(SSL_CTX *ctx, SSL_SESSION *session) {
  return SSL_CTX_remove_session(ctx, session);
}

/** SSL_SESSION_new */
OSB_EXPORT SSL_SESSION *osb_session_new(void) {
  return SSL_SESSION_new();
}

/** SSL_SESSION_free: drops one reference. */
OSB_EXPORT void osb_session_free(SSL_SESSION *session) {
  SSL_SESSION_free(session);
}

/** SSL_SESSION_up_ref: takes one more reference. Returns 1 or 0. */
OSB_EXPORT int osb_session_up_ref(SSL_SESSION *session) {
  return SSL_SESSION_up_ref(session);
}

/** SSL_SESSION_get_id: copies the id (at most 32 bytes) to `out`; returns its length. */
OSB_EXPORT int osb_session_get_id(SSL_SESSION *session, unsigned char *out) {
  unsigned int length = 0;
  const unsigned char *id = SSL_SESSION_get_id(session, &length);
  memcpy(out, id, length);
  return (int)length;
}

/** SSL_SESSION_set1_id. Returns 1 or 0 (longer than 32 bytes). */
OSB_EXPORT int osb_session_set1_id(SSL_SESSION *session, const unsigned char *id, int length) {
  return SSL_SESSION_set1_id(session, id, (unsigned int)length);
}

/** SSL_SESSION_get0_id_context: copies the id context (at most 32 bytes) to `out`; returns its length. */
OSB_EXPORT int osb_session_get_id_context(SSL_SESSION *session, unsigned char *out) {
  unsigned int length = 0;
  const unsigned char *id = SSL_SESSION_get0_id_context(session, &length);
  memcpy(out, id, length);
  return (int)length;
}

/** SSL_SESSION_set1_id_context. Returns 1 or 0 (longer than 32 bytes). */
OSB_EXPORT int osb_session_set1_id_context(SSL_SESSION *session, const unsigned char *id, int length) {
  return SSL_SESSION_set1_id_context(session, id, (unsigned int)length);
}

/** SSL_SESSION_get_protocol_version */
OSB_EXPORT int osb_session_get_protocol_version(SSL_SESSION *session) {
  return SSL_SESSION_get_protocol_version(session);
}

/** SSL_SESSION_set_protocol_version. Returns 1 or 0. */
OSB_EXPORT int osb_session_set_protocol_version(SSL_SESSION *session, int version) {
  return SSL_SESSION_set_protocol_version(session, version);
}

/** SSL_CIPHER_get_name(SSL_SESSION_get0_cipher()): "" when none. */
OSB_EXPORT const char *osb_session_get_cipher_name(SSL_SESSION *session) {
  const SSL_CIPHER *cipher = SSL_SESSION_get0_cipher(session);
  return cipher ? SSL_CIPHER_get_name(cipher) : "";
}

/** SSL_SESSION_get_time (seconds since the epoch). */
OSB_EXPORT double osb_session_get_time(SSL_SESSION *session) {
  return (double)SSL_SESSION_get_time_ex(session);
}

/** SSL_SESSION_set_time: returns what OpenSSL returns, the time set (0 on failure), though the manual says 1. */
OSB_EXPORT double osb_session_set_time(SSL_SESSION *session, double seconds) {
  return (double)SSL_SESSION_set_time_ex(session, (time_t)seconds);
}

/** SSL_SESSION_get_timeout (seconds) */
OSB_EXPORT int osb_session_get_timeout(SSL_SESSION *session) {
  return (int)SSL_SESSION_get_timeout(session);
}

/** SSL_SESSION_set_timeout. Returns 1 or 0. */
OSB_EXPORT int osb_session_set_timeout(SSL_SESSION *session, int seconds) {
  return (int)SSL_SESSION_set_timeout(session, seconds);
}

/** SSL_SESSION_is_resumable */
OSB_EXPORT int osb_session_is_resumable(SSL_SESSION *session) {
  return SSL_SESSION_is_resumable(session);
}

/** SSL_SESSION_has_ticket */
OSB_EXPORT int osb_session_has_ticket(SSL_SESSION *session) {
  return SSL_SESSION_has_ticket(session);
}

/** SSL_SESSION_get_ticket_lifetime_hint (seconds) */
OSB_EXPORT double osb_session_get_ticket_lifetime_hint(SSL_SESSION *session) {
  return (double)SSL_SESSION_get_ticket_lifetime_hint(session);
}

/** SSL_SESSION_dup: a new object with the same contents (and the same id), or NULL. */
OSB_EXPORT SSL_SESSION *osb_session_dup(SSL_SESSION *session) {
  return SSL_SESSION_dup(session);
}

/** i2d_SSL_SESSION: the DER length; the bytes are written to `out` only when `capacity` suffices. */
OSB_EXPORT int osb_session_i2d(SSL_SESSION *session, unsigned char *out, int capacity) {
  int length = i2d_SSL_SESSION(session, NULL);
  if (length > 0 && length <= capacity) i2d_SSL_SESSION(session, &out);
  return length;
}

/** d2i_SSL_SESSION: a new session parsed from `length` DER bytes, or NULL. */
OSB_EXPORT SSL_SESSION *osb_session_d2i(const unsigned char *bytes, int length) {
  return d2i_SSL_SESSION(NULL, &bytes, length);
}

/** SSL_SESSION_print: the session as OpenSSL describes it in text; "" on failure. */
OSB_EXPORT const char *osb_session_print(SSL_SESSION *session) {
  BIO *bio = BIO_new(BIO_s_mem());
  return osb_bio_text(bio, bio && SSL_SESSION_print(bio, session));
}

/** SSL_SESSION_set1_master_key */
OSB_EXPORT int osb_session_set1_master_key(SSL_SESSION *s, const unsigned char *key, int length) {
  return SSL_SESSION_set1_master_key(s, key, (size_t)length);
}

/** SSL_SESSION_set1_hostname */
OSB_EXPORT int osb_session_set1_hostname(SSL_SESSION *s, const char *hostname) {
  return SSL_SESSION_set1_hostname(s, hostname);
}

/** SSL_SESSION_get_max_fragment_length */
OSB_EXPORT int osb_session_get_max_fragment_length(SSL_SESSION *s) {
  return SSL_SESSION_get_max_fragment_length(s);
}

/** SSL_SESSION_get_compress_id */
OSB_EXPORT int osb_session_get_compress_id(SSL_SESSION *s) {
  return (int)SSL_SESSION_get_compress_id(s);
}

/** SSL_SESSION_set1_alpn_selected */
OSB_EXPORT int osb_session_set1_alpn_selected(SSL_SESSION *s, const unsigned char *alpn, int length) {
  return SSL_SESSION_set1_alpn_selected(s, alpn, (size_t)length);
}

/**
 * Bytes an SSL_SESSION getter hands out through out-parameters, of a length only C knows: the
 * getters below copy at most `size` of them to `out` and return their length, so that JavaScript
 * asks once with size 0 for the length and once more for the bytes.
 */
static int copy_out(const void *bytes, size_t length, unsigned char *out, int size) {
  if (bytes && size > 0) memcpy(out, bytes, length < (size_t)size ? length : (size_t)size);
  return (int)length;
}

/** A getter of the shape SSL_SESSION_get0_alpn_selected and SSL_SESSION_get0_ticket share, through copy_out. */
static int copy_out_of(void (*get)(const SSL_SESSION *, const unsigned char **, size_t *), SSL_SESSION *s, unsigned char *out, int size) {
  const unsigned char *bytes = NULL;
  size_t length = 0;
  get(s, &bytes, &length);
  return copy_out(bytes, length, out, size);
}

/** SSL_SESSION_get0_alpn_selected */
OSB_EXPORT int osb_session_get0_alpn_selected(SSL_SESSION *s, unsigned char *out, int size) {
  return copy_out_of(SSL_SESSION_get0_alpn_selected, s, out, size);
}

/** SSL_SESSION_get0_ticket_appdata (which returns 1 whatever the session holds) */
OSB_EXPORT int osb_session_get0_ticket_appdata(SSL_SESSION *s, unsigned char *out, int size) {
  void *data = NULL;
  size_t length = 0;
  SSL_SESSION_get0_ticket_appdata(s, &data, &length);
  return copy_out(data, length, out, size);
}

/** SSL_SESSION_get0_ticket */
OSB_EXPORT int osb_session_get0_ticket(SSL_SESSION *s, unsigned char *out, int size) {
  return copy_out_of(SSL_SESSION_get0_ticket, s, out, size);
}

/** SSL_SESSION_get_master_key: with size 0 it returns the key's length, as C's outlen 0 does. */
OSB_EXPORT int osb_session_get_master_key(SSL_SESSION *s, unsigned char *out, int size) {
  return (int)SSL_SESSION_get_master_key(s, out, (size_t)size);
}

/** SSL_SESSION_set1_ticket_appdata */
OSB_EXPORT int osb_session_set1_ticket_appdata(SSL_SESSION *s, const unsigned char *data, int length) {
  return SSL_SESSION_set1_ticket_appdata(s, data, (size_t)length);
}

/** SSL_SESSION_get_max_early_data */
OSB_EXPORT double osb_session_get_max_early_data(SSL_SESSION *s) {
  return SSL_SESSION_get_max_early_data(s);
}

/** SSL_SESSION_set_max_early_data */
OSB_EXPORT int osb_session_set_max_early_data(SSL_SESSION *s, double max) {
  return SSL_SESSION_set_max_early_data(s, (uint32_t)max);
}
