/* A client SSL and a server SSL, each reading and writing memory BIOs. The bytes between
 * them do not move here: the TypeScript "wire" takes what one side wrote and feeds it to
 * the other, so that every record can later be shown, held back or changed. */
#include <stdlib.h>
#include <openssl/bio.h>
#include "glue.h"

typedef struct osb_conn {
  SSL *ssl[2];     /* by side: OSB_CLIENT, OSB_SERVER */
  BIO *in[2];      /* what the side reads */
  BIO *out[2];     /* what the side writes */
} osb_conn;

static SSL *side_ssl(osb_conn *conn, int side) {
  return conn->ssl[side == OSB_SERVER];
}

/** SSL_new for both sides (client from `client_ctx`, server from `server_ctx`) on memory BIOs. NULL on failure. */
OSB_EXPORT osb_conn *osb_conn_new(SSL_CTX *client_ctx, SSL_CTX *server_ctx) {
  osb_conn *conn = calloc(1, sizeof *conn);
  if (!conn) return NULL;
  SSL_CTX *ctx[2] = { client_ctx, server_ctx };
  for (int side = 0; side < 2; side++) {
    conn->ssl[side] = SSL_new(ctx[side]);
    conn->in[side] = BIO_new(BIO_s_mem());
    conn->out[side] = BIO_new(BIO_s_mem());
    if (!conn->ssl[side] || !conn->in[side] || !conn->out[side]) {
      for (int s = 0; s <= side; s++) {
        if (conn->ssl[s] && conn->in[s] && conn->out[s]) {
          SSL_set_bio(conn->ssl[s], conn->in[s], conn->out[s]);
        } else {
          BIO_free(conn->in[s]);
          BIO_free(conn->out[s]);
        }
        SSL_free(conn->ssl[s]);
      }
      free(conn);
      return NULL;
    }
    SSL_set_bio(conn->ssl[side], conn->in[side], conn->out[side]);
  }
  SSL_set_connect_state(conn->ssl[OSB_CLIENT]);
  SSL_set_accept_state(conn->ssl[OSB_SERVER]);
  return conn;
}

/** SSL_free for both sides: a side that did not send close_notify has its session removed from the cache. */
OSB_EXPORT void osb_conn_free(osb_conn *conn) {
  SSL_free(conn->ssl[OSB_CLIENT]);
  SSL_free(conn->ssl[OSB_SERVER]);
  free(conn);
}

/** SSL_set_session on the client side. Returns 1 or 0. */
OSB_EXPORT int osb_conn_set_session(osb_conn *conn, SSL_SESSION *session) {
  return SSL_set_session(conn->ssl[OSB_CLIENT], session);
}

static int outcome(SSL *ssl, int ret) {
  return ret > 0 ? 1 : -SSL_get_error(ssl, ret);
}

/** SSL_do_handshake on one side: 1 when done, else minus SSL_get_error (-2: wants to read). */
OSB_EXPORT int osb_conn_handshake(osb_conn *conn, int side) {
  SSL *ssl = side_ssl(conn, side);
  return outcome(ssl, SSL_do_handshake(ssl));
}

/** SSL_read on one side, to process post-handshake messages (TLS 1.3 tickets, close_notify): bytes read, or minus SSL_get_error. */
OSB_EXPORT int osb_conn_read(osb_conn *conn, int side) {
  unsigned char scratch[512];
  SSL *ssl = side_ssl(conn, side);
  int ret = SSL_read(ssl, scratch, sizeof scratch);
  return ret > 0 ? ret : -SSL_get_error(ssl, ret);
}

/** SSL_shutdown on one side: 0 sent close_notify, 1 both done, or minus SSL_get_error. */
OSB_EXPORT int osb_conn_shutdown(osb_conn *conn, int side) {
  SSL *ssl = side_ssl(conn, side);
  int ret = SSL_shutdown(ssl);
  return ret >= 0 ? ret : -SSL_get_error(ssl, ret);
}

/** Bytes the side has written and the wire has not taken yet. */
OSB_EXPORT int osb_conn_pending(osb_conn *conn, int side) {
  return (int)BIO_ctrl_pending(conn->out[side == OSB_SERVER]);
}

/** Moves up to `length` written bytes of the side into `out`; returns how many. */
OSB_EXPORT int osb_conn_take(osb_conn *conn, int side, unsigned char *out, int length) {
  int n = BIO_read(conn->out[side == OSB_SERVER], out, length);
  return n > 0 ? n : 0;
}

/** Gives the side `length` bytes to read, as if they had come from the network. Returns how many were accepted. */
OSB_EXPORT int osb_conn_feed(osb_conn *conn, int side, const unsigned char *bytes, int length) {
  return BIO_write(conn->in[side == OSB_SERVER], bytes, length);
}

/** SSL_session_reused */
OSB_EXPORT int osb_conn_session_reused(osb_conn *conn, int side) {
  return SSL_session_reused(side_ssl(conn, side));
}

/** SSL_version: the negotiated protocol (0x0303 TLS 1.2, 0x0304 TLS 1.3). */
OSB_EXPORT int osb_conn_version(osb_conn *conn, int side) {
  return SSL_version(side_ssl(conn, side));
}

/** SSL_get_cipher_name: "" before a cipher is chosen. */
OSB_EXPORT const char *osb_conn_cipher_name(osb_conn *conn, int side) {
  const char *name = SSL_get_cipher_name(side_ssl(conn, side));
  return name ? name : "";
}

/** SSL_get1_session: a new reference to the side's current session, or NULL. */
OSB_EXPORT SSL_SESSION *osb_conn_get1_session(osb_conn *conn, int side) {
  return SSL_get1_session(side_ssl(conn, side));
}

/** SSL_get_session: the side's current session without a new reference, or NULL. */
OSB_EXPORT SSL_SESSION *osb_conn_get0_session(osb_conn *conn, int side) {
  return SSL_get_session(side_ssl(conn, side));
}

/** Reports (1) or stops reporting (0) both sides' messages, state changes and alerts to the trace. */
OSB_EXPORT void osb_conn_trace(osb_conn *conn, int on) {
  osb_trace_ssl(conn->ssl[OSB_CLIENT], on);
  osb_trace_ssl(conn->ssl[OSB_SERVER], on);
}

/** The SSL object of one side, as the session callbacks name it. */
OSB_EXPORT SSL *osb_conn_ssl(osb_conn *conn, int side) {
  return side_ssl(conn, side);
}
