/* SSL objects one call at a time (SSL_new, SSL_do_handshake, SSL_read, SSL_shutdown, …) and
 * the in-memory wire between two of them. The wire functions are also the native runtime's
 * (wasm/native/sandbox.c builds this file natively): a C export moves the bytes as WASM did. */
#include <openssl/bio.h>
#include "glue.h"

/** SSL_new */
OSB_EXPORT SSL *osb_ssl_new(SSL_CTX *ctx) {
  return SSL_new(ctx);
}

/** SSL_free */
OSB_EXPORT void osb_ssl_free(SSL *ssl) {
  SSL_free(ssl);
}

/** Joins a client and a server SSL by the wire: a memory BIO each way (SSL_set_bio), SSL_set_connect_state, SSL_set_accept_state. */
OSB_EXPORT void osb_wire_join(SSL *client, SSL *server) {
  SSL_set_bio(client, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
  SSL_set_bio(server, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
  SSL_set_connect_state(client);
  SSL_set_accept_state(server);
}

#if defined(__EMSCRIPTEN__) && !defined(OSB_UNWATCHED_WIRE)
#include <emscripten.h>
/* Each chunk the wire moves, for the trace's record events and the transcript (Module.osbHooks.wire). */
EM_JS(void, js_wire, (const SSL *from, const char *buf, int length), {
  Module.osbHooks.wire(from, buf, length);
});
#else
/* Natively, and in the bench's C loop (OSB_UNWATCHED_WIRE), nobody watches the wire. */
#define js_wire(from, buf, length) ((void)0)
#endif

/* A flight at once (a memory BIO hands over all it holds, up to this), so that its records arrive whole. */
static char wire_buffer[65536];

static int move(SSL *from, SSL *to) {
  int moved = 0, n;
  while ((n = BIO_read(SSL_get_wbio(from), wire_buffer, sizeof wire_buffer)) > 0) {
    js_wire(from, wire_buffer, n);
    BIO_write(SSL_get_rbio(to), wire_buffer, n);
    moved += n;
  }
  return moved;
}
/** Moves what each side of a joined pair wrote (BIO_read of its write BIO) to the other (BIO_write); returns the bytes moved. */
OSB_EXPORT int osb_wire_transfer(SSL *client, SSL *server) {
  return move(client, server) + move(server, client);
}

/**
 * SSL_do_handshake on both sides in turn, moving each flight, until both are done (1) or one
 * fails (0); then one SSL_read of the client, for what follows Finished (TLS 1.3 tickets).
 * -1: a side waits for its ClientHello callback (SSL_ERROR_WANT_CLIENT_HELLO_CB, an asynchronous
 * session lookup): call again once it can go on.
 */
OSB_EXPORT int osb_wire_handshake(SSL *client, SSL *server) {
  int done[2] = { 0, 0 };
  SSL *side[2] = { client, server };
  for (int round = 0; round < 64 && !(done[0] && done[1]); round++) {
    for (int i = 0; i < 2; i++) {
      if (done[i]) continue;
      int r = SSL_do_handshake(side[i]);
      if (r == 1) {
        done[i] = 1;
      } else {
        int e = SSL_get_error(side[i], r);
        if (e == SSL_ERROR_WANT_CLIENT_HELLO_CB) return -1;
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
          move(side[i], side[1 - i]);
          return 0;
        }
      }
      move(side[i], side[1 - i]);
    }
  }
  if (!(done[0] && done[1])) return 0;
  char scratch[512];
  SSL_read(client, scratch, sizeof scratch);
  ERR_clear_error();
  return 1;
}

/** SSL_do_handshake: 1 done, 0 or less not (SSL_get_error says why) */
OSB_EXPORT int osb_ssl_do_handshake(SSL *ssl) {
  return SSL_do_handshake(ssl);
}

/** SSL_read into a scratch buffer (application data is dropped): what follows the handshake, tickets, close_notify, a renegotiation */
OSB_EXPORT int osb_ssl_read(SSL *ssl) {
  char scratch[512];
  return SSL_read(ssl, scratch, sizeof scratch);
}

/** SSL_shutdown: 0 close_notify sent, 1 both sent, below 0 an error */
OSB_EXPORT int osb_ssl_shutdown(SSL *ssl) {
  return SSL_shutdown(ssl);
}

/** SSL_get_error */
OSB_EXPORT int osb_ssl_get_error(SSL *ssl, int ret) {
  return SSL_get_error(ssl, ret);
}

/** SSL_renegotiate */
OSB_EXPORT int osb_ssl_renegotiate(SSL *ssl) {
  return SSL_renegotiate(ssl);
}

/** SSL_set_session */
OSB_EXPORT int osb_ssl_set_session(SSL *ssl, SSL_SESSION *session) {
  return SSL_set_session(ssl, session);
}

/** SSL_get_session: the SSL's session without a reference of its own, or NULL */
OSB_EXPORT SSL_SESSION *osb_ssl_get_session(SSL *ssl) {
  return SSL_get_session(ssl);
}

/** SSL_get1_session: a new reference to the SSL's session, or NULL */
OSB_EXPORT SSL_SESSION *osb_ssl_get1_session(SSL *ssl) {
  return SSL_get1_session(ssl);
}

/** SSL_session_reused */
OSB_EXPORT int osb_ssl_session_reused(SSL *ssl) {
  return SSL_session_reused(ssl);
}

/** SSL_has_matching_session_id */
OSB_EXPORT int osb_ssl_has_matching_session_id(SSL *ssl, const unsigned char *id, unsigned int length) {
  return SSL_has_matching_session_id(ssl, id, length);
}

/** SSL_get_default_timeout */
OSB_EXPORT long osb_ssl_get_default_timeout(SSL *ssl) {
  return SSL_get_default_timeout(ssl);
}

/** SSL_set_session_id_context */
OSB_EXPORT int osb_ssl_set_session_id_context(SSL *ssl, const unsigned char *id, unsigned int length) {
  return SSL_set_session_id_context(ssl, id, length);
}

/** SSL_CTX_set_verify with no callback (OpenSSL's own verification) */
OSB_EXPORT void osb_ctx_set_verify(SSL_CTX *ctx, int mode) {
  SSL_CTX_set_verify(ctx, mode, NULL);
}

/** SSL_set_verify with no callback */
OSB_EXPORT void osb_ssl_set_verify(SSL *ssl, int mode) {
  SSL_set_verify(ssl, mode, NULL);
}

/** SSL_CTX_get_verify_mode */
OSB_EXPORT int osb_ctx_get_verify_mode(SSL_CTX *ctx) {
  return SSL_CTX_get_verify_mode(ctx);
}

/** SSL_get_verify_mode */
OSB_EXPORT int osb_ssl_get_verify_mode(SSL *ssl) {
  return SSL_get_verify_mode(ssl);
}

/** SSL_is_server */
OSB_EXPORT int osb_ssl_is_server(SSL *ssl) {
  return SSL_is_server(ssl);
}

/** SSL_version */
OSB_EXPORT int osb_ssl_version(SSL *ssl) {
  return SSL_version(ssl);
}

/** SSL_get_num_tickets */
OSB_EXPORT int osb_ssl_get_num_tickets(SSL *ssl) {
  return (int)SSL_get_num_tickets(ssl);
}

/** SSL_set_num_tickets */
OSB_EXPORT int osb_ssl_set_num_tickets(SSL *ssl, int count) {
  return SSL_set_num_tickets(ssl, (size_t)count);
}

/** SSL_new_session_ticket (3.0 and later; 0 before): one more ticket at the next SSL_do_handshake */
OSB_EXPORT int osb_ssl_new_session_ticket(SSL *ssl) {
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
  return SSL_new_session_ticket(ssl);
#else
  (void)ssl;
  return 0;
#endif
}

/** SSL_set_session_ticket_ext: the ticket the client sends */
OSB_EXPORT int osb_ssl_set_session_ticket_ext(SSL *ssl, const unsigned char *ticket, int length) {
  return SSL_set_session_ticket_ext(ssl, (void *)ticket, length);
}

/** SSL_CTX_set_tlsext_ticket_keys: the keys that encrypt tickets (80 bytes: name, HMAC and AES keys) */
OSB_EXPORT long osb_ctx_set_tlsext_ticket_keys(SSL_CTX *ctx, const unsigned char *keys, int length) {
  return SSL_CTX_set_tlsext_ticket_keys(ctx, (void *)keys, length);
}
